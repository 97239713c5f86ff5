from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BridgesConfig(AppConfig):
    name = "passerelles.bridges"
    verbose_name = _("Passerelles entre acteurs")

    def ready(self):
        from passerelles.bridges import merging, signals

        signals.connect()
        from passerelles.bridges.models import FundingCall, Zone
        from passerelles.core import fragments

        # Calls are written by staff pages and the admin, outside any action: their saves
        # retire the organisation pages' panels of eligible calls.
        fragments.bump_on_save(FundingCall, Zone, topic="calls")
        # Rows pointing at a merged duplicate move to the kept organisation.
        merging.connect()
