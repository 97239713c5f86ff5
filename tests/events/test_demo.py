"""The demo events: built from the directory's organisations, replaced on each run."""

import pytest

from passerelles.events.demo import build_demo
from passerelles.events.enums import EventKind
from passerelles.events.models import Event, Meeting, MeetingRequest
from tests.actors.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_demo_builds_the_regional_day_and_replaces_itself():
    OrganisationFactory.create_batch(30, offers="Formations", needs="Partenaires")
    report = build_demo(seed=1)
    assert report["events"] == 4 and "événements de démonstration" in report["summary"]
    day = Event.objects.get(kind=EventKind.REGIONAL_DAY)
    assert day.title == "Journée régionale de la coopération et de l'ESS"
    assert day.meetings_enabled and day.sessions.count() == 6
    assert day.slots.count() == 8 and day.tables.exists()
    assert MeetingRequest.objects.filter(requester__event=day).exists()
    assert Event.objects.filter(kind=EventKind.WORKSHOP).get().registrations.waiting().count() == 3
    first_meetings = Meeting.objects.count()
    # A second run replaces everything (meetings at tables included), same seed, same result.
    again = build_demo(seed=1)
    assert Event.objects.count() == 4
    assert again["registrations"] == report["registrations"]
    assert Meeting.objects.count() == first_meetings
