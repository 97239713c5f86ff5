"""One-to-one meetings: what participants offer and seek, whom they want to meet, when they
are available, the slots and tables staff set, and the meetings the scheduler plans."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from passerelles.core.richtext import TextFields
from passerelles.core.text_limits import TEXT
from passerelles.events.enums import MeetingStatus, Priority


class MeetingProfile(models.Model):
    """A registration taking part in the meetings. Created from the organisation's offers and
    needs, then edited by the participant."""

    registration = models.OneToOneField(
        "events.Registration", on_delete=models.CASCADE, related_name="meeting_profile"
    )
    offers = models.TextField(_("ce que je propose"), blank=True, max_length=TEXT)
    seeks = models.TextField(_("ce que je cherche"), blank=True, max_length=TEXT)
    # False: available in every slot (the default). True: only in the Availability rows.
    limited_availability = models.BooleanField(_("disponibilités limitées"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profil de rencontres")
        verbose_name_plural = _("profils de rencontres")

    # Plain text on several lines, like an organisation's offers and needs it starts from.
    text_fields = TextFields(lines=("offers", "seeks"))

    def __str__(self):
        return str(self.registration)

    def save(self, *args, **kwargs):
        self.text_fields.clean(self)
        super().save(*args, **kwargs)


class MeetingRequest(models.Model):
    requester = models.ForeignKey(
        "events.Registration", on_delete=models.CASCADE, related_name="requests_made"
    )
    target = models.ForeignKey(
        "events.Registration", on_delete=models.CASCADE, related_name="requests_received"
    )
    priority = models.CharField(_("priorité"), max_length=4, choices=Priority.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demande de rencontre")
        verbose_name_plural = _("demandes de rencontre")
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "target"], name="%(app_label)s_%(class)s_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(requester=F("target")), name="%(app_label)s_%(class)s_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.requester.name} → {self.target.name} ({self.get_priority_display()})"

    def clean(self):
        if self.requester_id and self.requester_id == self.target_id:
            raise ValidationError(_("On ne peut pas demander à se rencontrer soi-même."))
        if self.requester_id and self.target_id and self.requester.event_id != self.target.event_id:
            raise ValidationError(_("Les deux personnes doivent participer au même événement."))


class Slot(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("créneau")
        verbose_name_plural = _("créneaux")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "starts_at"], name="%(app_label)s_%(class)s_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
        ]

    def __str__(self):
        from django.utils import formats, timezone

        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{formats.time_format(start, 'H:i')}–{formats.time_format(end, 'H:i')}"


class Table(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="tables")
    label = models.CharField(_("nom"), max_length=40)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "label"], name="%(app_label)s_%(class)s_unique_label"
            ),
        ]

    def __str__(self):
        return self.label


class Availability(models.Model):
    """A slot a participant with limited availability can attend."""

    registration = models.ForeignKey(
        "events.Registration", on_delete=models.CASCADE, related_name="availabilities"
    )
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="availabilities")

    class Meta:
        verbose_name = _("disponibilité")
        verbose_name_plural = _("disponibilités")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "slot"], name="%(app_label)s_%(class)s_unique_slot"
            ),
        ]

    def __str__(self):
        return f"{self.registration_id} @ {self.slot_id}"


class MeetingQuerySet(models.QuerySet):
    def live(self):
        """Meetings that occupy a slot and a table: planned or held, not cancelled."""
        return self.exclude(status=MeetingStatus.CANCELLED)

    def involving(self, registration):
        return self.filter(Q(a=registration) | Q(b=registration))


class Meeting(models.Model):
    # The pair is stored in id order (a < b), so each pair has one spelling.
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="meetings")
    a = models.ForeignKey("events.Registration", on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey("events.Registration", on_delete=models.CASCADE, related_name="+")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="meetings")
    # RESTRICT, not PROTECT: a table with meetings cannot be deleted alone, but deleting the
    # event removes both.
    table = models.ForeignKey(Table, on_delete=models.RESTRICT, related_name="meetings")
    locked = models.BooleanField(
        _("verrouillée"), default=False, help_text=_("Gardée telle quelle au prochain calcul.")
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["slot__starts_at", "table__position", "pk"]
        verbose_name = _("rencontre")
        verbose_name_plural = _("rencontres")
        constraints = [
            models.CheckConstraint(
                condition=Q(a__lt=F("b")), name="%(app_label)s_%(class)s_ordered_pair_not_self"
            ),
            # A pair meets once per event; a table hosts one meeting per slot; each person is
            # in one meeting per slot on each side (the cross case a/b is checked by the
            # service, which the database cannot express without a trigger).
            models.UniqueConstraint(
                fields=["event", "a", "b"],
                condition=~Q(status=MeetingStatus.CANCELLED),
                name="%(app_label)s_%(class)s_unique_pair",
            ),
            models.UniqueConstraint(
                fields=["slot", "table"],
                condition=~Q(status=MeetingStatus.CANCELLED),
                name="%(app_label)s_%(class)s_unique_table_slot",
            ),
            models.UniqueConstraint(
                fields=["slot", "a"],
                condition=~Q(status=MeetingStatus.CANCELLED),
                name="%(app_label)s_%(class)s_unique_a_slot",
            ),
            models.UniqueConstraint(
                fields=["slot", "b"],
                condition=~Q(status=MeetingStatus.CANCELLED),
                name="%(app_label)s_%(class)s_unique_b_slot",
            ),
        ]

    def __str__(self):
        return f"{self.a.name} × {self.b.name} ({self.slot}, {self.table})"

    def other(self, registration):
        return self.b if registration.pk == self.a_id else self.a


class ScheduleRun(models.Model):
    """One run of the scheduler, with the figures staff need to judge it."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(
        "users.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("statut du calcul"), max_length=30, blank=True)
    objective = models.FloatField(null=True)
    upper_bound = models.FloatField(null=True)
    greedy_objective = models.FloatField(null=True)
    seconds = models.FloatField(null=True)
    summary = models.JSONField(default=dict)
    # A run proposes a schedule; staff see what would change and apply it (or not). "Tout
    # replanifier" lets the solver move every planned meeting; otherwise planned meetings stay.
    replan_all = models.BooleanField(_("tout replanifier"), default=False)
    # The proposed live meetings, [a, b, slot pk, table pk], and the live meetings the run
    # started from, [meeting pk, a, b, slot pk, table pk, status, locked]: applying checks
    # the schedule has not changed meanwhile.
    proposal = models.JSONField(default=list)
    base = models.JSONField(default=list)
    applied_at = models.DateTimeField(_("appliqué le"), null=True, blank=True)
    applied_by = models.ForeignKey(
        "users.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("calcul du planning")
        verbose_name_plural = _("calculs du planning")

    def __str__(self):
        return f"{self.event} — {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def quality(self) -> float | None:
        """Objective as a share of the upper bound (1.0 = proven optimal)."""
        if not self.upper_bound:
            return None
        return (self.objective or 0) / self.upper_bound

    @property
    def quality_percent(self) -> float | None:
        quality = self.quality
        return None if quality is None else 100 * quality

    @property
    def whole_seconds(self) -> int:
        return max(1, round(self.seconds or 0))

    @property
    def beats_greedy(self) -> bool:
        greedy = self.greedy_percent
        return greedy is not None and greedy < (self.quality_percent or 0) - 0.05

    @property
    def is_best_possible(self) -> bool:
        """No schedule can be worth more (the objective reached the upper bound)."""
        return self.upper_bound is not None and (self.objective or 0) >= self.upper_bound

    @property
    def greedy_percent(self) -> float | None:
        """First come, first served on the same requests, as a share of the upper bound."""
        if not self.upper_bound or self.greedy_objective is None:
            return None
        return 100 * self.greedy_objective / self.upper_bound
