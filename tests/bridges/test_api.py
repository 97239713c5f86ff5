"""API: suggestions for an organisation and for a need, with reasons; French 404/422."""

import pytest

from passerelles.actors.enums import Status

pytestmark = pytest.mark.django_db


def test_organisation_suggestions(client, directory):
    burkina = directory["burkina"]
    response = client.get(f"/api/v1/organisations/{burkina.pk}/suggestions?limit=3")
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 3
    first = items[0]
    assert set(first["organisation"]) >= {"id", "name", "slug", "url"}
    assert first["organisation"]["url"].startswith("http://testserver/annuaire/")
    assert first["score"] > 0 and first["reasons"]
    assert burkina.pk not in [i["organisation"]["id"] for i in items]


def test_other_world_parameter(client, directory):
    eauvive = directory["eauvive"]
    response = client.get(
        f"/api/v1/organisations/{eauvive.pk}/suggestions?other_world=true&limit=50"
    )
    ids = {i["organisation"]["id"] for i in response.json()["items"]}
    ess = {o.pk for o in directory.values() if o.is_ess}
    assert ids and ids <= ess


def test_need_suggestions(client, directory):
    response = client.post(
        "/api/v1/suggestions",
        {
            "need": "une coopérative maraîchère pour accueillir des stagiaires burkinabè",
            "limit": 3,
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    names = [i["organisation"]["name"] for i in response.json()["items"]]
    assert directory["cocagne"].name in names


def test_unknown_or_unpublished_organisation_is_a_french_404(client, directory):
    assert client.get("/api/v1/organisations/999999/suggestions").json() == {
        "detail": "Organisation introuvable ou non publiée."
    }
    draft = directory["draft"]
    assert draft.status == Status.DRAFT
    response = client.get(f"/api/v1/organisations/{draft.pk}/suggestions")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "payload",
    [{"need": "   "}, {"need": "x" * 5000}, {"limit": 3}, {"need": "eau", "limit": 0}],
)
def test_bad_need_is_a_french_422(client, db, payload):
    response = client.post("/api/v1/suggestions", payload, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"]


def test_bad_limit_is_a_422(client, directory):
    org = directory["cocagne"]
    response = client.get(f"/api/v1/organisations/{org.pk}/suggestions?limit=500")
    assert response.status_code == 422
