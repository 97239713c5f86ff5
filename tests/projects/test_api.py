"""The projects API: list with the page's filters, one project, and writes through the
editor's forms (the permission rules are in test_permissions.py)."""

import json

import pytest

from passerelles.projects.models import Project
from passerelles.users.models import ApiToken
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.projects.factories import linked_project
from tests.users.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_list_filters_and_paginates(client, django_assert_max_num_queries):
    for i in range(3):
        linked_project(title=f"Eau {i}")
    senegal = AbroadOrganisationFactory(country_id="SN", locality="Thiès")
    linked_project(title="Santé", partner=senegal)
    with django_assert_max_num_queries(12):
        data = client.get("/api/v1/projects", {"country": "SN"}).json()
    assert data["count"] == 1
    item = data["items"][0]
    assert (
        item["title"] == "Santé" and item["countries"] == ["SN"] and item["departments"] == ["41"]
    )
    assert client.get("/api/v1/projects", {"q": "eau"}).json()["count"] == 3
    error = client.get("/api/v1/projects", {"country": "ZZ"})
    assert error.status_code == 422 and "Pays inconnu" in error.json()["detail"]
    assert client.get("/api/v1/projects", {"page": 0}).status_code == 422


def test_detail_and_hidden_projects(client):
    project = linked_project(title="Public")
    data = client.get(f"/api/v1/projects/{project.pk}").json()
    assert {p["role"] for p in data["participations"]} == {"lead", "partner_there"}
    assert {p["side"] for p in data["places"]} == {"here", "there"}
    draft = linked_project(status="draft")
    response = client.get(f"/api/v1/projects/{draft.pk}")
    assert response.status_code == 404 and response.json()["detail"]


def test_create_and_patch_with_a_token(client):
    user = UserFactory()
    own = OrganisationFactory(name="Terres Vivantes")
    MembershipFactory(user=user, organisation=own)
    partner = AbroadOrganisationFactory()
    _token, key = ApiToken.issue(user, "script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    body = {
        "title": "Maraîchage à Ouagadougou",
        "project_status": "running",
        "start_date": "2025-03-01",
        "themes": ["agriculture"],
        "sdg_targets": ["2.3"],
        "participations": [
            {"organisation": own.pk, "role": "lead"},
            {"organisation": partner.pk, "role": "partner_there"},
        ],
        "places": [
            {"side": "here", "commune": "41018"},
            {"side": "there", "country": "BF", "locality": "Ouagadougou"},
        ],
        "funding_lines": [{"funder_name": "AFD", "amount": "12000.50", "year": 2025}],
    }
    response = client.post(
        "/api/v1/projects", json.dumps(body), content_type="application/json", **auth
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["themes"] == ["agriculture"] and data["sdg_targets"] == ["2.3"]
    assert data["funding_lines"][0]["amount"] in ("12000.50", 12000.5)
    project = Project.objects.get(pk=data["id"])
    assert project.history.count() == 1

    # PATCH: only what is given changes; a given list replaces the whole list.
    response = client.patch(
        f"/api/v1/projects/{project.pk}",
        json.dumps({"summary": "Des jardins", "funding_lines": []}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert project.summary == "Des jardins" and project.title == "Maraîchage à Ouagadougou"
    assert project.funding_lines.count() == 0 and project.participations.count() == 2
    assert project.history.count() == 2

    # Bad input: the editor's French messages, nothing written.
    for bad, message in (
        ({"end_date": "2020-01-01"}, "précède son début"),
        ({"themes": ["inconnu"]}, "Thème inconnu"),
        ({"places": [{"side": "here", "commune": "Nullepart"}]}, "Commune inconnue"),
    ):
        response = client.patch(
            f"/api/v1/projects/{project.pk}",
            json.dumps(bad),
            content_type="application/json",
            **auth,
        )
        assert response.status_code == 422 and message in response.json()["detail"]
    assert project.history.count() == 2
