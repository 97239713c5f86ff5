"""What a scheduler run would change, and applying it.

A run (scheduling.compute) stores a proposal; staff see a preview (meetings added, moved,
removed, unchanged, and the people affected) and apply it. Applying rechecks that the
schedule has not changed since the run, writes the meetings in one transaction, and e-mails
only the people whose meetings changed, through the outbox once the transaction commits
(docs/decisions.md §19)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passerelles.core.mail import send_on_commit
from passerelles.core.mail_limits import NOTICE
from passerelles.events.enums import RegistrationStatus
from passerelles.events.models import Event, Meeting, Registration, ScheduleRun, Slot, Table
from passerelles.events.scheduling import SchedulingError
from passerelles.events.services import _language, absolute


def current(event: Event) -> list[list]:
    """The event's live meetings as [meeting pk, a, b, slot pk, table pk, status, locked], in
    a stable order: a meeting held or locked since a run makes its proposal stale too."""
    rows = (
        Meeting.objects.live()
        .filter(event=event)
        .order_by("pk")
        .values_list("pk", "a_id", "b_id", "slot_id", "table_id", "status", "locked")
    )
    return [list(row) for row in rows]


@dataclass
class Changes:
    """Pairs keyed by frozenset((a, b)); values are (slot pk, table pk), and for `moved` the
    (before, after) places."""

    added: dict = field(default_factory=dict)
    moved: dict = field(default_factory=dict)
    removed: dict = field(default_factory=dict)
    unchanged: dict = field(default_factory=dict)

    def people(self) -> set[int]:
        """Registrations whose own meetings change."""
        touched = set()
        for pairs in (self.added, self.moved, self.removed):
            for pair in pairs:
                touched |= pair
        return touched

    def counts(self) -> dict:
        return {
            "added": len(self.added),
            "moved": len(self.moved),
            "removed": len(self.removed),
            "unchanged": len(self.unchanged),
            "people": len(self.people()),
        }


def diff(base, proposal) -> Changes:
    """Compare the live meetings `base` ([pk, a, b, slot, table, …]) with a `proposal`
    ([a, b, slot, table]): a pair in both at the same slot and table is unchanged; at another
    place, moved."""
    before = {frozenset((a, b)): (slot, table) for _pk, a, b, slot, table, *_rest in base}
    after = {frozenset((a, b)): (slot, table) for a, b, slot, table in proposal}
    changes = Changes()
    for pair, place in after.items():
        if pair not in before:
            changes.added[pair] = place
        elif before[pair] == place:
            changes.unchanged[pair] = place
        else:
            changes.moved[pair] = (before[pair], place)
    for pair, place in before.items():
        if pair not in after:
            changes.removed[pair] = place
    return changes


def describe(counts: dict) -> str:
    """The counts of a proposal in words: "3 rencontres ajoutées, 1 déplacée, 0 retirée,
    150 inchangées" (numbers formatted for the language)."""
    n = {key: number_format(value, force_grouping=True) for key, value in counts.items()}
    return ", ".join(
        [
            ngettext("%(n)s rencontre ajoutée", "%(n)s rencontres ajoutées", counts["added"])
            % {"n": n["added"]},
            ngettext("%(n)s déplacée", "%(n)s déplacées", counts["moved"]) % {"n": n["moved"]},
            ngettext("%(n)s retirée", "%(n)s retirées", counts["removed"]) % {"n": n["removed"]},
            ngettext("%(n)s inchangée", "%(n)s inchangées", counts["unchanged"])
            % {"n": n["unchanged"]},
        ]
    )


def changes_of(run: ScheduleRun) -> Changes:
    return diff(run.base, run.proposal)


def is_stale(run: ScheduleRun) -> bool:
    """The schedule changed since the run (a meeting checked in, cancelled, another run
    applied): the proposal no longer describes what applying it would do."""
    return current(run.event) != run.base


def pending(event: Event) -> ScheduleRun | None:
    """The latest run, when it waits to be applied and still applies."""
    run = event.runs.first()
    if run is None or run.applied_at is not None:
        return None
    if not run.summary.get("changes", {}).get("people"):
        return None  # it changes nothing: there is nothing to apply
    return None if is_stale(run) else run


