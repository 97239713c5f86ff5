"""Moderation: proposals from anyone (a new organisation, or a correction) wait for staff, and
pairs of organisations staff judged "not duplicates" are remembered."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.core.text_limits import SHORT_TEXT


class ProposalKind(models.TextChoices):
    CREATE = "create", _("nouvelle organisation")
    UPDATE = "update", _("correction")
    # Asked by an answer "no longer active" to the freshness campaign: staff archive or not.
    ARCHIVE = "archive", _("fin d'activité signalée")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    APPROVED = "approved", _("acceptée")
    REJECTED = "rejected", _("refusée")
    MERGED = "merged", _("fusionnée avec une fiche existante")


class ProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ProposalStatus.PENDING)


class Proposal(models.Model):
    """A change waiting for moderation.

    For a new organisation, the organisation row exists with status "pending" (so staff can see
    it, search duplicates against it, and merge it); `payload` is empty. For a correction,
    `payload` holds the proposed values of the changed fields only, in form-data shape
    (primary keys for relations), and nothing is applied until staff approve it."""

    kind = models.CharField(_("type"), max_length=10, choices=ProposalKind.choices)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
        db_index=True,
    )
    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.CASCADE, related_name="proposals"
    )
    payload = models.JSONField(_("valeurs proposées"), default=dict, blank=True)
    message = models.TextField(
        _("message de la personne qui propose"), blank=True, max_length=SHORT_TEXT
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    proposer_email = models.EmailField(_("e-mail de la personne qui propose"), blank=True)
    created_at = models.DateTimeField(_("proposée le"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    reason = models.TextField(_("motif de la décision"), blank=True, max_length=SHORT_TEXT)
    merged_into = models.ForeignKey(
        "actors.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("fusionnée avec"),
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ProposalStatus.REJECTED) | ~Q(reason=""),
                name="%(app_label)s_%(class)s_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.organisation}"

    @property
    def contact_email(self) -> str:
        return self.proposer.email if self.proposer_id else self.proposer_email


class NotDuplicate(models.Model):
    """Staff said these two organisations are distinct: never suggest the pair again.
    Stored with first_id < second_id so each pair has one row."""

    first = models.ForeignKey("actors.Organisation", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("actors.Organisation", on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("paire distincte")
        verbose_name_plural = _("paires distinctes (pas des doublons)")
        constraints = [
            models.UniqueConstraint(
                fields=["first", "second"], name="%(app_label)s_%(class)s_unique_pair"
            ),
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="%(app_label)s_%(class)s_ordered_pair"
            ),
        ]

    def __str__(self):
        return f"{self.first} ≠ {self.second}"

    @classmethod
    def remember(cls, a, b, user=None):
        return cls.remember_ids(a.pk, b.pk, user=user)

    @classmethod
    def remember_ids(cls, a: int, b: int, user=None):
        first, second = sorted([a, b])
        return cls.objects.get_or_create(
            first_id=first, second_id=second, defaults={"decided_by": user}
        )[0]
