"""Issue 14, problem 5: a scheduler re-run keeps planned meetings fixed by default and only
places new requests; a run is a proposal staff preview (added, moved, removed, unchanged, who)
in plain French, then apply; applying e-mails only the people whose meetings changed."""

import pytest
from django.core import mail
from django.urls import reverse

from passerelles.events import schedule_changes, scheduling
from passerelles.events.enums import MeetingStatus, Priority
from passerelles.events.models import Meeting, MeetingRequest
from tests.events.factories import MeetingEventFactory, ParticipantFactory, make_slots, make_tables
from tests.users.factories import AdminFactory, PartnerAbroadFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = {
    "visitor": None,
    "member": UserFactory,
    "partner_abroad": PartnerAbroadFactory,
    "staff": StaffFactory,
    "admin": AdminFactory,
}


@pytest.fixture
def day():
    event = MeetingEventFactory(max_meetings=3)
    make_slots(event, 4)
    make_tables(event, 3)
    people = [ParticipantFactory(event=event, name=f"P{i}") for i in range(8)]
    for i in range(0, 8, 2):
        _ask(people[i], people[i + 1])
        _ask(people[i], people[(i + 3) % 8])
    return event, people


def _ask(requester, target, priority=Priority.WISH):
    return MeetingRequest.objects.create(requester=requester, target=target, priority=priority)


def _places(event):
    return {
        frozenset((m.a_id, m.b_id)): (m.pk, m.slot_id, m.table_id)
        for m in Meeting.objects.live().filter(event=event)
    }


def test_a_rerun_keeps_every_planned_meeting_and_places_the_new_request(day):
    event, people = day
    scheduling.run(event, time_limit=5)
    before = _places(event)
    assert before
    newcomer = ParticipantFactory(event=event, name="Nouvelle")
    _ask(newcomer, people[5], Priority.MUST)
    run = scheduling.compute(event, time_limit=5)
    counts = run.summary["changes"]
    assert counts["moved"] == 0 and counts["removed"] == 0 and counts["added"] >= 1
    assert counts["unchanged"] == len(before)
    assert not Meeting.objects.filter(a=newcomer).exists()  # nothing applied yet
    schedule_changes.apply(run, notify=False)
    after = _places(event)
    # Every planned meeting is still there, same row, same slot, same table.
    assert all(after[pair] == place for pair, place in before.items())
    assert frozenset((newcomer.pk, people[5].pk)) in after


def test_the_fixed_meetings_are_fixed_assignments_in_the_solver_instance(day):
    event, _people = day
    scheduling.run(event, time_limit=5)
    planned = Meeting.objects.filter(event=event, status=MeetingStatus.PLANNED).count()
    context = scheduling.build_instance(event)
    assert len(context.instance.locked) == planned
    # "Tout replanifier": only locked and held meetings stay fixed.
    meeting = Meeting.objects.filter(event=event).first()
    meeting.locked = True
    meeting.save()
    assert len(scheduling.build_instance(event, replan_all=True).instance.locked) == 1


def test_diff_counts_added_moved_removed_unchanged():
    base = [[1, 10, 11, 100, 7, "planned", False], [2, 12, 13, 100, 8, "planned", False]]
    base.append([3, 14, 15, 101, 7, "held", True])
    proposal = [[10, 11, 100, 7], [12, 13, 102, 8], [16, 17, 101, 7]]
    changes = schedule_changes.diff(base, proposal)
    assert changes.counts() == {"added": 1, "moved": 1, "removed": 1, "unchanged": 1, "people": 6}
    assert changes.people() == {12, 13, 14, 15, 16, 17}


def test_applying_notifies_only_the_people_whose_meetings_changed(
    day, django_capture_on_commit_callbacks
):
    event, people = day
    scheduling.run(event, time_limit=5)
    newcomer = ParticipantFactory(event=event, name="Nouvelle Venue", email="nouvelle@example.org")
    _ask(newcomer, people[7], Priority.MUST)
    run = scheduling.compute(event, time_limit=5)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        changes = schedule_changes.apply(run)
    affected = {r.email for r in people + [newcomer] if r.pk in changes.people()}
    assert affected == {newcomer.email, people[7].email}
    assert {m.to[0] for m in mail.outbox} == affected
    body = next(m.body for m in mail.outbox if m.to[0] == people[7].email)
    assert "Nouvelle rencontre avec Nouvelle Venue" in body
    assert "/agenda/" in body


