"""Between the database and the pure-Python scheduler (passerelles.events.scheduler): build an
instance from an event, run the solver, write the meetings back, and measure what was met.

The solver works on integers: participants are Registration pks, slots are Slot pks, tables
are 1-based indexes into the event's tables in their display order."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passerelles.events.enums import MeetingStatus, Priority
from passerelles.events.models import (
    Event,
    Meeting,
    MeetingProfile,
    MeetingRequest,
    Registration,
    ScheduleRun,
    Slot,
    Table,
)

# The solver's phases, as it reports them (on_progress), in words for the CLI and the page.
PHASES = {
    "greedy": gettext_lazy("Premier arrivé, premier servi"),
    "bound": gettext_lazy("Borne supérieure et choix des paires"),
    "fairness": gettext_lazy("Au moins une rencontre pour chacun·e"),
    "slots": gettext_lazy("Placement dans les créneaux"),
    "gaps": gettext_lazy("Moins de trous dans les journées"),
    "done": gettext_lazy("Terminé"),
}


class SchedulingError(Exception):
    """The meetings cannot be scheduled as asked; the message is a French sentence."""


@dataclass
class Context:
    """What the instance was built from, to map the solver's integers back to rows."""

    instance: object
    tables: list[Table]
    locked_ids: set[int]
    # Kept meetings left out of the instance (a participant has left): they stay as they are.
    kept_outside: set[int]


def participants(event: Event):
    """Confirmed registrations taking part in the meetings (those with a meeting profile)."""
    return Registration.objects.confirmed().filter(event=event, meeting_profile__isnull=False)


def build_instance(event: Event, *, replan_all: bool = False) -> Context:
    """The scheduler's instance for `event`. Every live meeting is kept as it is (a fixed
    assignment in the solver's model: its people, slot and table are taken), so a re-run only
    places new or unplaced requests; with `replan_all` ("tout replanifier"), only locked and
    held meetings are kept and the planned ones may move or go."""
    from passerelles.events.scheduler import Instance, LockedMeeting, Request

    people = set(participants(event).values_list("pk", flat=True))
    slots = list(event.slots.order_by("starts_at").values_list("pk", flat=True))
    tables = list(event.tables.order_by("position", "pk"))
    if not slots:
        raise SchedulingError(_("Définissez d'abord les créneaux des rencontres."))
    if not tables:
        raise SchedulingError(_("Définissez d'abord les tables des rencontres."))
    table_index = {table.pk: index for index, table in enumerate(tables, start=1)}

    availability = {}
    limited = MeetingProfile.objects.filter(
        registration__in=people, limited_availability=True
    ).values_list("registration_id", flat=True)
    limited = set(limited)
    for registration_id in limited:
        availability[registration_id] = set()
    for registration_id, slot_id in event.slots.filter(
        availabilities__registration_id__in=limited
    ).values_list("availabilities__registration_id", "pk"):
        availability[registration_id].add(slot_id)

    requests, forbidden = [], set()
    rows = MeetingRequest.objects.filter(requester__in=people, target__in=people).values_list(
        "requester_id", "target_id", "priority"
    )
    for requester, target, priority in rows:
        if priority == Priority.NO:
            forbidden.add(frozenset((requester, target)))
        else:
            requests.append(Request(requester=requester, target=target, priority=priority))

    kept = Meeting.objects.live().filter(event=event)
    if replan_all:
        kept = kept.filter(Q(locked=True) | Q(status=MeetingStatus.HELD))
    locked, locked_ids, kept_outside = [], set(), set()
    for meeting in kept:
        # A kept meeting whose participant left is not the solver's business any more.
        if meeting.a_id in people and meeting.b_id in people:
            locked.append(
                LockedMeeting(
                    a=meeting.a_id,
                    b=meeting.b_id,
                    slot=meeting.slot_id,
                    table=table_index[meeting.table_id],
                )
            )
            locked_ids.add(meeting.pk)
        else:
            kept_outside.add(meeting.pk)

    instance = Instance(
        participants=sorted(people),
        slots=slots,
        tables={slot: len(tables) for slot in slots},
        availability={pk: frozenset(s) for pk, s in availability.items()},
        requests=requests,
        forbidden=frozenset(forbidden),
        max_meetings=event.max_meetings,
        locked=locked,
    )
    return Context(
        instance=instance, tables=tables, locked_ids=locked_ids, kept_outside=kept_outside
    )


