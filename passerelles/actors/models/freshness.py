"""The freshness campaign's questions: "are these informations still current?", asked about one
published organisation of its managers (or its public address), with the one answer given
through the signed link of the e-mail (passerelles.actors.freshness)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FreshnessAnswer(models.TextChoices):
    CURRENT = "current", _("toujours à jour")
    CHANGE = "change", _("à modifier")
    INACTIVE = "inactive", _("plus en activité")


class FreshnessCheck(models.Model):
    """One question about one organisation. Its date is what spaces the questions
    (PASSERELLES_FRESHNESS_REMIND_DAYS); its first answer is final and says who gave it."""

    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.CASCADE, related_name="freshness_checks"
    )
    asked_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    # The addresses the question went to, for staff (a manager may leave the organisation).
    recipients = models.JSONField(_("destinataires"), default=list, blank=True)
    answer = models.CharField(
        _("réponse"), max_length=10, choices=FreshnessAnswer.choices, blank=True
    )
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "No longer active" opens an archiving proposal for staff; the record is not archived.
    proposal = models.ForeignKey(
        "actors.Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("demande de confirmation")
        verbose_name_plural = _("demandes de confirmation")
        indexes = [
            models.Index(fields=["organisation", "asked_at"], name="actors_fresh_org_asked"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answer="") | models.Q(answered_at__isnull=False),
                name="%(app_label)s_%(class)s_answer_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.asked_at:%Y-%m-%d}"
