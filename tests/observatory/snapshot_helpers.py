"""The hand-built network (conftest.py) given a past: organisations recorded in 2024 and 2025,
so that the years 2024 and 2025 have something to freeze and compare.

- 2024: a1, a2 (here) and b1 (there, BF) recorded; p1 runs (BF). Partner countries: BF.
- 2025: a3 (here, acting in ML) and b2 (there, ML) recorded; p1 and p2 (ML) run.
  Partner countries: BF, ML — Mali is new.
"""

import datetime

from django.utils import timezone

from passerelles.actors.models import Organisation
from passerelles.core import door

RECORDED = {"a1": 2024, "a2": 2024, "b1": 2024, "a3": 2025, "b2": 2025}


def give_a_past(network):
    # The factories record everything today; the tests need organisations of past years.
    with door.inside():
        for key, year in RECORDED.items():
            when = timezone.make_aware(datetime.datetime(year, 3, 1, 10, 0))
            Organisation.objects.filter(pk=network.orgs[key].pk).update(created_at=when)
    # The fixture's instances too, or the next action saving one would write today's date back.
    for org in network.orgs.values():
        org.refresh_from_db()
    return network
