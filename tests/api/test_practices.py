"""GET /api/v1/practices: published sheets for everyone, a person's own proposals too, every
sheet for staff; the list's filters; errors in French."""

import pytest

from passerelles.practices.enums import SheetStatus
from tests.actors.contribution_helpers import client_for
from tests.actors.factories import OrganisationFactory
from tests.practices.factories import make_sheet

pytestmark = pytest.mark.django_db

URL = "/api/v1/practices"
ROLES = ["visitor", "member", "other_member", "partner_abroad", "staff", "admin"]


@pytest.fixture
def clients():
    org = OrganisationFactory()
    return {role: client_for(role, org) for role in ROLES}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_which_sheets(role, clients):
    client, _user = clients[role]
    author = clients["member"][1]
    make_sheet(title="Publiée")
    make_sheet(by=author, title="Proposée")
    refused = make_sheet(by=author, title="Refusée")
    from passerelles.core.history import Origin
    from passerelles.practices import actions

    actions.refuse(refused, "Trop vague.", origin=Origin())
    body = client.get(URL).json()
    titles = sorted(item["title"] for item in body["items"])
    if role in ("staff", "admin", "member"):
        assert titles == ["Proposée", "Publiée", "Refusée"]
    else:
        assert titles == ["Publiée"]
    assert body["count"] == len(titles)


def test_items_and_filters(client, db):
    make_sheet(
        title="Pompe solaire",
        what_was_done="<p>Une <strong>pompe</strong>.</p>",
        cost_amount=1500,
        cost_currency="EUR",
    )
    make_sheet(
        title="Épargne",
        side="here",
        themes=("economie-ess",),
        what_was_done="<p>Une caisse commune.</p>",
    )
    [item] = client.get(URL, {"q": "pompes"}).json()["items"]
    assert item["what_was_done"] == "Une pompe."
    assert item["cost"] == {"amount": 1500, "currency": "EUR", "text": ""}
    assert item["status"] == SheetStatus.PUBLISHED and item["themes"] == ["eau-assainissement"]
    assert item["url"].endswith(f"/pratiques/{item['slug']}/")
    assert [i["title"] for i in client.get(URL, {"side": "here"}).json()["items"]] == ["Épargne"]
    assert client.get(URL, {"country": "bf"}).json()["count"] == 1
    assert client.get(URL, {"theme": "economie-ess"}).json()["count"] == 1


def test_bad_parameters_answer_422_in_french(client, db):
    response = client.get(URL, {"side": "ailleurs"})
    assert response.status_code == 422 and "side" in response.json()["detail"]
    assert client.get(URL, {"page": "0"}).status_code == 422


def test_the_list_costs_a_fixed_number_of_queries(client, db, django_assert_max_num_queries):
    for n in range(5):
        make_sheet(title=f"Fiche {n}")
    with django_assert_max_num_queries(8):
        assert client.get(URL).json()["count"] == 5
