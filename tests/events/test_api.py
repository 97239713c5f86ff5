"""API v1 for events: public list and detail, registering (visitors and members, with the
web's rules), my registrations and my agenda (session or personal token)."""

import pytest

from passerelles.events.enums import RegistrationStatus
from passerelles.events.models import Meeting, Registration
from passerelles.users.models import ApiToken
from tests.events.factories import (
    EventFactory,
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    make_slots,
    make_tables,
)
from tests.users.factories import (
    AdminFactory,
    MembershipFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
ROLES = {
    "visitor": None,
    "member": UserFactory,
    "partner_abroad": PartnerAbroadFactory,
    "staff": StaffFactory,
    "admin": AdminFactory,
}


def test_list_shows_published_upcoming_events_with_places(client, django_assert_max_num_queries):
    for _i in range(5):
        RegistrationFactory.create_batch(2, event=EventFactory(capacity=10))
    EventFactory(is_published=False, title="Brouillon")
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/events")
    items = response.json()
    assert len(items) == 5
    assert {item["places_left"] for item in items} == {8}
    assert "Brouillon" not in {item["title"] for item in items}


def test_detail_has_sessions_and_drafts_are_404(client):
    event = EventFactory()
    SessionFactory(event=event, title="Plénière")
    body = client.get(f"/api/v1/events/{event.slug}").json()
    assert [s["title"] for s in body["sessions"]] == ["Plénière"]
    draft = EventFactory(is_published=False)
    response = client.get(f"/api/v1/events/{draft.slug}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable."}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_role_may_register_with_the_same_rules(client, role):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)  # full: the next one waits
    if ROLES[role]:
        client.force_login(ROLES[role]())
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        {"name": "Awa", "email": "awa@example.org"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == RegistrationStatus.WAITING
    assert body["waiting_position"] == 1
    assert body["manage_url"].endswith(
        f"/inscription/{Registration.objects.get(email='awa@example.org').token}/"
    )
    again = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        {"name": "Awa", "email": "AWA@example.org"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert "déjà inscrite" in again.json()["detail"]


def test_registering_for_an_organisation_needs_a_membership(client):
    event = EventFactory()
    membership = MembershipFactory()
    stranger = UserFactory()
    client.force_login(stranger)
    url = f"/api/v1/events/{event.slug}/registrations"
    data = {"name": "A", "email": "a@example.org", "organisation_id": membership.organisation_id}
    response = client.post(url, data, content_type="application/json")
    assert response.status_code == 403
    assert not Registration.objects.exists()
    client.force_login(membership.user)
    response = client.post(url, data, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["organisation"] == membership.organisation.name


def test_bad_input_is_a_french_4xx(client):
    event = EventFactory(is_published=True)
    url = f"/api/v1/events/{event.slug}/registrations"
    response = client.post(url, {"name": "A", "email": "non"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"] == "Adresse e-mail invalide."
    response = client.post(
        url,
        {"name": "A", "email": "a@example.org", "session_ids": [999]},
        content_type="application/json",
    )
    assert response.status_code == 422
    closed = EventFactory(registration_closes_at=event.starts_at - event.starts_at.resolution)
    closed.registration_closes_at = closed.created_at
    closed.registration_opens_at = None
    closed.save()
    response = client.post(
        f"/api/v1/events/{closed.slug}/registrations",
        {"name": "A", "email": "a@example.org"},
        content_type="application/json",
    )
    assert response.status_code == 409


def test_my_registrations_and_agenda_with_a_personal_token(client):
    user = UserFactory()
    mine = ParticipantFactory(user=user, email=user.email)
    other = ParticipantFactory(event=mine.event, name="Issa")
    slot = make_slots(mine.event, 1)[0]
    table = make_tables(mine.event, 1)[0]
    a, b = sorted((mine, other), key=lambda r: r.pk)
    Meeting.objects.create(event=mine.event, a=a, b=b, slot=slot, table=table)
    assert client.get("/api/v1/me/registrations").status_code == 401
    _token, key = ApiToken.issue(user, "test")
    headers = {"Authorization": f"Bearer {key}"}
    registrations = client.get("/api/v1/me/registrations", headers=headers).json()
    assert [r["event"] for r in registrations] == [mine.event.slug]
    agenda = client.get("/api/v1/me/agenda", headers=headers).json()
    assert [(m["with_name"], m["table"]) for m in agenda] == [("Issa", "Table 1")]
