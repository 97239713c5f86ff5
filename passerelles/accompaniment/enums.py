from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    """What the network accompanies an organisation in."""

    FIRST_CONTACT = "first_contact", _("premier contact")
    PROJECT_SETUP = "project_setup", _("montage de projet")
    FUNDING_FILE = "funding_file", _("dossier de financement")
    PARTNER_SEARCH = "partner_search", _("recherche de partenaires")
    EVALUATION = "evaluation", _("évaluation")
    TRAINING = "training", _("formation")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("ouvert")
    # Waiting for the organisation (a document, an answer from a funder…).
    WAITING = "waiting", _("en attente")
    CLOSED = "closed", _("clos")


class EntryKind(models.TextChoices):
    APPOINTMENT = "appointment", _("rendez-vous")
    NOTE = "note", _("note")
    MESSAGE = "message", _("message")


class LinkKind(models.TextChoices):
    """What staff propose to the organisation: a partner, a funding call, a common issue."""

    PARTNER = "partner", _("partenaire proposé")
    CALL = "call", _("appel à projets proposé")
    ISSUE = "issue", _("enjeu commun ou solution")
