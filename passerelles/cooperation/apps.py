from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "passerelles.cooperation"
    verbose_name = _("Co-construction")

    def ready(self):
        from passerelles.cooperation import merging

        # Rows pointing at a merged duplicate move to the kept organisation.
        merging.connect()
