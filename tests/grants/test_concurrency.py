"""Two staff members decide at the same moment on PostgreSQL: the budget is never exceeded."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from passerelles.grants import actions
from passerelles.grants.models import Application
from tests.grants.factories import application, round_

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_decisions_never_exceed_the_budget(referentials):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks and real concurrent transactions)")
    grant_round = round_(budget=Decimal(5000))
    first, second = application(grant_round), application(grant_round)
    barrier = threading.Barrier(2)
    refused, errors = [], []

    def decide(app):
        try:
            barrier.wait(timeout=10)
            actions.decide(app, amount=Decimal(4000))
        except actions.ActionError as error:
            refused.append(str(error))
        except Exception as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=decide, args=(a,)) for a in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert len(refused) == 1 and "enveloppe serait dépassée" in refused[0]
    assert grant_round.granted_total() == Decimal(4000)
    assert Application.objects.granted().count() == 1
