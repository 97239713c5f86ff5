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
        from passerelles.bridges import actions
        from passerelles.bridges.models import FeedbackWeight, SuggestionMark, SuggestionMarkLog
        from passerelles.core import door, jobs

        # Members' marks and the learnt weights are written by bridges/actions.py only.
        door.guard(SuggestionMark, rows=(SuggestionMarkLog, FeedbackWeight))
        # The weights are learnt again once a day by the worker, never in a request.
        jobs.housekeeping("bridges.refit_feedback", actions.refit_if_due)
