"""What members say about the partners suggested to their organisation (useful, not relevant,
led to a partnership), and the weights learnt from all of it (suggest/feedback.py,
docs/bridges.md "Learning from use", docs/decisions.md §40).

A mark belongs to the organisation the member acts for, not to the person: the suggestions
are the organisation's, and any of its members may change or withdraw the mark. Who set it
and when is kept on the row and in the append-only log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Verdict(models.TextChoices):
    USEFUL = "useful", _("utile")
    NOT_RELEVANT = "not_relevant", _("pas pertinente")
    PARTNERSHIP = "partnership", _("a mené à un partenariat")


# A mark promotes (useful, partnership) or demotes (not relevant) the pair.
POSITIVE = (Verdict.USEFUL, Verdict.PARTNERSHIP)


class SuggestionMarkQuerySet(models.QuerySet):
    def of(self, organisation):
        return self.filter(organisation=organisation)


class SuggestionMark(models.Model):
    """The current mark of one organisation on one organisation suggested to it."""

    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation qui reçoit la suggestion"),
        on_delete=models.CASCADE,
        related_name="suggestion_marks",
    )
    candidate = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation suggérée"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    verdict = models.CharField(_("avis"), max_length=20, choices=Verdict.choices)
    # The engine's signals for this pair when it was marked (suggest/feedback.features): the
    # model learns from what the member saw, not from what the pair looks like later.
    features = models.JSONField(_("caractéristiques"), default=list, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    objects = SuggestionMarkQuerySet.as_manager()

    class Meta:
        ordering = ["-marked_at", "pk"]
        verbose_name = _("avis sur une suggestion")
        verbose_name_plural = _("avis sur les suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "candidate"], name="%(app_label)s_%(class)s_one_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(organisation=models.F("candidate")),
                name="%(app_label)s_%(class)s_distinct",
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=Verdict.values),
                name="%(app_label)s_%(class)s_known_verdict",
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id} → {self.candidate_id} : {self.verdict}"


class SuggestionMarkLog(models.Model):
    """Append-only: every mark set, changed or withdrawn (verdict empty), with who and when."""

    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    candidate = models.ForeignKey("actors.Organisation", on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(_("avis"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("historique des avis")
        verbose_name_plural = _("historique des avis")

    def __str__(self):
        return f"{self.organisation_id} → {self.candidate_id} : {self.verdict or '-'}"


class FeedbackWeight(models.Model):
    """One learnt weight per feature (suggest/feedback.fit); only features above the
    thresholds get a row, and ranking reads nothing else of the marks of other organisations."""

    feature = models.CharField(_("caractéristique"), max_length=100, unique=True)
    weight = models.FloatField(_("poids"))
    marks = models.PositiveIntegerField(_("avis"))
    organisations = models.PositiveIntegerField(_("organisations"))
    fitted_at = models.DateTimeField(_("calculé le"), default=timezone.now)

    class Meta:
        ordering = ["feature"]
        verbose_name = _("poids appris des avis")
        verbose_name_plural = _("poids appris des avis")

    def __str__(self):
        return f"{self.feature} : {self.weight:+.2f}"
