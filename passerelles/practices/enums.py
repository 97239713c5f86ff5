from django.db import models
from django.utils.translation import gettext_lazy as _


class SheetStatus(models.TextChoices):
    """A sheet's life: a member's or a partner's proposal waits for staff, who publish it or
    refuse it with a reason the author reads; staff may archive a published sheet."""

    PENDING = "pending", _("en attente de relecture")
    PUBLISHED = "published", _("publiée")
    REFUSED = "refused", _("refusée")
    ARCHIVED = "archived", _("archivée")


class Curation(models.TextChoices):
    """What staff decided about a pair shown on the common-issue pages."""

    PINNED = "pinned", _("épinglée")
    HIDDEN = "hidden", _("masquée")
