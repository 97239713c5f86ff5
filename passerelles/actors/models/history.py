"""Change history of organisations: who changed what, when, with the old and new values."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATED = "created", _("création")
    UPDATED = "updated", _("modification")
    PROPOSAL_APPROVED = "approved", _("proposition acceptée")
    MERGED = "merged", _("fusion d'un doublon")
    IMPORTED = "imported", _("import")
    STATUS = "status", _("changement de statut")


class ChangeRecord(models.Model):
    """Append-only: one row per save that changed something. `changes` maps a field name to
    [old, new] as displayable strings (related objects by label, lists sorted)."""

    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.CASCADE, related_name="history"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=12, choices=ChangeAction.choices)
    changes = models.JSONField(_("changements"), default=dict)
    comment = models.CharField(_("commentaire"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("modification")
        verbose_name_plural = _("historique des modifications")

    def __str__(self):
        return f"{self.get_action_display()} — {self.organisation} — {self.at:%Y-%m-%d %H:%M}"
