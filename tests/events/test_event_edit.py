"""Staff create and edit events and their sessions in the product: who may (each role, GET and
POST), what is checked (in French), Paris times, sanitised text, the waiting list."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from passerelles.events import perms
from passerelles.events.enums import EventKind, RegistrationStatus
from passerelles.events.models import Event, Registration, Session
from tests.events.factories import EventFactory, RegistrationFactory, SessionFactory, make_slots
from tests.users.factories import AdminFactory, PartnerAbroadFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
ROLES = {
    "visitor": None,
    "member": UserFactory,
    "partner_abroad": PartnerAbroadFactory,
    "staff": StaffFactory,
    "admin": AdminFactory,
}
STAFF_ROLES = {"staff", "admin"}


def _login(client, role):
    user = ROLES[role]() if ROLES[role] is not None else None
    if user is not None:
        client.force_login(user)
    return user


def _local(value) -> str:
    return timezone.localtime(value, PARIS).strftime("%Y-%m-%dT%H:%M")


def _event_data(event=None, **changes):
    """The POST a browser sends for the form, from an event (or a new one) plus changes."""
    data = {
        "title": "Journée régionale des solidarités",
        "kind": EventKind.REGIONAL_DAY,
        "summary": "Rencontrer les acteurs d'ici et de là-bas",
        "description": "<p>Une journée pour se rencontrer.</p>",
        "starts_at": "2031-06-12T09:00",
        "ends_at": "2031-06-12T17:30",
        "place": "Halle aux grains",
        "address": "2 place Jean-Jaurès, Blois",
        "online_url": "",
        "capacity": "120",
        "registration_opens_at": "2031-05-01T09:00",
        "registration_closes_at": "2031-06-10T18:00",
        "is_published": "on",
        "max_meetings": "6",
        "sessions-TOTAL_FORMS": "2",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
    }
    if event is not None:
        data.update(
            title=event.title,
            kind=event.kind,
            summary=event.summary,
            description=event.description,
            starts_at=_local(event.starts_at),
            ends_at=_local(event.ends_at),
            place=event.place,
            address=event.address,
            capacity="" if event.capacity is None else str(event.capacity),
            registration_opens_at="",
            registration_closes_at="",
            max_meetings=str(event.max_meetings),
        )
        if not event.is_published:
            del data["is_published"]
        sessions = list(event.sessions.all())
        data["sessions-TOTAL_FORMS"] = str(len(sessions) + 2)
        data["sessions-INITIAL_FORMS"] = str(len(sessions))
        for i, session in enumerate(sessions):
            data.update(
                {
                    f"sessions-{i}-id": str(session.pk),
                    f"sessions-{i}-event": str(event.pk),
                    f"sessions-{i}-title": session.title,
                    f"sessions-{i}-starts_at": _local(session.starts_at),
                    f"sessions-{i}-ends_at": _local(session.ends_at),
                    f"sessions-{i}-room": session.room,
                    f"sessions-{i}-capacity": "" if session.capacity is None else session.capacity,
                }
            )
    data.update(changes)
    return data


def _staff(client):
    user = StaffFactory()
    client.force_login(user)
    return user


# Permissions, for each role -------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(ROLES))
def test_permission_functions_per_role(role):
    user = ROLES[role]() if ROLES[role] is not None else None
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    event = EventFactory()
    expected = role in STAFF_ROLES
    assert perms.can_create_event(user) is expected
    assert perms.can_edit_event(user, event) is expected


@pytest.mark.parametrize("role", sorted(ROLES))
def test_create_page_per_role(client, role):
    _login(client, role)
    url = reverse("events:create")
    get = client.get(url)
    post = client.post(url, _event_data(title="Atelier pirate"))
    if role in STAFF_ROLES:
        assert get.status_code == 200
        assert post.status_code == 302
        assert Event.objects.filter(title="Atelier pirate").exists()
    else:
        expected = 302 if role == "visitor" else 403  # visitors are asked to log in
        assert get.status_code == expected and post.status_code == expected
        if role == "visitor":
            assert reverse("users:login") in get["Location"]
        assert not Event.objects.filter(title="Atelier pirate").exists()


@pytest.mark.parametrize("role", sorted(ROLES))
def test_edit_page_per_role(client, role):
    event = EventFactory(title="Avant")
    _login(client, role)
    url = reverse("events:edit", args=[event.slug])
    get = client.get(url)
    post = client.post(url, _event_data(event, title="Après"))
    event.refresh_from_db()
    if role in STAFF_ROLES:
        assert get.status_code == 200
        assert post.status_code == 302
        assert event.title == "Après"
    else:
        expected = 302 if role == "visitor" else 403
        assert get.status_code == expected and post.status_code == expected
        assert event.title == "Avant"


def test_staff_links_on_list_and_event_page(client):
    event = EventFactory()
    list_url, detail_url = reverse("events:list"), event.get_absolute_url()
    create_url, edit_url = reverse("events:create"), reverse("events:edit", args=[event.slug])
    client.force_login(UserFactory())
    assert create_url not in client.get(list_url).content.decode()
    assert edit_url not in client.get(detail_url).content.decode()
    _staff(client)
    assert create_url in client.get(list_url).content.decode()
    assert edit_url in client.get(detail_url).content.decode()


def test_the_form_needs_the_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffFactory())
    page = client.get(reverse("events:create"))
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = client.post(reverse("events:create"), _event_data(title="Sans jeton"))
    assert response.status_code == 403
    assert not Event.objects.filter(title="Sans jeton").exists()


# Creating and editing -------------------------------------------------------------------------


def test_staff_create_an_event_with_sessions_in_paris_time(client):
    _staff(client)
    data = _event_data(
        **{
            "sessions-0-title": "Plénière d'ouverture",
            "sessions-0-starts_at": "2031-06-12T09:30",
            "sessions-0-ends_at": "2031-06-12T10:30",
            "sessions-0-room": "Grande salle",
            "sessions-0-capacity": "200",
        }
    )
    response = client.post(reverse("events:create"), data)
    event = Event.objects.get(title="Journée régionale des solidarités")
    assert response["Location"] == event.get_absolute_url()
    # 9:00 in Paris in June is 7:00 UTC (summer time).
    assert event.starts_at == datetime(2031, 6, 12, 9, 0, tzinfo=PARIS)
    assert event.starts_at.astimezone(ZoneInfo("UTC")).hour == 7
    assert event.registration_closes_at == datetime(2031, 6, 10, 18, 0, tzinfo=PARIS)
    assert event.is_published and not event.meetings_enabled
    (session,) = event.sessions.all()
    assert session.title == "Plénière d'ouverture" and session.room == "Grande salle"
    assert session.starts_at == datetime(2031, 6, 12, 9, 30, tzinfo=PARIS)
    assert session.capacity == 200
    page = client.get(event.get_absolute_url()).content.decode()
    assert "L&#x27;événement est créé." in page or "L'événement est créé." in page
    assert "Plénière d&#x27;ouverture" in page


def test_times_are_read_in_paris_whatever_the_active_zone(client, settings):
    settings.TIME_ZONE = "America/Montreal"
    _staff(client)
    client.post(reverse("events:create"), _event_data(starts_at="2031-01-15T09:00"))
    event = Event.objects.get()
    assert event.starts_at == datetime(2031, 1, 15, 9, 0, tzinfo=PARIS)


def test_the_edit_form_shows_paris_times_and_the_sessions(client):
    event = EventFactory(starts_at=datetime(2031, 3, 20, 8, 0, tzinfo=ZoneInfo("UTC")))
    SessionFactory(event=event, title="Atelier Sénégal")
    _staff(client)
    page = client.get(reverse("events:edit", args=[event.slug])).content.decode()
    assert 'value="2031-03-20T09:00"' in page  # 8:00 UTC is 9:00 in Paris in winter
    assert 'type="datetime-local"' in page
    assert "Atelier Sénégal" in page
    assert '<label for="id_title">' in page and "<legend>" in page


def test_description_with_code_is_refused_with_a_message(client):
    # The text layer's rule (core.richtext): code pasted in a text is refused, so the person
    # sees what happened instead of having it silently removed.
    _staff(client)
    response = client.post(
        reverse("events:create"),
        _event_data(description='<p onclick="x()">Bonjour</p><script>alert(1)</script>'),
    )
    assert response.status_code == 400
    assert "Ce texte contient du code" in response.content.decode()
    assert not Event.objects.exists()


def test_description_is_edited_as_markdown_and_stored_sanitised(client):
    _staff(client)
    client.post(
        reverse("events:create"),
        _event_data(description="Accueil **dès 9 h**.\r\n\r\n- café\r\n- <em>plénière</em>"),
    )
    event = Event.objects.get()
    assert event.description == (
        "<p>Accueil <strong>dès 9 h</strong>.</p>\n"
        "<ul>\n<li>café</li>\n<li><em>plénière</em></li>\n</ul>"
    )
    response = client.get(reverse("events:edit", args=[event.slug]))
    textarea = response.content.decode().split('id="id_description"')[1].split("</textarea>")[0]
    assert "Accueil **dès 9 h**." in textarea and "&lt;" not in textarea


def test_staff_edit_add_and_delete_sessions(client):
    event = EventFactory()
    kept = SessionFactory(event=event, title="Atelier gardé")
    gone = SessionFactory(event=event, title="Atelier supprimé")
    _staff(client)
    data = _event_data(event)
    start = event.starts_at + timedelta(hours=3)
    data.update(
        {
            "sessions-0-title": "Atelier renommé",
            "sessions-1-DELETE": "on",
            "sessions-2-title": "Nouvel atelier",
            "sessions-2-starts_at": _local(start),
            "sessions-2-ends_at": _local(start + timedelta(hours=1)),
        }
    )
    # Sessions come in their order (starts_at, title): "kept" first, then "gone".
    assert data["sessions-0-id"] == str(kept.pk) and data["sessions-1-id"] == str(gone.pk)
    response = client.post(reverse("events:edit", args=[event.slug]), data)
    assert response.status_code == 302
    assert sorted(event.sessions.values_list("title", flat=True)) == [
        "Atelier renommé",
        "Nouvel atelier",
    ]
    assert not Session.objects.filter(pk=gone.pk).exists()


# Validation, in French, and nothing half-written ----------------------------------------------


def _errors(response) -> str:
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="form-error-summary"' in page
    return page


def test_end_before_start_is_refused(client):
    _staff(client)
    response = client.post(
        reverse("events:create"),
        _event_data(starts_at="2031-06-12T17:00", ends_at="2031-06-12T09:00"),
    )
    page = _errors(response)
    assert page.count("La fin doit être après le début de l&#x27;événement.") == 2  # summary+field
    assert 'href="#id_ends_at"' in page  # the summary links to the field
    assert not Event.objects.exists()


def test_registration_closing_before_opening_is_refused(client):
    _staff(client)
    response = client.post(
        reverse("events:create"),
        _event_data(
            registration_opens_at="2031-06-01T09:00", registration_closes_at="2031-05-01T09:00"
        ),
    )
    assert "La clôture des inscriptions doit suivre leur ouverture." in _errors(response)
    assert not Event.objects.exists()


def test_invalid_date_gets_a_french_message(client):
    _staff(client)
    response = client.post(reverse("events:create"), _event_data(starts_at="demain matin"))
    assert "Date et heure invalides" in _errors(response)


def test_a_time_skipped_by_the_clock_change_gets_a_clear_message(client):
    _staff(client)
    # 30 March 2031, 2:30 does not exist in Paris (clocks jump from 2:00 to 3:00).
    response = client.post(
        reverse("events:create"),
        _event_data(starts_at="2031-03-30T02:30", ends_at="2031-03-30T17:00"),
    )
    assert "changement d&#x27;heure" in _errors(response)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2031-06-12T08:00", "2031-06-12T10:00", "La session commence avant l&#x27;événement"),
        ("2031-06-12T16:00", "2031-06-12T18:00", "La session finit après l&#x27;événement"),
        ("2031-06-12T11:00", "2031-06-12T10:00", "La fin de la session doit être après son début"),
    ],
)
def test_sessions_outside_the_event_or_backwards_are_refused(client, start, end, message):
    _staff(client)
    data = _event_data(
        **{
            "sessions-0-title": "Atelier",
            "sessions-0-starts_at": start,
            "sessions-0-ends_at": end,
        }
    )
    page = _errors(client.post(reverse("events:create"), data))
    assert message in page
    assert 'href="#id_sessions-0-' in page
    assert not Event.objects.exists() and not Session.objects.exists()


def test_session_outside_new_event_dates_is_refused_on_edit(client):
    event = EventFactory()
    session = SessionFactory(event=event)  # one hour after the start
    _staff(client)
    data = _event_data(event, starts_at=_local(session.starts_at + timedelta(minutes=30)))
    page = _errors(client.post(reverse("events:edit", args=[event.slug]), data))
    assert "La session commence avant l&#x27;événement" in page
    old_start = event.starts_at
    event.refresh_from_db()
    assert event.starts_at == old_start


def test_meeting_slots_outside_new_dates_are_refused(client):
    event = EventFactory(meetings_enabled=True)
    make_slots(event, 2)  # two hours after the start
    _staff(client)
    data = _event_data(event, starts_at=_local(event.starts_at + timedelta(hours=3)))
    assert "Des créneaux de rencontres tombent hors de ces dates" in _errors(
        client.post(reverse("events:edit", args=[event.slug]), data)
    )


def test_capacity_below_confirmed_is_refused(client):
    event = EventFactory(capacity=10)
    RegistrationFactory.create_batch(3, event=event)
    _staff(client)
    data = _event_data(event, capacity="2")
    page = _errors(client.post(reverse("events:edit", args=[event.slug]), data))
    assert "3 inscriptions sont déjà confirmées" in page
    event.refresh_from_db()
    assert event.capacity == 10


def test_session_capacity_below_its_registrations_is_refused(client):
    event = EventFactory()
    session = SessionFactory(event=event, capacity=10)
    for registration in RegistrationFactory.create_batch(2, event=event):
        registration.sessions.add(session)
    _staff(client)
    data = _event_data(event, **{"sessions-0-capacity": "1"})
    assert "2 personnes sont déjà inscrites à cette session" in _errors(
        client.post(reverse("events:edit", args=[event.slug]), data)
    )


def test_a_session_with_registrations_cannot_be_deleted(client):
    event = EventFactory()
    session = SessionFactory(event=event)
    RegistrationFactory(event=event).sessions.add(session)
    _staff(client)
    data = _event_data(event, **{"sessions-0-DELETE": "on"})
    assert "elle ne peut pas être supprimée" in _errors(
        client.post(reverse("events:edit", args=[event.slug]), data)
    )
    assert Session.objects.filter(pk=session.pk).exists()


def test_more_places_promote_the_waiting_list(client, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=2)
    RegistrationFactory.create_batch(2, event=event)
    first = RegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    second = RegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    third = RegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    _staff(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events:edit", args=[event.slug]), _event_data(event, capacity="4")
        )
    assert response.status_code == 302
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == RegistrationStatus.CONFIRMED
    assert statuses[third.pk] == RegistrationStatus.WAITING
    page = client.get(response["Location"]).content.decode()
    assert "2 personnes sortent de la liste d&#x27;attente" in page
    # Each promoted person is told by e-mail.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])


def test_removing_the_limit_confirms_everyone_waiting(client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    _staff(client)
    client.post(reverse("events:edit", args=[event.slug]), _event_data(event, capacity=""))
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    event.refresh_from_db()
    assert event.capacity is None


def test_drafts_can_be_edited_and_stay_hidden(client):
    event = EventFactory(is_published=False, title="Brouillon")
    _staff(client)
    assert client.get(reverse("events:edit", args=[event.slug])).status_code == 200
    client.post(reverse("events:edit", args=[event.slug]), _event_data(event, title="Toujours"))
    event.refresh_from_db()
    assert event.title == "Toujours" and not event.is_published
    client.logout()
    assert client.get(event.get_absolute_url()).status_code == 404


def test_unknown_event_is_404_for_staff(client):
    _staff(client)
    assert client.get(reverse("events:edit", args=["nulle-part"])).status_code == 404


def test_edit_page_queries_do_not_grow_with_sessions(client, django_assert_max_num_queries):
    event = EventFactory()
    for hour in range(1, 7):
        session = SessionFactory(event=event, starts_at=event.starts_at + timedelta(hours=hour))
        RegistrationFactory(event=event).sessions.add(session)
    _staff(client)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:edit", args=[event.slug]))
    assert response.status_code == 200
    assert response.content.decode().count("Supprimer cette session") == 6
