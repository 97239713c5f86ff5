from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    REGIONAL_DAY = "regional_day", _("journée régionale")
    WORKSHOP = "workshop", _("atelier")
    TRAINING = "training", _("formation")
    FESTISOL = "festisol", _("relais du Festival des Solidarités")
    OTHER = "other", _("autre")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmée")
    WAITING = "waiting", _("en liste d'attente")
    CANCELLED = "cancelled", _("annulée")


class Priority(models.TextChoices):
    """How much a participant wants to meet another one; "no" rules the pair out both ways."""

    MUST = "must", _("indispensable")
    WISH = "wish", _("souhaité")
    NO = "no", _("non merci")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("prévue")
    HELD = "held", _("tenue")
    CANCELLED = "cancelled", _("annulée")