def compute(
    event: Event,
    *,
    time_limit: float = 20.0,
    replan_all: bool = False,
    user=None,
    on_progress=None,
    on_saved=None,
) -> ScheduleRun:
    """Schedule the meetings of `event` and store the proposal in a ScheduleRun, without
    touching the meetings: staff see what would change, then apply it (schedule_changes).
    The solver runs outside any transaction (it may take a minute). `on_saved(run)` is called
    inside the transaction that stores the run (a job records its end with it)."""
    from passerelles.events import schedule_changes

    try:
        from passerelles.events.scheduler import solve
    except ImportError as error:
        raise SchedulingError(_("Le moteur de planification n'est pas installé.")) from error
    base = schedule_changes.current(event)
    context = build_instance(event, replan_all=replan_all)
    result = solve(context.instance, time_limit=time_limit, workers=2, on_progress=on_progress)
    proposal = [
        [*sorted((m.a, m.b)), m.slot, context.tables[m.table - 1].pk] for m in result.meetings
    ]
    # Live meetings the solver was not told about (held with someone who has left) stay.
    placed = {frozenset(row[:2]) for row in proposal}
    proposal += [
        row[1:5]
        for row in base
        if row[0] in context.kept_outside and frozenset(row[1:3]) not in placed
    ]
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event.pk)
        summary = summarise(event, pairs=[row[:2] for row in proposal])
        changes = schedule_changes.diff(base, proposal)
        summary["changes"] = changes.counts()
        summary["kept_meetings"] = len(context.locked_ids)
        summary["new_meetings"] = changes.counts()["added"]
        summary["unmet_fairness"] = len(getattr(result, "unmet_fairness", []) or [])
        schedule = ScheduleRun.objects.create(
            event=event,
            started_by=user if user is not None and user.is_authenticated else None,
            status=str(result.status),
            objective=result.objective,
            upper_bound=result.upper_bound,
            greedy_objective=result.greedy_objective,
            seconds=result.seconds,
            summary=summary,
            replan_all=replan_all,
            proposal=proposal,
            base=base,
        )
        if on_saved is not None:
            on_saved(schedule)
        return schedule


def run(
    event: Event,
    *,
    time_limit: float = 20.0,
    replan_all: bool = False,
    user=None,
    on_progress=None,
    notify: bool = False,
) -> ScheduleRun:
    """Compute and apply at once (the command line, the demo): no preview to look at."""
    from passerelles.events import schedule_changes

    schedule = compute(
        event, time_limit=time_limit, replan_all=replan_all, user=user, on_progress=on_progress
    )
    schedule_changes.apply(schedule, user=user, notify=notify)
    return schedule


