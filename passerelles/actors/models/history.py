"""Change history of organisations: who changed what, when, through which channel, with the old
and new values (the shared implementation is passerelles.core.history)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from passerelles.core.history import AbstractChangeRecord, ChangeAction, ChangeSource

__all__ = ["ChangeAction", "ChangeRecord", "ChangeSource"]


class ChangeRecord(AbstractChangeRecord):
    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.CASCADE, related_name="history"
    )

    class Meta(AbstractChangeRecord.Meta):
        verbose_name = _("modification")
        verbose_name_plural = _("historique des modifications")

    def __str__(self):
        return f"{self.get_action_display()} — {self.organisation} — {self.at:%Y-%m-%d %H:%M}"
