"""Two members answer the same round at the same moment on PostgreSQL: no answer is lost."""

import threading

import pytest
from django.db import connection, connections

from passerelles.cooperation import services
from passerelles.cooperation.enums import Answer
from passerelles.cooperation.models import Response
from tests.cooperation.factories import first_version, world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_members_answering_at_once_both_count(referentials):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks and real concurrent transactions)")
    w = world()
    rnd = services.open_round(first_version(w), w.lead_user)
    barrier = threading.Barrier(2)
    errors = []

    def answer(member, user, value, reason):
        try:
            barrier.wait(timeout=10)
            services.answer(rnd, member, value, reason, user)
        except Exception as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [
        threading.Thread(target=answer, args=(w.partner, w.partner_user, Answer.OBJECTION, "Non")),
        threading.Thread(target=answer, args=(w.member, w.member_user, Answer.CONSENT, "")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert sorted(Response.objects.filter(round=rnd).values_list("answer", flat=True)) == [
        "consent",
        "objection",
    ]
    assert len(rnd.tally().objections) == 1


def test_two_people_asking_to_join_at_once_make_one_request(referentials):
    """Two people of one organisation (or one double click) ask at the same moment: one
    request, both told it is recorded, nobody sees an error."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks and real concurrent transactions)")
    from passerelles.cooperation.models import JoinRequest
    from tests.actors.factories import OrganisationFactory
    from tests.users.factories import MembershipFactory

    w = world()
    org = OrganisationFactory()
    people = [MembershipFactory(organisation=org).user for _ in range(2)]
    barrier = threading.Barrier(2)
    errors, results = [], []

    def ask(user):
        try:
            barrier.wait(timeout=10)
            results.append(services.request_to_join(w.space, org, user))
        except Exception as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(user,)) for user in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert JoinRequest.objects.filter(space=w.space, organisation=org).count() == 1
    assert sorted(created for _request, created in results) == [False, True]
