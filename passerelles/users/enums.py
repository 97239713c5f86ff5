from django.db import models
from django.utils.translation import gettext_lazy as _


class NetworkRole(models.TextChoices):
    """A person's role in the network. Anonymous people are visitors; they have no account."""

    MEMBER = "member", _("membre")
    PARTNER_ABROAD = "partner_abroad", _("partenaire à l'étranger")
    STAFF = "staff", _("équipe du réseau")
    ADMIN = "admin", _("administrateur·rice")


class MembershipRole(models.TextChoices):
    """What a person may do for one organisation."""

    ADMIN = "admin", _("gestionnaire")
    EDITOR = "editor", _("contributeur·rice")


class MembershipRequestStatus(models.TextChoices):
    """Where a person's request to act for an organisation stands."""

    PENDING = "pending", _("en attente")
    APPROVED = "approved", _("acceptée")
    REJECTED = "rejected", _("refusée")
    WITHDRAWN = "withdrawn", _("retirée")
