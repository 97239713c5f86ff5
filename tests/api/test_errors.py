"""What the schemathesis run found (tests/api/test_schemathesis.py), one plain test each: the
errors every operation declares, JSON for unknown API addresses, and inputs that answered a 500
or were cut silently."""

import json

import pytest
from django.test import Client

from passerelles.api.api import api
from passerelles.cooperation import services
from passerelles.cooperation.forms import VersionForm
from passerelles.cooperation.models import Action, Contribution, PurposeVersion
from passerelles.users.models import ApiToken
from tests.cooperation.factories import adopted, world

pytestmark = pytest.mark.django_db


ELSEWHERE: set[tuple[str, str]] = set()


def test_every_operation_declares_its_error_answers():
    document = api.get_openapi_schema()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if (method, path) in ELSEWHERE:
                continue
            responses = {str(code): answer for code, answer in operation["responses"].items()}
            # Control characters (400) and a bad token (401) can reach any operation; a write
            # also fails the CSRF check with the session cookie (403) and is throttled for a
            # client without an account (429).
            expected = {"400", "401"} | ({"403", "429"} if method != "get" else set())
            assert expected <= set(responses), (method, path)
            for code, response in responses.items():
                if code.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)


def test_an_address_under_the_api_that_no_operation_serves_answers_json(client):
    # Letters where the organisation's number goes: no route matches.
    response = client.get("/api/v1/organisations/douze")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Ressource introuvable."}
    # The site keeps its page.
    page = client.get("/annuaire/rien/ni/personne/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.fixture
def w():
    w = world()
    adopted(w)
    return w


def _post(w, path, body):
    _token, key = ApiToken.issue(w.lead_user, "test")
    # A 500 is answered, not raised, as in production.
    client = Client(raise_request_exception=False)
    return client.post(
        f"/api/v1/cooperation/spaces/{w.space.project.slug}{path}",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


@pytest.mark.parametrize("value", ["1e20", "12.345", "99999999999"])
def test_a_contribution_the_ledger_cannot_hold_is_refused(w, value):
    # 1e20 answered 500 on PostgreSQL (numeric field overflow) and was stored on SQLite.
    body = {
        "giver_member_id": w.lead.pk,
        "receiver_member_id": w.partner.pk,
        "kind": "money",
        "value_eur": value,
        "description": "Semences",
    }
    response = _post(w, "/contributions", body)
    assert response.status_code == 422
    assert "payload.value_eur" in response.json()["detail"]
    assert not Contribution.objects.exists()


def test_an_action_title_too_long_is_refused_not_cut(w):
    # The service used to keep the first 200 characters without a word.
    body = {"objective": 0, "title": "M" * 280, "lead_member_id": w.lead.pk}
    response = _post(w, "/actions", body)
    assert response.status_code == 422
    assert "« payload.title » doit compter 200 caractères au plus" in response.json()["detail"]
    assert not Action.objects.exists()


def test_an_objective_too_long_is_refused_not_cut(w):
    body = {"text": "Une raison d'être.", "objectives": ["Former " * 50]}
    response = _post(w, "/versions", body)
    assert response.status_code == 422
    assert "payload.objectives.0" in response.json()["detail"]
    assert PurposeVersion.objects.count() == 1


def test_the_services_refuse_what_they_used_to_cut(w):
    with pytest.raises(services.CooperationError, match="« Intitulé » compte 280 caractères"):
        services.add_action(w.space, w.lead, w.lead, 0, "M" * 280, w.lead_user)
    with pytest.raises(services.CooperationError, match="pour 300 au plus"):
        services.new_version(w.space, "Texte", ["Former " * 50], w.lead_user, member=w.lead)
    with pytest.raises(services.CooperationError, match="dix milliards"):
        services.add_contribution(
            w.space, w.lead, w.lead, w.partner, "money", 10**12, "Semences", w.lead_user
        )
    assert not Action.objects.exists() and not Contribution.objects.exists()


def test_the_version_form_refuses_an_objective_too_long(w):
    data = {"member": w.lead.pk, "text": "Texte", "objectives": "Court\n" + "Former " * 50}
    form = VersionForm(data, members=[w.lead])
    assert not form.is_valid()
    assert form.errors["objectives"] == [
        "L'objectif n° 2 compte 349 caractères pour 300 au plus : raccourcissez-le ou "
        "partagez-le en deux lignes."
    ]
