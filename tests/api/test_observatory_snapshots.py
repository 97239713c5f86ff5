"""The observatory's frozen years in the API, for each role."""

import pytest

from passerelles.observatory import actions
from passerelles.observatory.registry import REGISTRY
from tests.observatory.conftest import build_network
from tests.observatory.snapshot_helpers import give_a_past
from tests.users.factories import (
    AdminFactory,
    MembershipFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
STAFF_ONLY = {key for key, ind in REGISTRY.items() if ind.staff_only}


def member():
    user = UserFactory()
    MembershipFactory(user=user)
    return user


ROLES = {
    "visitor": (None, False),
    "member": (member, False),
    "partner abroad": (PartnerAbroadFactory, False),
    "staff": (StaffFactory, True),
    "admin": (AdminFactory, True),
}


@pytest.fixture
def frozen(db):
    network = give_a_past(build_network())
    actions.freeze_year(2024, by=StaffFactory(full_name="Awa Diallo"))
    actions.freeze_year(2025, by=StaffFactory(full_name="Awa Diallo"))
    return network


def test_the_list_is_empty_before_any_freezing(client, db):
    assert client.get("/api/v1/observatory/snapshots").json() == {"count": 0, "items": []}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_the_frozen_years(client, frozen, role):
    make, sees_staff = ROLES[role]
    if make:
        client.force_login(make())
    listed = client.get("/api/v1/observatory/snapshots").json()
    assert listed["count"] == 2
    assert [item["year"] for item in listed["items"]] == [2025, 2024]
    assert listed["items"][0]["url"] == "http://testserver/api/v1/observatory/snapshots/2025"
    assert listed["items"][0]["page_url"] == "http://testserver/observatoire/?year=2025"
    detail = client.get("/api/v1/observatory/snapshots/2025").json()
    assert detail["year"] == 2025 and detail["frozen_by"] == "Awa Diallo"
    keys = {item["key"] for item in detail["indicators"]}
    assert (STAFF_ONLY <= keys) is sees_staff
    if not sees_staff:
        assert not STAFF_ONLY & keys
    sides = next(i for i in detail["indicators"] if i["key"] == "actors_by_side")
    assert {r["code"]: r["values"]["total"] for r in sides["rows"]} == {"here": 3, "there": 2}
    assert sides["name"] == "Acteurs ici et là-bas"
    # Amounts stay exact: decimal strings, never floats.
    funding = next(i for i in detail["indicators"] if i["key"] == "funding_by_funder_type")
    assert funding["rows"] and all(isinstance(r["values"]["amount"], str) for r in funding["rows"])


def test_the_tables_in_english(client, frozen):
    detail = client.get("/api/v1/observatory/snapshots/2025", HTTP_ACCEPT_LANGUAGE="en").json()
    sides = next(i for i in detail["indicators"] if i["key"] == "actors_by_side")
    assert sides["category"] == "Side"


def test_an_unknown_year_answers_404_in_words(client, frozen):
    response = client.get("/api/v1/observatory/snapshots/2019")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "L'année 2019 n'est pas figée. La liste des années figées est à "
        "/api/v1/observatory/snapshots."
    }
    assert client.get("/api/v1/observatory/snapshots/deux-mille").status_code == 404


def test_the_operations_are_documented(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/observatory/snapshots" in paths
    assert "404" in paths["/api/v1/observatory/snapshots/{year}"]["get"]["responses"]
