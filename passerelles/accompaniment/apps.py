from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccompanimentConfig(AppConfig):
    name = "passerelles.accompaniment"
    verbose_name = _("Accompagnement")

    def ready(self):
        from passerelles.accompaniment import merging
        from passerelles.accompaniment.models import Case, CaseDocument, CaseEntry, CaseLink
        from passerelles.core import door

        # A case's rows are written by accompaniment/actions.py only (decisions §36).
        door.guard(Case, rows=(CaseEntry, CaseDocument, CaseLink))
        # A merged duplicate's cases move to the kept organisation.
        merging.connect()
