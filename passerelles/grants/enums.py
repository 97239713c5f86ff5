from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    SUBMITTED = "submitted", _("déposée")
    GRANTED = "granted", _("retenue")
    DECLINED = "declined", _("non retenue")


class Funder(models.TextChoices):
    GRANT = "grant", _("cette subvention")
    OWN = "own", _("fonds propres")
    OTHER = "other", _("autre financeur")
