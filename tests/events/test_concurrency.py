"""50 people register at the same instant for the last 10 places: nobody is overbooked.

PostgreSQL only: SQLite serialises every writer anyway. Each thread has its own connection
(Django gives one per thread), closed at the end so the test database can be dropped."""

import threading

import pytest
from django.db import connection, connections

from passerelles.events import services
from passerelles.events.enums import RegistrationStatus
from passerelles.events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory

THREADS = 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_never_overbook():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks)")
    event = EventFactory(capacity=50)
    RegistrationFactory.create_batch(40, event=event)
    barrier = threading.Barrier(THREADS)
    errors = []

    def register(n):
        try:
            barrier.wait(timeout=30)
            services.register(event, name=f"Course {n}", email=f"course{n}@example.org")
        except Exception as error:  # reported below: a thread must not die silently
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    racers = Registration.objects.filter(event=event, email__startswith="course")
    assert racers.count() == THREADS
    assert racers.filter(status=RegistrationStatus.CONFIRMED).count() == 10
    assert racers.filter(status=RegistrationStatus.WAITING).count() == 40
    assert event.registrations.confirmed().count() == 50
    # The waiting list is ordered and complete: positions 1..40, each once.
    positions = sorted(r.waiting_position() for r in racers.filter(status="waiting"))
    assert positions == list(range(1, 41))
