"""An organisation asks to join a space listed on the public page; the space's leads decide."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.cooperation.enums import JoinRequestStatus
from passerelles.core.text_limits import SHORT_TEXT


class JoinRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=JoinRequestStatus.PENDING)


class JoinRequest(models.Model):
    space = models.ForeignKey(
        "cooperation.CooperationSpace", on_delete=models.CASCADE, related_name="join_requests"
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="space_join_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(
        _("message aux membres de l'espace"), blank=True, max_length=SHORT_TEXT
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=JoinRequestStatus.choices,
        default=JoinRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    reason = models.CharField(_("motif du refus"), max_length=300, blank=True)
    # The member row an accepted request created (or reopened, for an organisation that left).
    member = models.ForeignKey(
        "cooperation.SpaceMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("demande pour rejoindre un espace")
        verbose_name_plural = _("demandes pour rejoindre un espace")
        constraints = [
            # A second click, or a second person of the same organisation, finds the first.
            models.UniqueConstraint(
                fields=["space", "organisation"],
                condition=Q(status=JoinRequestStatus.PENDING),
                name="%(app_label)s_%(class)s_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} → {self.space}"

    @property
    def is_pending(self) -> bool:
        return self.status == JoinRequestStatus.PENDING
