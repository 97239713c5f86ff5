from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "passerelles.surveys"
    verbose_name = _("Enquête annuelle")

    def ready(self):
        from passerelles.core import door
        from passerelles.surveys import merging
        from passerelles.surveys.models import Answer, Campaign, Invitation

        # The survey's rows are written by surveys/actions.py only (decisions §15).
        door.guard(Campaign, rows=(Invitation, Answer))
        # A merged duplicate's invitations move to the kept organisation.
        merging.connect()
