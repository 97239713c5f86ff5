"""iCalendar: UIDs named by the configured site domain, never by the address a visitor used
(else a calendar holds the same event twice), and one feed of every public event linked from
the events page (issue 15, problem 5)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from passerelles.events.exports import calendar_domain
from tests.events.factories import EventFactory, SessionFactory

pytestmark = pytest.mark.django_db


def uids(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return [str(e["uid"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]


def test_uids_do_not_change_with_the_host_header(client, settings):
    settings.PASSERELLES_SITE_DOMAIN = "passerelles.example.org"
    event = EventFactory(title="Journée ESS")
    session = SessionFactory(event=event, title="Plénière")
    url = reverse("events:ics", args=[event.slug])
    first = uids(client.get(url, HTTP_HOST="www.passerelles.example.org"))
    second = uids(client.get(url, HTTP_HOST="passerelles-old.example.net:8000"))
    assert (
        first
        == second
        == [
            f"event-{event.pk}@passerelles.example.org",
            f"session-{session.pk}@passerelles.example.org",
        ]
    )
    session_url = reverse("events:session-ics", args=[event.slug, session.pk])
    assert uids(client.get(session_url, HTTP_HOST="a.example")) == [
        f"session-{session.pk}@passerelles.example.org"
    ]
    feed = reverse("events:all-ics")
    assert uids(client.get(feed, HTTP_HOST="a.example")) == uids(
        client.get(feed, HTTP_HOST="b.example")
    )


def test_the_domain_falls_back_on_the_site_address_then_a_fixed_name(settings):
    settings.PASSERELLES_SITE_DOMAIN = ""
    settings.PASSERELLES_SITE_URL = "https://reseau.example.fr"
    assert calendar_domain() == "reseau.example.fr"
    settings.PASSERELLES_SITE_URL = ""
    assert calendar_domain() == "passerelles.invalid"


def test_one_feed_of_every_public_event_linked_from_the_events_page(client, settings):
    settings.PASSERELLES_SITE_DOMAIN = "passerelles.example.org"
    coming = EventFactory(title="Journée régionale des solidarités")
    SessionFactory(event=coming, title="Atelier eau")
    past = EventFactory(
        title="Festisol 2025",
        starts_at=coming.starts_at - timedelta(days=400),
        ends_at=coming.starts_at - timedelta(days=400) + timedelta(hours=3),
    )
    EventFactory(title="Brouillon interne", is_published=False)

    page = client.get(reverse("events:list")).content.decode()
    assert reverse("events:all-ics") in page
    assert "Tous les événements dans votre agenda (abonnement iCalendar)" in page

    response = client.get(reverse("events:all-ics"))
    assert 'filename="evenements.ics"' in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert summaries == [
        "Festisol 2025",
        "Journée régionale des solidarités",
        "Atelier eau — Journée régionale des solidarités",
    ]
    assert "Brouillon interne" not in response.content.decode()
    assert str(calendar.walk("VEVENT")[0]["url"]).endswith(past.get_absolute_url())
    assert str(calendar["x-wr-calname"]).startswith("Événements — ")
