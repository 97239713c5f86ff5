"""API v1: the observatory's indicators, per role, per filter, with readable errors."""

import datetime

import pytest
from django.utils import timezone

from passerelles.actors.models import Organisation
from passerelles.core import door
from passerelles.observatory.registry import REGISTRY
from tests.actors.factories import OrganisationFactory
from tests.observatory.conftest import build_network
from tests.users.factories import (
    AdminFactory,
    MembershipFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/observatory/indicators"
STAFF_ONLY = {key for key, ind in REGISTRY.items() if ind.staff_only}
PUBLIC = [key for key, ind in REGISTRY.items() if not ind.staff_only]


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
def network(db):
    network = build_network()
    with door.inside():  # arranging the test's data: recorded in January 2025
        Organisation.objects.update(created_at=timezone.make_aware(datetime.datetime(2025, 1, 5)))
    return network


def items(response) -> dict:
    assert response.status_code == 200, response.content
    return {item["key"]: item for item in response.json()["items"]}


def rows(item) -> dict:
    return {row["code"]: row["values"] for row in item["table"]["rows"]}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_public_indicators_and_only_staff_theirs(client, network, role):
    make, sees_staff = ROLES[role]
    if make:
        client.force_login(make())
    got = items(client.get(URL))
    assert [key for key in got if key not in STAFF_ONLY] == PUBLIC
    assert (STAFF_ONLY <= set(got)) is sees_staff
    assert not (STAFF_ONLY & set(got)) or sees_staff
    # The published records only, whoever asks (a4 is pending; a member's own organisation
    # is one more here).
    here = rows(got["actors_by_side"])["here"]["total"]
    assert here == (4 if role == "member" else 3)
    response = client.get(URL, {"indicator": "records_by_status"})
    assert response.status_code == (200 if sees_staff else 422)


def test_an_indicator_has_its_definition_and_its_table(client, network):
    # a1, a2, a3 here, b1, b2 there; a4 is pending.
    got = items(client.get(URL, {"indicator": "actors_by_side"}))
    assert rows(got["actors_by_side"]) == {"here": {"total": 3}, "there": {"total": 2}}
    data = client.get(URL, {"indicator": "funding_by_funder_type"}).json()
    assert data["filters"] == {} and data["frozen"] is False
    [item] = data["items"]
    assert item["key"] == "funding_by_funder_type"
    assert item["section"] == "funding"
    assert item["name"] == "Financements par type de financeur"
    assert item["formula"] and item["counts"] and item["leaves_out"]
    assert item["unit"] == "eur"
    assert item["filters"] == ["year", "department", "country", "theme"]
    assert item["staff_only"] is False
    assert item["table"]["category"] == "Type de financeur"
    assert item["table"]["columns"][0] == {"key": "amount", "label": "montant (€)", "unit": "eur"}
    # Outside the directory: Ministère 20,000 (p1), AFD 60,000, USAID in USD (not summed).
    assert rows(item)["outside"] == {"amount": 80000.0, "lines": 3, "projects": 2}
    assert rows(item)["local_authority"] == {"amount": 5000.0, "lines": 1, "projects": 1}


def test_the_year_alone_reads_the_year_results(client, network):
    data = client.get(URL, {"year": "2025"}).json()
    assert data["filters"] == {"year": 2025}
    assert data["frozen"] is False  # no snapshot of 2025
    got = {item["key"]: item for item in data["items"]}
    # Running during 2025: p1 and p2 (completed on 1 December); p4 starts in 2026.
    status = rows(got["projects_by_status"])
    assert (status["running"]["projects"], status["completed"]["projects"]) == (1, 1)
    assert rows(got["funding_by_funder_type"])["outside"]["amount"] == 60000.0
    # Nothing of the network was recorded in 1990.
    old = items(client.get(URL, {"year": 1990, "indicator": "actors_by_side"}))
    assert rows(old["actors_by_side"]) == {"here": {"total": 0}, "there": {"total": 0}}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # Seated in 41: a1 (a4 is pending).
        ({"department": "41"}, {"here": {"total": 1}, "there": {"total": 0}}),
        # Seated in or acting in Mali: b2 there, a3 here (declares ML); lower case accepted.
        ({"country": "ml"}, {"here": {"total": 1}, "there": {"total": 1}}),
        ({"year": 2025, "department": "37"}, {"here": {"total": 1}, "there": {"total": 0}}),
    ],
)
def test_each_filter_narrows_the_figures(client, network, filters, expected):
    got = items(client.get(URL, {**filters, "indicator": "actors_by_side"}))
    assert rows(got["actors_by_side"]) == expected


def test_the_theme_filter(client, network):
    t1, t2 = network.themes
    # p2 carries both themes, p1 the first only.
    got = items(client.get(URL, {"theme": t2.slug, "indicator": "projects_by_theme"}))
    assert rows(got["projects_by_theme"]) == {
        t1.slug: {"projects": 1},
        t2.slug: {"projects": 1},
    }
    assert client.get(URL, {"theme": t1.slug}).json()["filters"] == {"theme": t1.slug}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "deux-mille"}, "Le paramètre « year » doit être un nombre entier"),
        ({"year": 1800}, "Le paramètre « year » doit être supérieur ou égal à 1990"),
        ({"year": 2200}, "Le paramètre « year » doit être inférieur ou égal à 2100"),
        (
            {"department": "75"},
            "Le paramètre « department » : « 75 » n'est pas un département de la région",
        ),
        ({"country": "zz"}, "Le paramètre « country » : « ZZ » n'est pas un code de pays connu"),
        ({"theme": "licornes"}, "Le paramètre « theme » : « licornes » n'est pas un thème connu"),
        ({"indicator": "nope"}, "« nope » n'est pas un indicateur de l'observatoire."),
        # Staff-only indicators do not exist for a visitor.
        ({"indicator": "records_by_status"}, "n'est pas un indicateur de l'observatoire"),
    ],
)
def test_bad_input_is_a_clear_422(client, db, params, message):
    response = client.get(URL, params)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_errors_in_english(client, db):
    response = client.get(URL, {"department": "75"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Parameter “department”: “75” is not a department")


def test_labels_follow_the_language(client, network):
    got = items(client.get(URL, {"indicator": "projects_by_country"}, HTTP_ACCEPT_LANGUAGE="en"))
    table = got["projects_by_country"]["table"]
    assert table["category"] == "Countries"
    assert {row["code"]: row["label"] for row in table["rows"]} == {
        "BF": "Burkina Faso",
        "ML": "Mali",
    }


def test_the_number_of_queries_does_not_grow_with_the_records(
    client, network, django_assert_max_num_queries
):
    client.force_login(StaffFactory())
    client.get(URL)  # sessions, caches and referentials warmed
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from passerelles.core import fragments

    # Both measured requests compute the figures (none kept from the request before).
    fragments.cache().clear()
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    for index in range(15):
        OrganisationFactory(name=f"Nouvelle {index}", commune_id="37261")
    fragments.cache().clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(URL).status_code == 200
    # And a bound: a few queries per indicator, whatever the data.
    assert len(small.captured_queries) <= 4 * len(REGISTRY) + 10
