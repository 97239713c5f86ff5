"""The yearly survey of member organisations (docs/decisions.md §32).

A `Campaign` per year; an `Invitation` per organisation invited, carrying the personal link's
token; an `Answer` per invitation holding the figures only the survey knows (staff, volunteers,
budget devoted to international solidarity, beneficiaries) and what the organisation confirmed
(projects of the year, countries, partners). What belongs to the organisation itself (its
countries of action, its size) is written to the organisation through its own door
(actors.actions) when the answer is saved; the answer keeps its own copy for the year."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.core.door import GuardedQuerySet

# Upper bounds of the figures: beyond them a number is a typing error, not an organisation.
MAX_PEOPLE = 1_000_000
MAX_BUDGET = 10_000_000_000


class CampaignQuerySet(GuardedQuerySet, models.QuerySet):
    pass


class Campaign(models.Model):
    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    deadline = models.DateField(_("date limite de réponse"))
    reminder_days = models.PositiveSmallIntegerField(
        _("jours entre deux relances"),
        default=7,
        help_text=_("Une organisation n'est pas relancée plus d'une fois dans ce délai."),
    )
    opened_at = models.DateTimeField(_("ouverte le"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("campagne d'enquête")
        verbose_name_plural = _("campagnes d'enquête")

    def __str__(self):
        return str(_("Enquête %(year)s") % {"year": self.year})

    @property
    def is_open(self) -> bool:
        """Answers are taken until staff close the campaign or its deadline's day is over."""
        return self.closed_at is None and timezone.localdate() <= self.deadline


class InvitationQuerySet(GuardedQuerySet, models.QuerySet):
    def answered(self):
        return self.filter(answered_at__isnull=False)

    def unanswered(self):
        return self.filter(answered_at__isnull=True)

    def due_for_reminder(self, campaign: "Campaign", now=None):
        """Sent, not answered, and last written to (invitation or reminder) at least the
        campaign's `reminder_days` ago: nobody is reminded twice within that time."""
        limit = (now or timezone.now()) - timezone.timedelta(days=campaign.reminder_days)
        return self.unanswered().filter(
            Q(reminded_at__isnull=True, sent_at__lte=limit) | Q(reminded_at__lte=limit),
            campaign=campaign,
            sent_at__isnull=False,
        )


class Invitation(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    # The personal link: 122 random bits, nothing to guess from an organisation or a date.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("envoyée à"))
    language = models.CharField(max_length=5, default="fr")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("relancée le"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("relances"), default=0)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("lien valable jusqu'au"))

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="%(app_label)s_%(class)s_one_per_org"
            )
        ]
        indexes = [models.Index(fields=["campaign", "answered_at"], name="surveys_inv_answered")]

    def __str__(self):
        return f"{self.campaign} — {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at < timezone.now()


class AnswerQuerySet(GuardedQuerySet, models.QuerySet):
    pass


class Answer(models.Model):
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="answer")
    respondent = models.CharField(_("rempli par"), max_length=120, blank=True)
    staff = models.PositiveIntegerField(_("salarié·es"), null=True, blank=True)
    volunteers = models.PositiveIntegerField(_("bénévoles actifs"), null=True, blank=True)
    si_budget = models.PositiveBigIntegerField(
        _("budget consacré à la solidarité internationale (€)"), null=True, blank=True
    )
    beneficiaries = models.PositiveIntegerField(_("bénéficiaires"), null=True, blank=True)
    # What the organisation confirmed for the year, kept as answered even if the records change.
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="+", verbose_name=_("projets de l'année")
    )
    countries = models.JSONField(_("pays d'action (codes)"), default=list, blank=True)
    partners = models.JSONField(_("partenaires confirmés"), default=list, blank=True)
    other_partners = models.TextField(_("autres partenaires"), blank=True, max_length=2000)
    other_projects = models.TextField(_("autres projets"), blank=True, max_length=2000)
    comment = models.TextField(_("commentaire"), blank=True, max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(staff__lte=MAX_PEOPLE)
                & Q(volunteers__lte=MAX_PEOPLE)
                & Q(beneficiaries__lte=MAX_PEOPLE * 100)
                & Q(si_budget__lte=MAX_BUDGET),
                name="%(app_label)s_%(class)s_plausible_figures",
            )
        ]

    def __str__(self):
        return str(self.invitation)
