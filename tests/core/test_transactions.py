"""Requests that change data run in one transaction; requests that only read run in none, so
that on SQLite a page view never waits for the write lock (passerelles.core.transactions).

The views below go through the whole middleware stack with the test client. Inside the test's
own transaction, a request transaction shows as one more savepoint."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.http import JsonResponse
from django.urls import path

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def depth(request):
    return JsonResponse({"depth": len(connection.savepoint_ids)})


@transaction.non_atomic_requests
def non_atomic_depth(request):
    return JsonResponse({"depth": len(connection.savepoint_ids)})


def create_then_fail(request):
    Group.objects.create(name="half-written")
    raise RuntimeError("the view fails after its first write")


urlpatterns = [
    path("depth/", depth),
    path("non-atomic/", non_atomic_depth),
    path("fail/", create_then_fail),
]


@pytest.fixture
def baseline():
    return len(connection.savepoint_ids)


@pytest.mark.parametrize("method", ["get", "head", "options"])
def test_reading_requests_run_without_a_transaction(client, baseline, method):
    response = getattr(client, method)("/depth/")
    assert response.status_code == 200
    if method == "get":
        assert response.json()["depth"] == baseline


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_requests_that_change_data_run_in_one_transaction(client, baseline, method):
    response = getattr(client, method)("/depth/")
    assert response.json()["depth"] == baseline + 1


def test_a_view_marked_non_atomic_keeps_its_own_transactions(client, baseline):
    assert client.post("/non-atomic/").json()["depth"] == baseline


def test_a_failing_post_leaves_nothing_half_written(client):
    client.raise_request_exception = False
    response = client.post("/fail/")
    assert response.status_code == 500
    assert not Group.objects.filter(name="half-written").exists()


@pytest.mark.urls("config.urls")
def test_csrf_is_checked_before_the_view_is_called():
    # The middleware calls the view itself: CSRF's process_view must have run before it, or a
    # forged proposal would reach the view.
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/annuaire/proposer/", {"name": "Forged"})
    assert response.status_code == 403


def test_middleware_is_last_and_replaces_atomic_requests():
    # Last, so that every other process_view (CSRF, authentication by token) runs first.
    from django.conf import settings

    assert settings.MIDDLEWARE[-1] == "passerelles.core.transactions.AtomicWritesMiddleware"
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is False
