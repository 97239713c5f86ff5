"""Issue 14, problems 3 and 4: the event page knows the signed-in person (their registration,
for their organisation, cancelled without the e-mailed link, never twice), and the counters
follow htmx actions in the same response (out-of-band swaps)."""

import re

import pytest
from django.urls import reverse

from passerelles.events.enums import MeetingStatus, Priority, RegistrationStatus
from passerelles.events.models import Meeting, MeetingRequest, Registration
from tests.actors.factories import OrganisationFactory
from tests.events.factories import (
    EventFactory,
    MeetingEventFactory,
    ParticipantFactory,
    RegistrationFactory,
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


@pytest.fixture
def member():
    membership = MembershipFactory(organisation=OrganisationFactory(name="Terres Solidaires"))
    return membership.user


def _form(user, **extra):
    return {"name": user.full_name or "Awa Diallo", "email": user.email, **extra}


def test_a_registered_member_sees_their_registration_instead_of_the_form(client, member):
    event = EventFactory()
    org = member.memberships.get().organisation
    RegistrationFactory(event=event, user=member, email=member.email, organisation=org)
    client.force_login(member)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Vous êtes inscrit·e" in html and "Confirmée" in html
    assert "Terres Solidaires" in html
    assert 'name="email"' not in html  # no second form
    assert "Gérer mon inscription" in html and "Annuler mon inscription" in html


def test_posting_again_neither_registers_twice_nor_answers_400(client, member):
    event = EventFactory()
    RegistrationFactory(event=event, user=member, email=member.email)
    client.force_login(member)
    response = client.post(event.get_absolute_url(), _form(member, email="autre@example.org"))
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert event.registrations.active().count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Vous êtes déjà inscrit·e à cet événement." in page


def test_a_member_is_recorded_for_their_organisation_on_the_waiting_list(client, member):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)  # full
    client.force_login(member)
    html = client.get(event.get_absolute_url()).content.decode()
    org = member.memberships.get().organisation
    # Their organisation is chosen for them (they may still pick "in my own name").
    assert re.search(rf'<input[^>]*value="{org.pk}"[^>]*checked', html)
    response = client.post(event.get_absolute_url(), _form(member, organisation=str(org.pk)))
    assert response.status_code == 302
    registration = Registration.objects.get(event=event, user=member)
    assert registration.status == RegistrationStatus.WAITING
    assert registration.organisation == org
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Liste d'attente" in page and "Terres Solidaires" in page


def test_a_member_with_one_organisation_gets_it_without_choosing():
    from passerelles.events.forms import RegistrationForm

    membership = MembershipFactory()
    form = RegistrationForm(event=EventFactory(), user=membership.user)
    assert form.fields["organisation"].initial == str(membership.organisation.pk)


def test_a_member_of_several_organisations_is_asked_which_one(client, member):
    second = MembershipFactory(user=member, organisation=OrganisationFactory(name="Cafés du Sud"))
    event = EventFactory()
    client.force_login(member)
    response = client.post(event.get_absolute_url(), _form(member))
    assert response.status_code == 400
    assert "Dites pour quelle organisation vous venez." in response.content.decode()
    assert not event.registrations.exists()
    response = client.post(
        event.get_absolute_url(), _form(member, organisation=str(second.organisation.pk))
    )
    assert response.status_code == 302
    assert event.registrations.get().organisation == second.organisation


def test_in_my_own_name_stays_possible(client, member):
    event = EventFactory()
    client.force_login(member)
    client.post(event.get_absolute_url(), _form(member, organisation="personal"))
    registration = event.registrations.get()
    assert registration.organisation is None and registration.user == member


def test_colleagues_registrations_are_shown_by_name(client, member):
    event = EventFactory()
    org = member.memberships.get().organisation
    RegistrationFactory(event=event, name="Issa Ouédraogo", organisation=org)
    client.force_login(member)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Déjà inscrit·es pour votre organisation" in html and "Issa Ouédraogo" in html
    assert 'name="email"' in html  # they may still register themselves


def test_an_address_registered_before_signing_in_points_to_the_link(client, member):
    event = EventFactory()
    RegistrationFactory(event=event, email=member.email)  # made as a visitor, no account
    client.force_login(member)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "déjà inscrite à cet événement" in html and 'name="email"' not in html


