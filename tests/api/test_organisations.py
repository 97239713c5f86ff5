"""API v1: organisations, filtered like the directory, with readable errors."""

import pytest

from passerelles.actors.enums import Family, Status
from passerelles.vocab.models import SdgGoal, Theme
from tests.actors.factories import (
    AbroadOrganisationFactory,
    OrganisationFactory,
    change_organisation,
)

pytestmark = pytest.mark.django_db
LIST = "/api/v1/organisations"
ITEM_KEYS = {
    "id",
    "slug",
    "name",
    "family",
    "is_ess",
    "is_si",
    "commune",
    "department",
    "country",
    "lat",
    "lon",
    "themes",
    "url",
}


@pytest.fixture
def orgs():
    sante = Theme.objects.get(slug="sante")
    return {
        "blois": OrganisationFactory(name="Santé Blois", themes=[sante], is_ess=True),
        "tours": OrganisationFactory(
            name="Coop Tours", commune_id="37261", family=Family.ESS_ENTERPRISE, is_si=False
        ),
        "abroad": AbroadOrganisationFactory(name="Union de Koudougou"),
        "draft": OrganisationFactory(name="Brouillon", status=Status.DRAFT),
    }


def test_list_schema_and_published_only(client, orgs):
    data = client.get(LIST).json()
    assert data["count"] == 3
    assert {item["name"] for item in data["items"]} == {
        "Santé Blois",
        "Coop Tours",
        "Union de Koudougou",
    }
    item = next(i for i in data["items"] if i["name"] == "Santé Blois")
    assert set(item) == ITEM_KEYS
    assert item["commune"] == "Blois"
    assert item["department"] == "41"
    assert item["country"] == "FR"
    assert item["themes"] == ["sante"]
    assert item["is_ess"] is True
    assert item["url"] == f"http://testserver/annuaire/{orgs['blois'].slug}/"
    abroad = next(i for i in data["items"] if i["name"] == "Union de Koudougou")
    assert abroad["commune"] is None and abroad["country"] == "BF"
    assert abroad["lat"] == pytest.approx(12.3657)


@pytest.mark.parametrize(
    "params, names",
    [
        ({"family": "ess_enterprise"}, {"Coop Tours"}),
        ({"department": "37"}, {"Coop Tours"}),
        ({"country": "BF"}, {"Union de Koudougou"}),
        ({"theme": "sante"}, {"Santé Blois"}),
        ({"ess": "true"}, {"Santé Blois"}),
        ({"si": "false"}, {"Coop Tours"}),
        ({"side": "there"}, {"Union de Koudougou"}),
        ({"q": "koudougou"}, {"Union de Koudougou"}),
        ({"q": "santé", "department": "41"}, {"Santé Blois"}),
    ],
)
def test_filters(client, orgs, params, names):
    data = client.get(LIST, params).json()
    assert {i["name"] for i in data["items"]} == names
    assert data["count"] == len(names)


def test_pagination(client):
    OrganisationFactory.create_batch(55)
    first = client.get(LIST).json()
    assert first["count"] == 55 and len(first["items"]) == 50
    second = client.get(LIST, {"page": 2}).json()
    assert len(second["items"]) == 5
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    assert client.get(LIST, {"page": 3}).json()["items"] == []


@pytest.mark.parametrize(
    "params, message",
    [
        ({"family": "unknown"}, "« family »"),
        ({"page": "0"}, "supérieur ou égal à 1"),
        ({"page": "abc"}, "nombre entier"),
        ({"page": "999999999999999999999"}, "inférieur ou égal à 100000"),
        ({"department": "99x"}, "Département inconnu : « 99x »."),
        ({"country": "ZZ"}, "Pays inconnu : « ZZ »"),
        ({"theme": "nope"}, "Thème inconnu : « nope »."),
        ({"ess": "peut-être"}, "« ess »"),
        ({"sdg": "18"}, "« sdg »"),
    ],
)
def test_invalid_parameters_are_4xx_with_french_message(client, params, message):
    response = client.get(LIST, params)
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"detail"}
    assert message in response.json()["detail"]


def test_detail(client, orgs):
    org = orgs["blois"]
    change_organisation(org, sdgs=[SdgGoal.objects.get(code=3)], countries_of_action=["SN", "ML"])
    data = client.get(f"{LIST}/{org.pk}").json()
    assert ITEM_KEYS <= set(data)
    assert data["sdgs"] == [3]
    assert sorted(data["countries_of_action"]) == ["ML", "SN"]
    assert data["description"] == org.description


def test_detail_404_for_unpublished_and_unknown(client, orgs):
    for pk in (orgs["draft"].pk, 999999):
        response = client.get(f"{LIST}/{pk}")
        assert response.status_code == 404
        assert response.json() == {"detail": "Ressource introuvable."}


def test_openapi_lists_the_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/organisations" in schema["paths"]
    assert "/api/v1/organisations/{organisation_id}" in schema["paths"]
    names = {p["name"] for p in schema["paths"]["/api/v1/organisations"]["get"]["parameters"]}
    assert {"q", "family", "department", "country", "theme", "ess", "si", "page"} <= names


def test_no_n_plus_one(client, django_assert_max_num_queries):
    themes = list(Theme.objects.all()[:3])
    OrganisationFactory.create_batch(40, themes=themes)
    # The first request after an edit reads the directory's filter columns (six queries, once
    # per process and edit: decisions §42); they are not part of a list's cost.
    client.get(LIST, {"theme": themes[1].slug})
    # Four referential lists for validation, count, page, themes: not one query per item.
    with django_assert_max_num_queries(10):
        data = client.get(LIST, {"theme": themes[0].slug}).json()
    assert data["count"] == 40
    org = OrganisationFactory(themes=themes)
    with django_assert_max_num_queries(6):
        client.get(f"{LIST}/{org.pk}")
