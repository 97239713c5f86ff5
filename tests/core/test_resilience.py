"""Bad input and a struggling database get words, never the 500 page (issue 13, problems 3
and 5): NUL and control characters refused at the door in every kind of input, and
temporary database trouble answered 503 with a retry message."""

import json
import sqlite3

import pytest
from django.db import DatabaseError, OperationalError, connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from passerelles.core import resilience
from passerelles.events.models import Registration
from tests.events.factories import EventFactory
from tests.users.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_client():
    return Client(HTTP_ACCEPT_LANGUAGE="fr")


def _says_invisible_character(response) -> bool:
    return "caractère invisible" in response.content.decode()


def test_a_nul_in_a_search_answers_400_in_words(french_client):
    response = french_client.get(reverse("actors:list"), {"q": "eau\x00potable"})
    assert response.status_code == 400
    assert _says_invisible_character(response)
    # Ordinary searches, tabs and line breaks included, are untouched.
    assert french_client.get(reverse("actors:list"), {"q": "eau\tpotable"}).status_code == 200


def test_a_nul_in_a_form_saves_nothing(french_client):
    event = EventFactory(capacity=10)
    response = french_client.post(
        event.get_absolute_url(), {"name": "Awa\x00 Diallo", "email": "awa@example.org"}
    )
    assert response.status_code == 400 and _says_invisible_character(response)
    assert not Registration.objects.exists()


def test_an_escaped_nul_in_api_json_answers_json_400(french_client):
    french_client.force_login(StaffFactory())
    body = json.dumps({"name": "Coopérative\u0000 des semences", "family": "ess_enterprise"})
    response = french_client.post("/api/v1/organisations", body, content_type="application/json")
    assert response.status_code == 400
    assert "caractère invisible" in response.json()["detail"]


def test_the_refusal_speaks_english_too():
    with translation.override("en"):
        response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/annuaire/", {"q": "a\x00"})
    assert response.status_code == 400
    assert "control character" in response.content.decode()


@pytest.mark.parametrize(
    "value, refused",
    [
        ("Ville d'Orléans", False),
        ("ligne 1\r\nligne 2\tcolonne", False),
        ("a\x00b", True),
        ("bip\x07", True),
        ("\x1b[31mrouge", True),
        ("suppr\x7f", True),
    ],
)
def test_which_characters_are_refused(value, refused):
    assert resilience._has_control({"k": [value]}) is refused


def _failing_queries(message):
    def wrapper(execute, sql, params, many, context):
        raise OperationalError(message)

    return wrapper


@pytest.mark.parametrize(
    "message",
    [
        "database is locked",
        "attempt to write a readonly database",
        "database or disk is full",
        "terminating connection due to administrator command",
    ],
)
@override_settings(DEBUG=False)
def test_temporary_database_trouble_answers_503_with_a_retry(message):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="fr")
    with connection.execute_wrapper(_failing_queries(message)):
        page = client.get(reverse("actors:list"))
        api = client.get("/api/v1/organisations")
    assert page.status_code == 503 and page["Retry-After"]
    assert "réessayez dans une minute" in page.content.decode()
    assert api.status_code == 503 and "réessayez" in api.json()["detail"]


@override_settings(DEBUG=False)
def test_a_bug_keeps_the_500_page():
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(_failing_queries("no such column: actors_organisation.x")):
        response = client.get(reverse("actors:list"))
    assert response.status_code == 500


def test_the_driver_error_behind_django_is_recognised():
    try:
        try:
            raise sqlite3.OperationalError("attempt to write a readonly database")
        except sqlite3.OperationalError as exc:
            raise DatabaseError("wrapped") from exc
    except DatabaseError as exc:
        assert resilience.is_temporary_database_trouble(exc)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_is_replaced_before_the_next_request(settings):
    """A PostgreSQL restart kills every persistent connection: with health checks, the next
    request opens a new one instead of failing."""
    from django.db import close_old_connections

    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    connection.ensure_connection()
    connection.close_at = None  # persistent, as in production (CONN_MAX_AGE)
    pid = connection.connection.info.backend_pid
    other = connection.copy()
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()
    # What Django's handler does when each request starts (the test client skips it).
    close_old_connections()
    response = Client().get(reverse("actors:list"))
    assert response.status_code == 200
    assert connection.connection.info.backend_pid != pid


@pytest.mark.parametrize(
    "name, refused",
    [
        ("Mairie de Kaya", False),
        ("کانون\u200cفرهنگی", False),  # Persian needs the zero-width non-joiner
        ("Mairie\u202e de Kaya", True),  # right-to-left override
        ("Amis\u200b de Kaya", True),  # zero-width space
        ("\ufeffAmis de Kaya", True),
    ],
)
def test_names_refuse_invisible_formatting_in_words(name, refused):
    from django import forms

    from passerelles.core.richtext import PlainTextField

    field = PlainTextField(max_length=200)
    if refused:
        with pytest.raises(forms.ValidationError, match="caractère invisible"):
            field.clean(name)
    else:
        assert field.clean(name) == name


def test_the_organisation_form_refuses_a_reversed_name(french_client):
    french_client.force_login(StaffFactory())
    body = json.dumps({"name": "Mairie\u202e de Kaya", "family": "local_authority"})
    response = french_client.post("/api/v1/organisations", body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert "caractère invisible" in response.json()["detail"]
