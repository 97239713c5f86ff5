from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupKind(models.TextChoices):
    """What a working group gathers people around."""

    COUNTRY = "country", _("pays")
    THEME = "theme", _("thème")
    FREE = "free", _("libre")


class Visibility(models.TextChoices):
    """A public group is seen by all and joined at once; a members-only group is seen by
    signed-in people only, its content by its members, and joining it asks the coordinators."""

    PUBLIC = "public", _("public")
    MEMBERS_ONLY = "members_only", _("réservé aux membres")


class GroupRole(models.TextChoices):
    MEMBER = "member", _("membre")
    COORDINATOR = "coordinator", _("coordination")


class DigestFrequency(models.TextChoices):
    """How often a member receives the group's news by e-mail."""

    IMMEDIATE = "immediate", _("à chaque nouvelle")
    DAILY = "daily", _("une fois par jour")
    WEEKLY = "weekly", _("une fois par semaine")
    NONE = "none", _("jamais")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    ACCEPTED = "accepted", _("acceptée")
    REFUSED = "refused", _("refusée")