def per_person(event: Event, changes: Changes) -> list[dict]:
    """For each person affected, in name order, what changes for them: [{"registration":
    Registration, "lines": [{"kind": "added" | "moved" | "removed", "other", "place", "old"}]}]."""
    people = {
        r.pk: r
        for r in Registration.objects.filter(pk__in=changes.people()).select_related(
            "organisation", "user"
        )
    }
    slots = {s.pk: s for s in Slot.objects.filter(event=event)}
    tables = {t.pk: t for t in Table.objects.filter(event=event)}

    def place(where) -> str:
        slot, table = where
        return f"{slots[slot]}, {tables[table].label}"

    def who(pk) -> str:
        person = people.get(pk)
        if person is None:
            return "?"
        org = person.organisation_label
        return f"{person.name} ({org})" if org else person.name

    # Structured, not sentences: the e-mail is worded in each recipient's language.
    lines: dict[int, list[dict]] = {pk: [] for pk in people}
    for kind, pairs in (("added", changes.added), ("moved", changes.moved)):
        for pair, where in pairs.items():
            a, b = sorted(pair)
            for me, other in ((a, b), (b, a)):
                line = {"kind": kind, "other": who(other)}
                if kind == "moved":
                    line.update(old=place(where[0]), place=place(where[1]))
                else:
                    line["place"] = place(where)
                lines[me].append(line)
    for pair, where in changes.removed.items():
        a, b = sorted(pair)
        for me, other in ((a, b), (b, a)):
            lines[me].append({"kind": "removed", "other": who(other), "place": place(where)})
    ordered = sorted(people.values(), key=lambda r: (r.name.lower(), r.pk))
    return [{"registration": r, "lines": lines[r.pk]} for r in ordered if lines[r.pk]]


def apply(run: ScheduleRun, *, user=None, notify: bool = True, request=None) -> Changes:
    """Write the run's proposal: remove the planned meetings that go or move, create those
    that come or move. Refused when the schedule changed since the run (then compute again)
    or the run was already applied. E-mails each affected person what changed for them."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=run.event_id)
        run = ScheduleRun.objects.select_for_update().get(pk=run.pk)
        if run.applied_at is not None:
            raise SchedulingError(_("Ce planning est déjà appliqué."))
        if current(event) != run.base:
            raise SchedulingError(
                _(
                    "Le planning a changé depuis ce calcul (une rencontre tenue, annulée ou un "
                    "autre calcul appliqué) : relancez le calcul pour voir ce qui changerait."
                )
            )
        changes = changes_of(run)
        going = [*changes.removed, *changes.moved]
        by_pair = {
            frozenset((m.a_id, m.b_id)): m
            for m in Meeting.objects.live().filter(event=event).only("pk", "a_id", "b_id")
        }
        Meeting.objects.filter(pk__in=[by_pair[pair].pk for pair in going]).delete()
        coming = [
            *changes.added.items(),
            *((pair, new) for pair, (_old, new) in changes.moved.items()),
        ]
        Meeting.objects.bulk_create(
            Meeting(event=event, a_id=min(pair), b_id=max(pair), slot_id=slot, table_id=table)
            for pair, (slot, table) in coming
        )
        run.applied_at = timezone.now()
        run.applied_by = user if user is not None and user.is_authenticated else None
        run.save(update_fields=["applied_at", "applied_by"])
        if notify:
            for item in per_person(event, changes):
                _notify(event, item["registration"], item["lines"], request)
    return changes


def _notify(event: Event, registration: Registration, lines: list[dict], request) -> None:
    if registration.status != RegistrationStatus.CONFIRMED:
        return
    agenda = reverse("events:agenda", kwargs={"token": registration.token})
    context = {
        "registration": registration,
        "event": event,
        "lines": lines,
        "agenda_url": absolute(agenda, request),
        "network_name": settings.PASSERELLES_NETWORK_NAME,
    }
    # NOTICE: sent to people the staff member did not pick one by one, so the per-client
    # limit (meant for forms) does not apply; the per-address one still does.
    send_on_commit(
        registration.email,
        "events/email/meetings_changed",
        context,
        _language(registration),
        policy=NOTICE,
    )
