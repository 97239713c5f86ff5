"""Small-grant rounds the network runs itself (docs/decisions.md §38).

A `Round` extends a funding call (bridges.FundingCall, one to one): the call keeps what every
call has and shows in the calls' list (title, presentation, eligible families, maximum amount),
the round adds what only a call the network runs needs (budget, minimum co-funding share, a
deadline to the minute, a scoring grid, jurors). An `Application` is an organisation's file,
with its budget lines, its partner abroad, comments, jurors' declared conflicts and scores."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.core.door import GuardedQuerySet
from passerelles.grants.enums import Funder, Status

MAX_SCORE = 5
AMOUNT = {"max_digits": 12, "decimal_places": 0}


class RowQuerySet(GuardedQuerySet, models.QuerySet):
    pass


class RoundQuerySet(GuardedQuerySet, models.QuerySet):
    def open_now(self):
        return self.filter(deadline__gt=timezone.now(), decided_at__isnull=True)

    def decided(self):
        return self.filter(decided_at__isnull=False)


class Round(models.Model):
    call = models.OneToOneField(
        "bridges.FundingCall",
        verbose_name=_("appel à projets"),
        on_delete=models.CASCADE,
        related_name="grant_round",
    )
    budget = models.DecimalField(_("enveloppe (€)"), **AMOUNT)
    min_cofunding = models.PositiveSmallIntegerField(
        _("part minimale de cofinancement (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("Part du budget du projet financée par d'autres que cette subvention."),
    )
    deadline = models.DateTimeField(_("date et heure limites de dépôt"))
    report_months = models.PositiveSmallIntegerField(_("délai du rapport final (mois)"), default=12)
    jurors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("jury"), blank=True, related_name="grant_juries"
    )
    decided_at = models.DateTimeField(_("résultats publiés le"), null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-deadline"]
        verbose_name = _("appel à petites subventions")
        verbose_name_plural = _("appels à petites subventions")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_cofunding__lte=100), name="%(app_label)s_%(class)s_percent"
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0), name="%(app_label)s_%(class)s_budget_positive"
            ),
        ]

    def __str__(self):
        return self.call.title

    def get_absolute_url(self):
        return reverse("grants:round", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.decided_at is None and timezone.now() < self.deadline

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None

    def granted_total(self) -> Decimal:
        total = self.applications.aggregate(total=Sum("amount_granted"))["total"]
        return total or Decimal(0)


class Criterion(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField(_("critère"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("poids"), default=1)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = RowQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("critère de notation")
        verbose_name_plural = _("critères de notation")

    def __str__(self):
        return self.label


class ApplicationQuerySet(GuardedQuerySet, models.QuerySet):
    def submitted(self):
        return self.exclude(status=Status.DRAFT)

    def granted(self):
        return self.filter(status=Status.GRANTED)

    def involving(self, user):
        """Applications of an organisation the user belongs to, or naming it as partner."""
        orgs = user.memberships.values("organisation_id")
        return self.filter(Q(organisation__in=orgs) | Q(partner__in=orgs))


class Application(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="applications")
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation candidate"),
        on_delete=models.CASCADE,
        related_name="grant_applications",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("projet existant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grant_applications",
    )
    title = models.CharField(_("titre du projet"), max_length=200)
    summary = models.TextField(_("résumé"), max_length=4000)
    partner = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("partenaire là-bas"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grant_partnerships",
    )
    partner_role = models.TextField(_("rôle du partenaire"), max_length=2000, blank=True)
    partner_contribution = models.TextField(_("apport du partenaire"), max_length=2000, blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(_("déposée le"), null=True, blank=True)
    amount_granted = models.DecimalField(_("montant accordé (€)"), null=True, blank=True, **AMOUNT)
    decided_at = models.DateTimeField(null=True, blank=True)
    report_due_on = models.DateField(_("rapport final attendu le"), null=True, blank=True)
    report_received_on = models.DateField(_("rapport final reçu le"), null=True, blank=True)
    report_reminded_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_granted__isnull=True) | Q(amount_granted__gte=0),
                name="%(app_label)s_%(class)s_granted_positive",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("grants:application", kwargs={"pk": self.pk})

    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines.all()), Decimal(0))

    def requested(self) -> Decimal:
        return sum(
            (line.amount for line in self.lines.all() if line.funder == Funder.GRANT), Decimal(0)
        )

    def cofunding_share(self) -> Decimal:
        """Percentage of the budget funded by others than this grant (0 for an empty budget)."""
        total = self.total()
        if not total:
            return Decimal(0)
        return (total - self.requested()) * 100 / total


class BudgetLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="lines")
    label = models.CharField(_("poste"), max_length=200)
    amount = models.DecimalField(_("montant (€)"), **AMOUNT)
    funder = models.CharField(_("financé par"), max_length=10, choices=Funder.choices)

    objects = RowQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="%(app_label)s_%(class)s_amount_positive"
            ),
        ]

    def __str__(self):
        return self.label


class Comment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("commentaire"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RowQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:60]


class Conflict(models.Model):
    """A juror's declared conflict of interest with one application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grant_conflicts"
    )
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    objects = RowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "juror"], name="%(app_label)s_%(class)s_once"
            )
        ]

    def __str__(self):
        return f"{self.juror} ≠ {self.application}"


class Score(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grant_scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("note"), validators=[MaxValueValidator(MAX_SCORE)])

    objects = RowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "juror", "criterion"], name="%(app_label)s_%(class)s_once"
            ),
            models.CheckConstraint(
                condition=Q(value__lte=MAX_SCORE), name="%(app_label)s_%(class)s_range"
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"
