from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "passerelles.practices"
    verbose_name = _("Solutions transférables")

    def ready(self):
        from passerelles.core import door
        from passerelles.practices import merging
        from passerelles.practices.models import CuratedPair, Practice

        # Sheets and curated pairs are written by practices/actions.py only (decisions §15, §41).
        door.guard(Practice, m2m=("themes", "countries", "projects", "organisations"))
        door.guard(CuratedPair)
        # A merged duplicate's sheets name the kept organisation.
        merging.connect()
