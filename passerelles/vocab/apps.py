from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VocabConfig(AppConfig):
    name = "passerelles.vocab"
    verbose_name = _("Vocabulaires")

    def ready(self):
        from passerelles.core import fragments
        from passerelles.vocab.models import SdgGoal, SdgTarget, Theme

        # Pages name themes and SDGs: a renamed theme retires the cached parts that show it.
        fragments.bump_on_save(Theme, SdgGoal, SdgTarget, topic="referentials")
