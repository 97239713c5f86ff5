"""Yearly snapshots of the observatory (docs/decisions.md §33): the tables of a year, frozen
once by staff and never recomputed, so that the figures given to the general assembly and to
funders still read the same years later, whatever records or definitions changed since.

Immutable at three levels: the model refuses a second save() and delete(), its QuerySet refuses
update() and delete(), and on PostgreSQL a trigger (migration 0001) refuses UPDATE and DELETE
from any client. The one change allowed is the database's own: `frozen_by` becomes NULL when
the account is deleted (the name stays in `frozen_by_name`)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SnapshotFrozen(Exception):
    """A snapshot is never changed or deleted."""

    def __init__(self, message=None):
        super().__init__(
            str(
                message
                or _(
                    "Un instantané annuel de l'observatoire ne peut être ni modifié ni supprimé : "
                    "ses chiffres sont figés."
                )
            )
        )


def _only_unlinks_the_account(kwargs: dict) -> bool:
    """The update Django makes when the account that froze a year is deleted (SET_NULL)."""
    return set(kwargs) <= {"frozen_by", "frozen_by_id"} and all(v is None for v in kwargs.values())


class SnapshotQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if not _only_unlinks_the_account(kwargs):
            raise SnapshotFrozen
        return super().update(**kwargs)

    def delete(self):
        raise SnapshotFrozen

    delete.queryset_only = True

    def _raw_delete(self, using):
        raise SnapshotFrozen


class Snapshot(models.Model):
    """The observatory's tables for one year, as they were when staff froze it.

    `tables` holds every indicator (staff ones included, flagged): its definition as shown in
    French and English, and its table with exact values (amounts as decimal strings); see
    observatory/snapshots.py for the shape."""

    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    frozen_at = models.DateTimeField(_("figée le"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("figée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The name as it was, so the banner still says who froze the year once the account is gone.
    frozen_by_name = models.CharField(_("nom de la personne"), max_length=300, blank=True)
    tables = models.JSONField(_("tableaux figés"))

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("année figée de l'observatoire")
        verbose_name_plural = _("années figées de l'observatoire")

    def __str__(self):
        return str(_("Observatoire %(year)s (figé)") % {"year": self.year})

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise SnapshotFrozen
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{reverse('observatory:index')}?year={self.year}"

    def delete(self, *args, **kwargs):
        raise SnapshotFrozen