def test_a_proposal_is_refused_once_the_schedule_changed(day):
    event, _people = day
    run = scheduling.compute(event, time_limit=5)
    schedule_changes.apply(run, notify=False)
    second = scheduling.compute(event, time_limit=5, replan_all=True)
    meeting = Meeting.objects.filter(event=event).first()
    scheduling.set_status(meeting, MeetingStatus.HELD)
    before = _places(event)
    with pytest.raises(scheduling.SchedulingError, match="a changé depuis ce calcul"):
        schedule_changes.apply(second)
    assert _places(event) == before
    with pytest.raises(scheduling.SchedulingError, match="déjà appliqué"):
        schedule_changes.apply(run)


def test_the_preview_speaks_plain_french_and_lists_the_people(client, day):
    event, people = day
    run = scheduling.compute(event, time_limit=5)
    client.force_login(StaffFactory())
    html = client.get(reverse("events:schedule-preview", args=[event.slug, run.pk])).content
    html = html.decode()
    assert "meilleur planning possible" in html or "meilleur possible" in html
    assert "borne" not in html and "score" not in html
    assert "rencontres ajoutées" in html
    assert "personnes concernées" in html and "Nouvelle rencontre avec" in html
    assert "Appliquer et prévenir les" in html
    assert not Meeting.objects.filter(event=event).exists()


@pytest.mark.parametrize("role", sorted(ROLES))
def test_preview_and_apply_per_role(client, day, role):
    event, _people = day
    run = scheduling.compute(event, time_limit=5)
    if ROLES[role] is not None:
        client.force_login(ROLES[role]())
    preview = client.get(reverse("events:schedule-preview", args=[event.slug, run.pk]))
    applied = client.post(reverse("events:schedule-apply", args=[event.slug, run.pk]))
    run.refresh_from_db()
    if role in ("staff", "admin"):
        assert preview.status_code == 200 and applied.status_code == 302
        assert run.applied_at is not None and Meeting.objects.filter(event=event).exists()
    else:
        assert preview.status_code == 403 and applied.status_code == 403
        assert run.applied_at is None and not Meeting.objects.filter(event=event).exists()


def test_replanning_everything_moves_and_removes_and_says_so(
    django_capture_on_commit_callbacks,
):
    from passerelles.events.models import Availability

    event = MeetingEventFactory(max_meetings=3)
    slots = make_slots(event, 3)
    tables = make_tables(event, 2)
    a, b, c, d = (ParticipantFactory(event=event, name=n) for n in ("Awa", "Bob", "Cléo", "Dan"))
    _ask(a, b, Priority.MUST)
    # Awa can only come to the first slot, yet Awa × Bob was planned in the second.
    profile = a.meeting_profile
    profile.limited_availability = True
    profile.save()
    Availability.objects.create(registration=a, slot=slots[0])
    moved = Meeting.objects.create(event=event, a=a, b=b, slot=slots[1], table=tables[0])
    # Cléo × Dan was planned though nobody asked for it any more.
    gone = Meeting.objects.create(event=event, a=c, b=d, slot=slots[2], table=tables[1])
    kept_by_default = scheduling.compute(event, time_limit=5)
    assert kept_by_default.summary["changes"]["moved"] == 0
    run = scheduling.compute(event, time_limit=5, replan_all=True)
    assert run.summary["changes"] == {
        "added": 0,
        "moved": 1,
        "removed": 1,
        "unchanged": 0,
        "people": 4,
    }
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        schedule_changes.apply(run)
    assert not Meeting.objects.filter(pk__in=[moved.pk, gone.pk]).exists()
    now = Meeting.objects.get(event=event)
    assert {now.a_id, now.b_id} == {a.pk, b.pk} and now.slot == slots[0]
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert set(bodies) == {a.email, b.email, c.email, d.email}
    assert "déplacée" in bodies[a.email] and "retirée du planning" in bodies[c.email]
