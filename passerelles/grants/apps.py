from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "passerelles.grants"
    verbose_name = _("Petites subventions")

    def ready(self):
        from passerelles.core import door
        from passerelles.grants import merging, models

        # Rounds and applications are written by grants/actions.py only (decisions §38).
        door.guard(
            models.Round,
            m2m=("jurors",),
            rows=(
                models.Criterion,
                models.Application,
                models.BudgetLine,
                models.Comment,
                models.Conflict,
                models.Score,
            ),
        )
        merging.connect()
