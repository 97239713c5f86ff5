from datetime import timedelta

import factory
from django.utils import timezone

from passerelles.events.enums import EventKind, RegistrationStatus
from passerelles.events.models import Event, MeetingProfile, Registration, Session, Slot, Table


class EventFactory(factory.django.DjangoModelFactory):
    """A published regional day in a month, registration open, 50 places."""

    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Journée régionale {n}")
    kind = EventKind.REGIONAL_DAY
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=30)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=8))
    place = "Halle aux grains"
    address = "2 place Jean-Jaurès, Blois"
    capacity = 50
    is_published = True


class MeetingEventFactory(EventFactory):
    meetings_enabled = True
    max_meetings = 4


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Atelier {n}")
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at + timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    room = "Salle 1"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Personne {n}")
    email = factory.Sequence(lambda n: f"inscrit{n}@example.org")
    status = RegistrationStatus.CONFIRMED


class ParticipantFactory(RegistrationFactory):
    """A confirmed registration taking part in the meetings."""

    class Meta:
        model = Registration
        skip_postgeneration_save = True

    event = factory.SubFactory(MeetingEventFactory)
    profile = factory.RelatedFactory(
        "tests.events.factories.MeetingProfileFactory", factory_related_name="registration"
    )


class MeetingProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingProfile

    registration = factory.SubFactory(RegistrationFactory)
    offers = "Formation à la gestion de projet"
    seeks = "Partenaires au Sénégal"


def make_slots(event, count=4, minutes=20):
    start = event.starts_at + timedelta(hours=2)
    return [
        Slot.objects.create(
            event=event,
            starts_at=start + timedelta(minutes=minutes * i),
            ends_at=start + timedelta(minutes=minutes * (i + 1)),
        )
        for i in range(count)
    ]


def make_tables(event, count=3):
    return [
        Table.objects.create(event=event, label=f"Table {i}", position=i)
        for i in range(1, count + 1)
    ]