def test_the_owner_cancels_from_the_event_page_and_the_waiting_list_moves_up(client, member):
    event = EventFactory(capacity=1)
    mine = RegistrationFactory(event=event, user=member, email=member.email)
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    client.force_login(member)
    url = reverse("events:registration-cancel", args=[event.slug, mine.pk])
    response = client.post(url)  # without the confirmation box: nothing happens
    mine.refresh_from_db()
    assert response.status_code == 302 and mine.status == RegistrationStatus.CONFIRMED
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    html = client.get(event.get_absolute_url()).content.decode()
    assert 'name="email"' in html  # they may register again


@pytest.mark.parametrize("role", sorted(ROLES))
def test_cancelling_from_the_event_page_per_role(client, role):
    event = EventFactory()
    registration = RegistrationFactory(event=event, user=UserFactory())
    if ROLES[role] is not None:
        client.force_login(ROLES[role]())
    url = reverse("events:registration-cancel", args=[event.slug, registration.pk])
    response = client.post(url, {"confirm": "1"})
    registration.refresh_from_db()
    if role == "visitor":
        assert response.status_code == 302 and "/connexion/" in response["Location"]
        assert registration.status == RegistrationStatus.CONFIRMED
    elif role in ("staff", "admin"):
        assert response.status_code == 302
        assert registration.status == RegistrationStatus.CANCELLED
    else:  # someone else's registration: not even its existence is shown
        assert response.status_code == 404
        assert registration.status == RegistrationStatus.CONFIRMED


def test_the_service_refuses_a_second_registration_by_the_same_account(member):
    from passerelles.events import services

    event = EventFactory()
    services.register(event, name="A", email=member.email, user=member)
    # Their account's address changed since: still the same person.
    member.email = "nouvelle-adresse@example.org"
    member.save()
    with pytest.raises(services.RegistrationError, match="déjà inscrit"):
        services.register(event, name="A", email=member.email, user=member)
    # Registering someone else is not a second registration of theirs.
    other = services.register(event, name="B", email="collegue@example.org", user=member)
    assert other.user is None


# Problem 4: counters in the same response as the htmx action.


def test_check_in_sends_the_arrived_count_out_of_band(client):
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    client.force_login(StaffFactory())
    page = client.get(reverse("events:checkin", args=[event.slug])).content.decode()
    assert "<strong>0</strong> arrivé·e" in page
    response = client.post(
        reverse("events:checkin-toggle", args=[event.slug, registration.pk]),
        {"present": "1"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert f'id="registration-{registration.pk}"' in html
    assert 'id="checkin-stats"' in html and 'hx-swap-oob="true"' in html
    assert "<strong>1</strong> arrivé·e" in html
    assert "<strong>2</strong> inscrit·es confirmé·es" in html


def test_a_meeting_request_sends_the_request_counts_out_of_band(client):
    event = MeetingEventFactory()
    me, other = ParticipantFactory(event=event), ParticipantFactory(event=event)
    MeetingRequest.objects.create(requester=other, target=me, priority=Priority.WISH)
    response = client.post(
        reverse("events:meeting-request", args=[me.token, other.pk]),
        {"priority": "must"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert f'id="participant-{other.pk}"' in html
    assert 'id="request-counts"' in html and 'hx-swap-oob="true"' in html
    assert "Vos demandes : 1 indispensable" in html
    assert "1 personne souhaite vous rencontrer." in html


def test_a_meeting_status_sends_the_schedule_counts_out_of_band(client):
    event = MeetingEventFactory()
    slots, tables = make_slots(event, 2), make_tables(event, 1)
    a, b = ParticipantFactory(event=event), ParticipantFactory(event=event)
    meeting = Meeting.objects.create(
        event=event,
        a=min(a, b, key=lambda r: r.pk),
        b=max(a, b, key=lambda r: r.pk),
        slot=slots[0],
        table=tables[0],
    )
    client.force_login(StaffFactory())
    response = client.post(
        reverse("events:meeting-status", args=[event.slug, meeting.pk]),
        {"status": MeetingStatus.HELD},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'id="meeting-stats"' in html and 'hx-swap-oob="true"' in html
    assert "<strong>1</strong> tenue" in html


def test_staff_at_the_desk_register_other_people_on_no_account(client):
    event = EventFactory()
    staff = StaffFactory()
    client.force_login(staff)
    RegistrationFactory(event=event, user=staff, email=staff.email)  # staff come too
    for n in range(2):
        response = client.post(
            event.get_absolute_url(), {"name": f"Personne {n}", "email": f"p{n}@example.org"}
        )
        assert response.status_code == 302
    registrations = event.registrations.exclude(user=staff)
    assert registrations.count() == 2 and not registrations.filter(user__isnull=False).exists()
