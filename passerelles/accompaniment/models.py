"""Accompaniment case files (docs/decisions.md §36).

A `Case` follows one organisation (and optionally one of its projects) through one kind of
accompaniment, with the staff member in charge and the next step. Its `CaseEntry` rows are the
dated log (appointments, notes, messages), its `CaseDocument` rows the files attached (kept in
the private storage, never under MEDIA), its `CaseLink` rows what staff proposed (partners,
funding calls, common issues). Entries and documents are private to staff unless shared; a
message written by the organisation's members is always shared (a named constraint)."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.accompaniment.enums import CaseKind, CaseStatus, EntryKind, LinkKind
from passerelles.core.door import GuardedQuerySet


def private_storage():
    """Case documents live in the "private" storage (var/private), which neither WhiteNoise
    nor MEDIA_URL serves: the only way out is the permission-checked download view."""
    return storages["private"]


class CaseQuerySet(GuardedQuerySet, models.QuerySet):
    def active(self):
        """Open or waiting: everything not closed."""
        return self.exclude(status=CaseStatus.CLOSED)

    def in_charge_of(self, user):
        return self.filter(in_charge=user)

    def overdue(self, today=None):
        """Active cases whose next step's date has passed (the day itself is not overdue)."""
        today = today or timezone.localdate()
        return self.active().filter(next_step_due__lt=today)

    def due_for_reminder(self, today=None):
        """Active cases with a next step due today or earlier that nobody was reminded of:
        `next_step_reminded_on` is cleared whenever the next step changes."""
        today = today or timezone.localdate()
        return self.active().filter(
            next_step_due__lte=today,
            next_step_reminded_on__isnull=True,
            in_charge__isnull=False,
            in_charge__is_active=True,
        )

    def for_member(self, user):
        """The cases of the organisations the person acts for."""
        return self.filter(organisation__memberships__user=user)


class Case(models.Model):
    organisation = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.CASCADE,
        related_name="cases",
        verbose_name=_("organisation"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("projet"),
    )
    kind = models.CharField(_("type d'accompagnement"), max_length=20, choices=CaseKind.choices)
    subject = models.CharField(_("objet"), max_length=200, blank=True)
    in_charge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases_in_charge",
        verbose_name=_("chargé·e de mission"),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    next_step = models.CharField(_("prochaine étape"), max_length=500, blank=True)
    next_step_due = models.DateField(_("échéance"), null=True, blank=True)
    next_step_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The sent-marker of the reminder: the day the person in charge was told the current next
    # step was due; cleared when the next step changes, so each next step is reminded once.
    next_step_reminded_on = models.DateField(null=True, blank=True, editable=False)
    opened_on = models.DateField(_("ouvert le"), default=timezone.localdate)
    closed_on = models.DateField(_("clos le"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("bilan"), max_length=1000, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("dossier d'accompagnement")
        verbose_name_plural = _("dossiers d'accompagnement")
        constraints = [
            # A closed case has its closing date, an open one has none.
            models.CheckConstraint(
                condition=(Q(status=CaseStatus.CLOSED) & Q(closed_on__isnull=False))
                | (~Q(status=CaseStatus.CLOSED) & Q(closed_on__isnull=True)),
                name="%(app_label)s_%(class)s_closed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["in_charge", "status"], name="accomp_case_in_charge")]

    def __str__(self):
        return f"{self.organisation} — {self.get_kind_display()}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("accompaniment:case", kwargs={"pk": self.pk})

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return bool(not self.is_closed and self.next_step_due and self.next_step_due < today)

    def is_due_today(self, today=None) -> bool:
        today = today or timezone.localdate()
        return bool(not self.is_closed and self.next_step_due == today)


class SharedQuerySet(GuardedQuerySet, models.QuerySet):
    def shared(self):
        return self.filter(shared=True)

    def visible_to_members(self):
        return self.shared()


class CaseEntry(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("type"), max_length=12, choices=EntryKind.choices)
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Sanitised rich text (core.richtext), edited as Markdown.
    text = models.TextField(_("texte"), max_length=20000)
    shared = models.BooleanField(_("partagé avec l'organisation"), default=False)
    # Written by one of the organisation's members (not by staff): always shared.
    from_organisation = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SharedQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-created_at", "-pk"]
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("entrées du journal")
        constraints = [
            models.CheckConstraint(
                condition=Q(from_organisation=False) | Q(shared=True),
                name="%(app_label)s_%(class)s_members_messages_shared",
            ),
        ]

    def __str__(self):
        return f"{self.case} — {self.get_kind_display()} {self.happened_on}"


class CaseDocument(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(storage=private_storage, upload_to="cases/%Y/%m/", max_length=300)
    name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(default=0)
    shared = models.BooleanField(_("partagé avec l'organisation"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = SharedQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document du dossier")
        verbose_name_plural = _("documents du dossier")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("accompaniment:document", kwargs={"pk": self.pk})


class CaseLink(models.Model):
    """Something staff proposed to the organisation: a partner, a funding call, an issue."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("type"), max_length=10, choices=LinkKind.choices)
    organisation = models.ForeignKey(
        "actors.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    call = models.ForeignKey(
        "bridges.FundingCall", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    issue = models.ForeignKey(
        "bridges.CommonIssue", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField(_("pourquoi"), max_length=500, blank=True)
    shared = models.BooleanField(_("partagé avec l'organisation"), default=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)

    objects = SharedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "proposed_at", "pk"]
        constraints = [
            # Exactly the target its kind names.
            models.CheckConstraint(
                condition=(
                    Q(kind=LinkKind.PARTNER, organisation__isnull=False)
                    & Q(call__isnull=True, issue__isnull=True)
                )
                | (
                    Q(kind=LinkKind.CALL, call__isnull=False)
                    & Q(organisation__isnull=True, issue__isnull=True)
                )
                | (
                    Q(kind=LinkKind.ISSUE, issue__isnull=False)
                    & Q(organisation__isnull=True, call__isnull=True)
                ),
                name="%(app_label)s_%(class)s_one_target",
            ),
        ]

    def __str__(self):
        return str(self.target)

    @property
    def target(self):
        return self.organisation or self.call or self.issue
