"""Meetings: profiles pre-filled from the organisation, requests (must / wish / no thanks),
availability, the scheduler run from the page and the CLI, locked meetings kept on re-run,
refill of freed places, one-click check-in, agenda and its iCalendar file."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse
from icalendar import Calendar

from passerelles.events import scheduling, services
from passerelles.events.enums import MeetingStatus, Priority
from passerelles.events.models import Availability, Meeting, MeetingProfile, MeetingRequest
from tests.actors.factories import OrganisationFactory
from tests.events.factories import (
    MeetingEventFactory,
    ParticipantFactory,
    make_slots,
    make_tables,
)
from tests.users.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    event = MeetingEventFactory(max_meetings=3)
    slots = make_slots(event, 3)
    tables = make_tables(event, 2)
    people = [ParticipantFactory(event=event, name=f"P{i}") for i in range(5)]
    return event, slots, tables, people


def _ask(requester, target, priority=Priority.WISH):
    return MeetingRequest.objects.create(requester=requester, target=target, priority=priority)


def _pairs(event):
    return {frozenset((m.a_id, m.b_id)) for m in Meeting.objects.live().filter(event=event)}


def test_profile_is_prefilled_from_the_organisation():
    organisation = OrganisationFactory(
        offers="Accueil de volontaires", needs="Un partenaire au Togo"
    )
    event = MeetingEventFactory()
    registration = services.register(
        event, name="A", email="a@example.org", organisation=organisation
    )
    profile = MeetingProfile.objects.get(registration=registration)
    assert profile.offers == "Accueil de volontaires"
    assert profile.seeks == "Un partenaire au Togo"


def test_requests_are_scheduled_without_double_booking(day):
    event, slots, tables, (p0, p1, p2, p3, p4) = day
    _ask(p0, p1, Priority.MUST)
    _ask(p0, p2)
    _ask(p2, p0)
    _ask(p3, p4)
    run = scheduling.run(event, time_limit=5)
    pairs = _pairs(event)
    assert {
        frozenset((p0.pk, p1.pk)),
        frozenset((p0.pk, p2.pk)),
        frozenset((p3.pk, p4.pk)),
    } <= pairs
    assert run.summary["must_requests_met"] == 1
    assert run.summary["mutual_pairs_met"] == 1
    busy = set()
    for meeting in Meeting.objects.live().filter(event=event):
        for person in (meeting.a_id, meeting.b_id):
            assert (person, meeting.slot_id) not in busy
            busy.add((person, meeting.slot_id))


def test_no_thanks_rules_the_pair_out(day):
    event, slots, tables, (p0, p1, *_rest) = day
    _ask(p0, p1, Priority.MUST)
    _ask(p1, p0, Priority.NO)
    scheduling.run(event, time_limit=5)
    assert frozenset((p0.pk, p1.pk)) not in _pairs(event)


def test_availability_is_respected(day):
    event, slots, tables, (p0, p1, *_rest) = day
    profile = p0.meeting_profile
    profile.limited_availability = True
    profile.save()
    Availability.objects.create(registration=p0, slot=slots[2])
    _ask(p0, p1, Priority.MUST)
    scheduling.run(event, time_limit=5)
    meeting = Meeting.objects.get(event=event)
    assert meeting.slot == slots[2]


def test_locked_meetings_are_kept_on_rerun(day):
    event, slots, tables, (p0, p1, p2, p3, p4) = day
    _ask(p0, p1)
    _ask(p2, p3)
    locked = Meeting.objects.create(
        event=event, a=p3, b=p4, slot=slots[1], table=tables[1], locked=True
    )
    scheduling.run(event, time_limit=5)
    locked.refresh_from_db()
    assert locked.locked and locked.slot == slots[1] and locked.table == tables[1]
    assert Meeting.objects.filter(pk=locked.pk).exists()
    _ask(p0, p4, Priority.MUST)
    scheduling.run(event, time_limit=5)
    assert Meeting.objects.filter(pk=locked.pk, slot=slots[1]).exists()
    assert frozenset((p0.pk, p4.pk)) in _pairs(event)


def test_refill_keeps_planned_meetings_and_fills_freed_places(day):
    event, slots, tables, (p0, p1, p2, p3, p4) = day
    _ask(p0, p1)
    _ask(p2, p3)
    scheduling.run(event, time_limit=5)
    before = {m.pk: (m.slot_id, m.table_id) for m in Meeting.objects.filter(event=event)}
    services.cancel(p3)  # leaves: the p2-p3 meeting is cancelled
    _ask(p2, p4, Priority.MUST)
    scheduling.run(event, time_limit=5)
    after = Meeting.objects.live().filter(event=event)
    kept = {m.pk: (m.slot_id, m.table_id) for m in after if m.pk in before}
    assert kept == {pk: where for pk, where in before.items() if pk in kept}
    assert frozenset((p0.pk, p1.pk)) in _pairs(event)
    assert frozenset((p2.pk, p4.pk)) in _pairs(event)


def test_database_refuses_two_meetings_at_one_table_and_slot(day):
    event, slots, tables, (p0, p1, p2, p3, _p4) = day
    Meeting.objects.create(event=event, a=p0, b=p1, slot=slots[0], table=tables[0])
    with pytest.raises(IntegrityError):
        Meeting.objects.create(event=event, a=p2, b=p3, slot=slots[0], table=tables[0])


def test_participant_marks_requests_and_sees_agenda_and_ics(client, day):
    event, slots, tables, (p0, p1, p2, *_rest) = day
    url = reverse("events:meeting-request", args=[p0.token, p1.pk])
    response = client.post(url, {"priority": "must"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "✓ Indispensable" in response.content.decode()
    client.post(reverse("events:meeting-request", args=[p0.token, p2.pk]), {"priority": "wish"})
    assert dict(p0.requests_made.values_list("target_id", "priority")) == {
        p1.pk: "must",
        p2.pk: "wish",
    }
    response = client.post(url, {"priority": "peut-être"})
    assert response.status_code == 302 and p0.requests_made.count() == 2
    scheduling.run(event, time_limit=5)
    page = client.get(reverse("events:agenda", args=[p0.token])).content.decode()
    assert p1.name in page and p2.name in page
    ics = client.get(reverse("events:agenda-ics", args=[p0.token]))
    calendar = Calendar.from_ical(ics.content)
    summaries = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    assert summaries == [f"Rencontre avec {p1.name}", f"Rencontre avec {p2.name}"]


def test_participant_browses_others_with_filters(client, day):
    event, slots, tables, (p0, p1, *_rest) = day
    ess = OrganisationFactory(is_ess=True, is_si=False, name="Coopérative Solaire")
    p1.organisation = ess
    p1.save()
    response = client.get(reverse("events:meetings", args=[p0.token]), {"world": "ess"})
    body = response.content.decode()
    assert "Coopérative Solaire" in body
    assert "1 participant·e" in body


def test_participants_list_query_count(client, day, django_assert_max_num_queries):
    event, slots, tables, people = day
    for _i in range(20):
        ParticipantFactory(event=event, organisation=OrganisationFactory())
    with django_assert_max_num_queries(25):
        response = client.get(reverse("events:meetings", args=[people[0].token]))
    assert response.status_code == 200


def test_staff_run_the_scheduler_from_the_page_then_check_in_a_meeting(
    client, day, django_capture_on_commit_callbacks
):
    event, slots, tables, (p0, p1, *_rest) = day
    _ask(p0, p1)
    client.force_login(StaffFactory())
    # The worker computes the schedule (the immediate backend: once the request commits).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:schedule", args=[event.slug]), {"time_limit": 5})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Proposition prête : 1 rencontre ajoutée" in page
    run = event.runs.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:schedule-apply", args=[event.slug, run.pk]))
    assert response.status_code == 302
    meeting = Meeting.objects.get(event=event)
    response = client.post(
        reverse("events:meeting-status", args=[event.slug, meeting.pk]),
        {"status": "held"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Tenue" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    page = client.get(reverse("events:meetings-staff", args=[event.slug])).content.decode()
    assert "tenues" in page


def test_slot_generator_and_tables(client):
    event = MeetingEventFactory()
    client.force_login(StaffFactory())
    response = client.post(
        reverse("events:slots", args=[event.slug]),
        {"start": "2030-04-04T14:00", "count": 8, "minutes": 20, "pause": 0},
    )
    assert response.status_code == 302
    assert event.slots.count() == 8
    response = client.post(reverse("events:tables", args=[event.slug]), {"count": 12})
    assert event.tables.count() == 12
    response = client.post(
        reverse("events:slots", args=[event.slug]),
        {"start": "2030-04-04T14:00", "count": 0, "minutes": 20, "pause": 0},
    )
    assert response.status_code == 400 and event.slots.count() == 8


def test_cli_schedules_and_prints_a_summary(day):
    event, slots, tables, (p0, p1, *_rest) = day
    _ask(p0, p1, Priority.MUST)
    out = StringIO()
    call_command("schedule_meetings", event.slug, "--time-limit", "5", stdout=out)
    text = out.getvalue()
    assert "Demandes « indispensable » satisfaites" in text
    assert "1 / 1" in text
    assert Meeting.objects.filter(event=event).count() == 1


def test_reminder_command_sends_once(day, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    event, *_rest = day
    event.starts_at = timezone.now() + timedelta(hours=20)
    event.ends_at = event.starts_at + timedelta(hours=8)
    event.save()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_event_reminders", stdout=StringIO())
        call_command("send_event_reminders", stdout=StringIO())
    assert len(mail.outbox) == 5


def test_staff_follow_one_slot_at_a_time(client, day):
    event, slots, tables, (p0, p1, p2, p3, _p4) = day
    p0.name, p2.name = "Zacharie Premier", "Yasmine Second"
    p0.save()
    p2.save()
    Meeting.objects.create(event=event, a=p0, b=p1, slot=slots[0], table=tables[0])
    Meeting.objects.create(event=event, a=p2, b=p3, slot=slots[1], table=tables[0])
    client.force_login(StaffFactory())
    url = reverse("events:meetings-staff", args=[event.slug])
    body = client.get(url, {"slot": slots[1].pk}).content.decode()
    assert p2.name in body and p0.name not in body
    table_sheet = client.get(reverse("events:table-sheet", args=[event.slug, tables[0].pk]))
    assert p0.name in table_sheet.content.decode() and "Libre" in table_sheet.content.decode()
