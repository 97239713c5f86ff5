"""Event texts (docs/decisions.md, "One text layer"): names plain, the presentation rich
(edited as Markdown), a session's description plain; a registration made through the API is
cleaned like one made through the page."""

import pytest
from django.urls import reverse

from passerelles.events import services
from passerelles.events.forms import RegistrationForm
from passerelles.events.models import Registration
from tests.events.factories import EventFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_registration_texts_are_plain_whatever_the_path(client):
    event = EventFactory()
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        {
            "name": "<b>Zoé</b> L&#x27;Hôte",
            "email": "zoe@example.org",
            "organisation_name": "A &amp; B",
            "accessibility_needs": "Fauteuil\r\n<i>Interprète</i> LSF",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    registration = Registration.objects.get()
    assert registration.name == "Zoé L'Hôte"
    assert registration.organisation_name == "A & B"
    assert registration.accessibility_needs == "Fauteuil\nInterprète LSF"


def test_a_name_that_is_only_markup_is_refused():
    with pytest.raises(services.RegistrationError, match="Indiquez votre nom"):
        services.register(EventFactory(), name="<b> </b>", email="x@example.org")


def test_the_registration_form_refuses_pasted_code():
    from django.contrib.auth.models import AnonymousUser

    form = RegistrationForm(
        {"name": "<script>alert(1)</script>", "email": "x@example.org"},
        event=EventFactory(),
        user=AnonymousUser(),
    )
    assert not form.is_valid() and "Ce texte contient du code" in form.errors["name"][0]


def test_the_event_page_renders_the_presentation_sanitised_and_sessions_as_text(client):
    event = EventFactory(is_published=True, description="<p>Accueil <strong>café</strong></p>")
    SessionFactory(event=event, description="Table ronde\npuis débat")
    page = client.get(reverse("events:detail", args=[event.slug])).content.decode()
    assert "<p>Accueil <strong>café</strong></p>" in page
    assert "Table ronde<br>puis débat" in page


def test_the_attendance_table_carries_plain_text():
    from passerelles.events.exports import attendance_csv

    event = EventFactory()
    services.register(
        event,
        name="Zoé L'Hôte",
        email="zoe@example.org",
        organisation_name="A & B",
        accessibility_needs="<p>Fauteuil</p><p>Interprète &amp; LSF</p>",
    )
    text = attendance_csv(event.registrations.prefetch_related("sessions")).decode("utf-8-sig")
    assert "Zoé L'Hôte" in text and "A & B" in text
    assert "Interprète & LSF" in text
    assert "&amp;" not in text and "&#x27;" not in text and "<p>" not in text