def summarise(event: Event, *, pairs=None) -> dict:
    """What the current schedule gives (or the proposed `pairs` [(a, b), …] would give):
    meetings, requests met (mutual, must), fairness."""
    people = set(participants(event).values_list("pk", flat=True))
    live = Meeting.objects.live().filter(event=event)
    if pairs is None:
        pairs = live.values_list("a_id", "b_id")
    met = {frozenset(pair) for pair in pairs}
    statuses = dict.fromkeys(MeetingStatus.values, 0)
    for status in Meeting.objects.filter(event=event).values_list("status", flat=True):
        statuses[status] += 1
    wanted, musts, askers = {}, [], set()
    rows = MeetingRequest.objects.filter(requester__in=people, target__in=people).values_list(
        "requester_id", "target_id", "priority"
    )
    forbidden = set()
    for requester, target, priority in rows:
        pair = frozenset((requester, target))
        if priority == Priority.NO:
            forbidden.add(pair)
            continue
        wanted.setdefault(pair, set()).add(requester)
        askers.add(requester)
        if priority == Priority.MUST:
            musts.append(pair)
    wanted = {pair: who for pair, who in wanted.items() if pair not in forbidden}
    mutual = {pair for pair, who in wanted.items() if len(who) == 2}
    meeting_people = set()
    for pair in met:
        meeting_people |= pair
    return {
        "participants": len(people),
        "meetings": len(met),
        "planned": statuses[MeetingStatus.PLANNED],
        "held": statuses[MeetingStatus.HELD],
        "cancelled": statuses[MeetingStatus.CANCELLED],
        "requested_pairs": len(wanted),
        "requested_pairs_met": len(set(wanted) & met),
        "mutual_pairs": len(mutual),
        "mutual_pairs_met": len(mutual & met),
        "must_requests": len(musts),
        "must_requests_met": sum(1 for pair in musts if pair in met),
        "askers": len(askers),
        "askers_without_meeting": len(askers - meeting_people),
    }


def generate_slots(
    event: Event, *, start: datetime, count: int, minutes: int, pause: int = 0
) -> list[Slot]:
    """Replace the event's slots by `count` slots of `minutes`, `pause` minutes apart."""
    if not 1 <= count <= 48:
        raise SchedulingError(_("Indiquez entre 1 et 48 créneaux."))
    if not 5 <= minutes <= 240:
        raise SchedulingError(_("Un créneau dure entre 5 et 240 minutes."))
    if not 0 <= pause <= 120:
        raise SchedulingError(_("La pause entre deux créneaux dure au plus 120 minutes."))
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event.pk)
        if Meeting.objects.filter(event=event).exists():
            raise SchedulingError(
                _(
                    "Des rencontres sont déjà planifiées : "
                    "supprimez-les avant de changer les créneaux."
                )
            )
        event.slots.all().delete()
        slots, current = [], start
        for _index in range(count):
            end = current + timedelta(minutes=minutes)
            slots.append(Slot(event=event, starts_at=current, ends_at=end))
            current = end + timedelta(minutes=pause)
        return Slot.objects.bulk_create(slots)


def set_tables(event: Event, count: int) -> list[Table]:
    """Make the event have `count` tables ("Table 1", "Table 2"…); tables with meetings stay."""
    if not 1 <= count <= 500:
        raise SchedulingError(_("Indiquez entre 1 et 500 tables."))
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event.pk)
        existing = list(event.tables.order_by("position", "pk"))
        extra = existing[count:]
        if Meeting.objects.filter(table__in=extra).exists():
            raise SchedulingError(
                _("Des rencontres ont lieu aux tables à retirer : déplacez-les ou annulez-les.")
            )
        Table.objects.filter(pk__in=[t.pk for t in extra]).delete()
        labels = {t.label for t in existing[:count]}
        new, number = [], 1
        while len(existing[:count]) + len(new) < count:
            label = _("Table %(number)s") % {"number": number}
            if label not in labels:
                new.append(Table(event=event, label=label, position=number))
                labels.add(label)
            number += 1
        Table.objects.bulk_create(new)
        return list(event.tables.order_by("position", "pk"))


def set_status(meeting: Meeting, status: str) -> Meeting:
    """Check a meeting in (held), cancel it, or put it back to planned."""
    if status not in MeetingStatus.values:
        raise SchedulingError(_("Statut de rencontre inconnu."))
    meeting.status = status
    meeting.status_changed_at = timezone.now()
    try:
        with transaction.atomic():
            meeting.save(update_fields=["status", "status_changed_at"])
    except IntegrityError as error:
        # Back from cancelled while someone else took the table or a person's slot.
        raise SchedulingError(
            _("Ce créneau ou cette table est déjà pris par une autre rencontre.")
        ) from error
    return meeting
