from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BridgesConfig(AppConfig):
    name = "passerelles.bridges"
    verbose_name = _("Passerelles entre acteurs")

    def ready(self):
        from passerelles.bridges import merging, signals

        signals.connect()
        # Rows pointing at a merged duplicate move to the kept organisation.
        merging.connect()
