"""Registration: capacity, waiting list, promotion on cancellation, e-mails, manage link."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from passerelles.events import services
from passerelles.events.enums import RegistrationStatus
from passerelles.events.models import Registration
from tests.actors.factories import OrganisationFactory
from tests.events.factories import EventFactory, RegistrationFactory, SessionFactory
from tests.users.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _register(event, n, **extra):
    return services.register(event, name=f"Personne {n}", email=f"p{n}@example.org", **extra)


def test_registration_beyond_capacity_goes_to_the_waiting_list():
    event = EventFactory(capacity=2)
    first, second, third = (_register(event, n) for n in range(3))
    assert [r.status for r in (first, second, third)] == ["confirmed", "confirmed", "waiting"]
    assert third.waiting_position() == 1
    assert event.places_left() == 0


def test_cancellation_promotes_the_first_waiting_person_and_tells_them(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=1)
    confirmed = _register(event, 1)
    waiting_1 = _register(event, 2)
    waiting_2 = _register(event, 3)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(confirmed)
    with pytest.raises(services.RegistrationError, match="déjà annulée"):
        services.cancel(confirmed)

    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    assert waiting_1.status == RegistrationStatus.CONFIRMED
    assert waiting_1.promoted_at is not None
    assert waiting_2.status == RegistrationStatus.WAITING
    assert waiting_2.waiting_position() == 1
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "place s'est libérée" in subjects["p2@example.org"]
    assert "annulée" in subjects["p1@example.org"]
    assert "p3@example.org" not in subjects


def test_more_places_promote_the_waiting_list():
    event = EventFactory(capacity=1)
    _register(event, 1)
    waiting = [_register(event, n) for n in (2, 3, 4)]
    promoted = services.set_capacity(event, 3)
    assert [r.pk for r in promoted] == [waiting[0].pk, waiting[1].pk]


def test_confirmation_email_carries_the_manage_link(django_capture_on_commit_callbacks):
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(event, 1)
    assert len(mail.outbox) == 1
    assert str(registration.token) in mail.outbox[0].body
    assert event.title in mail.outbox[0].subject


def test_same_email_cannot_register_twice_but_may_again_after_cancelling():
    event = EventFactory()
    registration = _register(event, 1)
    with pytest.raises(services.RegistrationError, match="déjà inscrite"):
        services.register(event, name="Autre", email="P1@example.org")
    services.cancel(registration)
    again = _register(event, 1)
    assert again.status == RegistrationStatus.CONFIRMED


def test_closed_registration_is_refused():
    event = EventFactory(registration_closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.RegistrationError, match="fermées"):
        _register(event, 1)


def test_full_session_is_refused_with_its_name():
    event = EventFactory()
    session = SessionFactory(event=event, capacity=1, title="Financer un projet")
    _register(event, 1, sessions=[session])
    with pytest.raises(services.RegistrationError, match="Financer un projet"):
        _register(event, 2, sessions=[session])
    assert not Registration.objects.filter(email="p2@example.org").exists()


def test_register_page_for_a_visitor_then_manage_and_cancel(client):
    event = EventFactory(capacity=10)
    response = client.post(
        event.get_absolute_url(),
        {"name": "Awa Diallo", "email": "awa@example.org", "accessibility_needs": "Fauteuil"},
    )
    registration = Registration.objects.get(email="awa@example.org")
    assert response.status_code == 302
    assert response["Location"] == registration.get_manage_url()
    page = client.get(registration.get_manage_url())
    assert "Confirmée" in page.content.decode()
    assert registration.organisation is None  # a citizen
    client.post(reverse("events:cancel", args=[registration.token]))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED  # the box was not ticked
    client.post(reverse("events:cancel", args=[registration.token]), {"confirm": "1"})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_register_page_shows_french_errors_and_writes_nothing(client):
    event = EventFactory()
    response = client.post(event.get_absolute_url(), {"name": "", "email": "pas-un-email"})
    assert response.status_code == 400
    assert "rien n'a été enregistré" in response.content.decode()
    assert not Registration.objects.exists()


def test_member_registers_for_their_organisation(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    event = EventFactory()
    response = client.post(
        event.get_absolute_url(),
        {"name": "A", "email": membership.user.email, "organisation": membership.organisation.pk},
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.organisation == membership.organisation
    assert registration.user == membership.user


def test_member_cannot_register_for_someone_elses_organisation(client):
    user = UserFactory()
    MembershipFactory(user=user)
    other = OrganisationFactory()
    client.force_login(user)
    event = EventFactory()
    response = client.post(
        event.get_absolute_url(), {"name": "A", "email": user.email, "organisation": other.pk}
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_unknown_manage_token_is_a_404(client):
    response = client.get(reverse("events:manage", args=["7d4e2a52-2b77-4a47-9d7b-0a8e9b1c2d3e"]))
    assert response.status_code == 404


def test_draft_event_is_hidden_from_the_public_but_not_from_staff(client):
    from tests.users.factories import StaffFactory

    event = EventFactory(is_published=False)
    assert client.get(event.get_absolute_url()).status_code == 404
    client.force_login(StaffFactory())
    assert client.get(event.get_absolute_url()).status_code == 200


def test_reminders_are_sent_once(django_capture_on_commit_callbacks):
    event = EventFactory(starts_at=timezone.now() + timedelta(days=1))
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
    assert len(mail.outbox) == 1
    assert "Rappel" in mail.outbox[0].subject
