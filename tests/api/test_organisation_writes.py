"""Writing organisations through the API: the web's rules, the door's history and moderation,
and the web's permissions, role by role."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation, Proposal
from passerelles.core.history import ChangeSource
from passerelles.users.models import ApiToken
from tests.actors.contribution_helpers import client_for
from tests.actors.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/organisations"
BODY = {
    "name": "Coopérative des Semences Paysannes",
    "family": "ess_enterprise",
    "commune": "Vendôme",
    "postcode": "41100",
    "description": "Nous **produisons** des semences.\n\nEt nous formons.",
    "offers": "<b>Formations</b> en sélection paysanne",
    "themes": ["agriculture"],
    "sdgs": [2],
    "countries_of_action": ["bf"],
}


def _post(client, body=BODY, **headers):
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def _patch(client, org, body, **headers):
    return client.patch(
        f"{URL}/{org.pk}", json.dumps(body), content_type="application/json", **headers
    )


@pytest.mark.parametrize("role", ["visitor", "member", "partner_abroad", "staff", "admin"])
def test_creation_by_role(role):
    client, _user = client_for(role, OrganisationFactory())
    before = Organisation.objects.count()
    response = _post(client)
    if role == "visitor":
        assert response.status_code == 401 and "Authentification" in response.json()["detail"]
        assert Organisation.objects.count() == before
        return
    assert response.status_code == 201, response.json()
    org = Organisation.objects.get(pk=response.json()["id"])
    record = org.history.get()
    assert record.source == ChangeSource.API and record.action == "created"
    assert org.commune_id == "41269" and org.department_id == "41" and org.side == "here"
    assert org.description == (
        "<p>Nous <strong>produisons</strong> des semences.</p>\n<p>Et nous formons.</p>"
    )
    assert org.offers == "Formations en sélection paysanne"  # plain text: no tag kept
    assert [t.slug for t in org.themes.all()] == ["agriculture"]
    if role in ("staff", "admin"):
        assert org.status == Status.PUBLISHED and response.json()["status"] == "published"
        assert not org.proposals.exists()
    else:
        # Waits for moderation, in the staff's queue, like a proposal from the web form.
        assert org.status == Status.PENDING and response.json()["status"] == "pending"
        proposal = Proposal.objects.pending().get(organisation=org)
        assert proposal.kind == "create"
        staff, _staff_user = client_for("staff", org)
        queue = staff.get(reverse("actors:moderation")).content.decode()
        assert BODY["name"] in queue


def test_creation_with_a_token_and_bad_values_answers_in_french():
    client, user = client_for("member", OrganisationFactory())
    client.logout()
    _token, key = ApiToken.issue(user, "script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    for body, expected in (
        ({**BODY, "siren": "123456789"}, "SIREN"),
        ({**BODY, "commune": "Atlantis"}, "Commune inconnue"),
        ({**BODY, "themes": ["pirates"]}, "Thème inconnu"),
        ({**BODY, "country": "SN", "commune": ""}, "localité"),
        ({**BODY, "description": "<script>alert(1)</script>"}, "code"),
    ):
        response = _post(Client(), body, **auth)
        assert response.status_code == 422, body
        assert expected in response.json()["detail"], response.json()
    assert not Organisation.objects.filter(name=BODY["name"]).exists()
    assert _post(Client(), BODY, **auth).status_code == 201


@pytest.mark.parametrize(
    "role", ["visitor", "member", "other_member", "partner_abroad", "staff", "admin"]
)
def test_patch_by_role(role):
    org = OrganisationFactory(name="Maison des Solidarités", phone="")
    client, user = client_for(role, org)
    response = _patch(client, org, {"phone": "02 54 00 00 00", "sdgs": [4, 5]})
    org.refresh_from_db()
    if role == "visitor":
        assert response.status_code == 401
    elif role in ("other_member", "partner_abroad"):
        assert response.status_code == 403 and "correction" in response.json()["detail"]
    else:
        assert response.status_code == 200, response.json()
        assert org.phone == "02 54 00 00 00"
        assert sorted(g.code for g in org.sdgs.all()) == [4, 5]
        record = org.history.exclude(source=ChangeSource.SYSTEM).get()
        assert record.source == ChangeSource.API and record.user == user
        assert set(record.changes) == {"phone", "sdgs"}
        return
    assert org.phone == "" and not org.history.exclude(source=ChangeSource.SYSTEM).exists()


def test_patch_of_an_unpublished_organisation_is_hidden_from_others():
    org = OrganisationFactory(status=Status.PENDING)
    client, _user = client_for("other_member", OrganisationFactory())
    assert _patch(client, org, {"phone": "1"}).status_code == 404


def test_a_patch_that_changes_nothing_writes_no_history():
    org = OrganisationFactory(phone="02 54 00 00 00")
    client, _user = client_for("staff", org)
    assert _patch(client, org, {"phone": "02 54 00 00 00"}).status_code == 200
    assert not org.history.exclude(source=ChangeSource.SYSTEM).exists()
