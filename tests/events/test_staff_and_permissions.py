"""Staff pages (check-in, exports, meetings) and who may change what, for each role:
visitor, member, partner abroad, staff, admin."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook

from passerelles.events.enums import MeetingStatus, RegistrationStatus
from passerelles.events.models import Meeting, MeetingRequest, Registration
from tests.actors.factories import OrganisationFactory
from tests.events.factories import (
    EventFactory,
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    make_slots,
    make_tables,
)
from tests.users.factories import AdminFactory, PartnerAbroadFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = {
    "visitor": None,
    "member": UserFactory,
    "partner_abroad": PartnerAbroadFactory,
    "staff": StaffFactory,
    "admin": AdminFactory,
}
STAFF_ROLES = {"staff", "admin"}


def _login(client, role):
    if ROLES[role] is not None:
        client.force_login(ROLES[role]())


@pytest.fixture
def setting():
    registration = ParticipantFactory(name="Awa Diallo")
    event = registration.event
    other = ParticipantFactory(event=event)
    slots = make_slots(event, 2)
    tables = make_tables(event, 1)
    meeting = Meeting.objects.create(
        event=event,
        a=min(registration, other, key=lambda r: r.pk),
        b=max(registration, other, key=lambda r: r.pk),
        slot=slots[0],
        table=tables[0],
    )
    return event, registration, other, meeting


def _staff_posts(event, registration, meeting):
    return [
        (reverse("events:checkin-toggle", args=[event.slug, registration.pk]), {"present": "1"}),
        (reverse("events:meeting-status", args=[event.slug, meeting.pk]), {"status": "held"}),
        (reverse("events:meeting-lock", args=[event.slug, meeting.pk]), {"locked": "1"}),
        (reverse("events:tables", args=[event.slug]), {"count": 3}),
        (
            reverse("events:slots", args=[event.slug]),
            {"start": "2031-01-01T14:00", "count": 2, "minutes": 20, "pause": 0},
        ),
        (reverse("events:schedule", args=[event.slug]), {"time_limit": 2}),
    ]


@pytest.mark.parametrize("role", sorted(ROLES))
def test_staff_actions_per_role(client, setting, role):
    event, registration, other, meeting = setting
    _login(client, role)
    for url, data in _staff_posts(event, registration, meeting):
        response = client.post(url, data)
        if role in STAFF_ROLES:
            # 400: the slots cannot change once meetings exist (a French message says so).
            assert response.status_code in (200, 302, 400), url
        else:
            assert response.status_code == 403, url
    registration.refresh_from_db()
    meeting.refresh_from_db()
    if role in STAFF_ROLES:
        assert registration.checked_in_at is not None
    else:
        assert registration.checked_in_at is None
        assert meeting.status == MeetingStatus.PLANNED and not meeting.locked
        assert event.tables.count() == 1


@pytest.mark.parametrize("role", sorted(ROLES))
def test_staff_pages_per_role(client, setting, role):
    event, registration, other, meeting = setting
    _login(client, role)
    for name, args in [
        ("events:checkin", [event.slug]),
        ("events:meetings-staff", [event.slug]),
        ("events:table-sheet", [event.slug, meeting.table_id]),
        ("events:export", [event.slug, "csv"]),
        ("events:export", [event.slug, "xlsx"]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == (200 if role in STAFF_ROLES else 403), name


@pytest.mark.parametrize("role", sorted(ROLES))
def test_a_registration_is_changed_only_through_its_link_or_by_its_owner(client, setting, role):
    """Anyone holding the secret link acts on the registration; without the link, a wrong
    token is a 404 whoever you are (the token is the proof)."""
    event, registration, other, meeting = setting
    _login(client, role)
    wrong = "00000000-0000-4000-8000-000000000000"
    assert client.post(reverse("events:cancel", args=[wrong]), {"confirm": "1"}).status_code == 404
    assert (
        client.post(
            reverse("events:meeting-request", args=[wrong, other.pk]), {"priority": "wish"}
        ).status_code
        == 404
    )
    response = client.post(
        reverse("events:meeting-request", args=[registration.token, other.pk]),
        {"priority": "wish"},
    )
    assert response.status_code == 302
    assert MeetingRequest.objects.filter(requester=registration, target=other).exists()


def test_a_participant_cannot_request_someone_from_another_event(client, setting):
    event, registration, other, meeting = setting
    stranger = ParticipantFactory()  # another event
    response = client.post(
        reverse("events:meeting-request", args=[registration.token, stranger.pk]),
        {"priority": "must"},
    )
    assert response.status_code == 404
    assert not MeetingRequest.objects.exists()


def test_waiting_registration_has_no_meeting_pages(client):
    registration = ParticipantFactory(status=RegistrationStatus.WAITING)
    assert client.get(reverse("events:meetings", args=[registration.token])).status_code == 404


def test_checkin_search_and_htmx_row(client):
    event = EventFactory()
    organisation = OrganisationFactory(name="Terre Solidaire")
    awa = RegistrationFactory(event=event, name="Awa Diallo", organisation=organisation)
    RegistrationFactory(event=event, name="Jean Martin")
    client.force_login(StaffFactory())
    url = reverse("events:checkin", args=[event.slug])
    body = client.get(url, {"q": "terre"}, headers={"HX-Request": "true"}).content.decode()
    assert "Awa Diallo" in body and "Jean Martin" not in body
    assert "<html" not in body  # the partial only
    response = client.post(
        reverse("events:checkin-toggle", args=[event.slug, awa.pk]),
        {"present": "1"},
        headers={"HX-Request": "true"},
    )
    assert "arrivé·e à" in response.content.decode()
    body = client.get(url, {"status": "absent"}).content.decode()
    assert "Awa Diallo" not in body and "Jean Martin" in body


def test_checkin_list_query_count(client, django_assert_max_num_queries):
    event = EventFactory(capacity=None)
    for _i in range(30):
        RegistrationFactory(event=event, organisation=OrganisationFactory())
    client.force_login(StaffFactory())
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:checkin", args=[event.slug]))
    assert response.content.decode().count('class="button-small no-print"') == 30


def test_event_list_query_count(client, django_assert_max_num_queries):
    for _i in range(10):
        event = EventFactory()
        RegistrationFactory.create_batch(2, event=event)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("events:list"))
    assert "48 places restantes" in response.content.decode()


def _export_setting():
    event = EventFactory()
    session = SessionFactory(event=event, title="Atelier eau")
    registration = RegistrationFactory(
        event=event, name='=HYPERLINK("http://evil")', accessibility_needs="@SUM(1)"
    )
    registration.sessions.add(session)
    RegistrationFactory(event=event, name="Jean Martin", organisation_name="+33 Collectif")
    RegistrationFactory(event=event, name="Annulé", status=RegistrationStatus.CANCELLED)
    return event


def test_csv_export_is_formula_safe(client):
    event = _export_setting()
    client.force_login(StaffFactory())
    response = client.get(reverse("events:export", args=[event.slug, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Nom"
    names = {row[0]: row for row in rows[1:]}
    assert set(names) == {'\'=HYPERLINK("http://evil")', "Jean Martin"}
    assert names['\'=HYPERLINK("http://evil")'][6] == "Atelier eau"
    assert names['\'=HYPERLINK("http://evil")'][7] == "'@SUM(1)"
    assert names["Jean Martin"][2] == "'+33 Collectif"


def test_xlsx_export_is_formula_safe(client):
    event = _export_setting()
    client.force_login(AdminFactory())
    response = client.get(reverse("events:export", args=[event.slug, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == event.title
    assert values[1][0] == "Nom"
    names = sorted(row[0] for row in values[2:])
    assert names == ['\'=HYPERLINK("http://evil")', "Jean Martin"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_event_ics_has_the_event_and_its_sessions(client):
    event = EventFactory(title="Journée ESS")
    SessionFactory(
        event=event,
        title="Plénière",
        room="Grande salle",
        starts_at=event.starts_at,
        ends_at=event.starts_at + timedelta(hours=1),
    )
    SessionFactory(event=event, title="Atelier")
    response = client.get(reverse("events:ics", args=[event.slug]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [
        "Journée ESS",
        "Plénière — Journée ESS",
        "Atelier — Journée ESS",
    ]
    assert events[0].decoded("dtstart") == event.starts_at
    assert "Grande salle" in str(events[1]["location"])
    session = event.sessions.get(title="Atelier")
    response = client.get(reverse("events:session-ics", args=[event.slug, session.pk]))
    assert [str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT")] == [
        "Atelier — Journée ESS"
    ]


def test_unknown_export_format_is_a_404(client):
    event = EventFactory()
    client.force_login(StaffFactory())
    assert client.get(reverse("events:export", args=[event.slug, "pdf"])).status_code == 404


def test_my_registrations_needs_an_account(client):
    response = client.get(reverse("events:mine"))
    assert response.status_code == 302
    user = UserFactory()
    RegistrationFactory(user=user, email=user.email)
    client.force_login(user)
    assert (
        Registration.objects.get().event.title
        in client.get(reverse("events:mine")).content.decode()
    )
