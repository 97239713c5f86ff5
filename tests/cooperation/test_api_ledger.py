"""Names and optional values of the API as docs/cooperation.md gives them: the answer
"abstention" (the former "stand_aside" still accepted on input), and an estimated value in
euros required for money only — on the API and on the page alike."""

from decimal import Decimal

import pytest
from django.urls import reverse

from passerelles.cooperation import services
from passerelles.cooperation.enums import Answer, LogKind
from passerelles.cooperation.models import Contribution, DecisionLogEntry, Response
from tests.cooperation.api_roles import base
from tests.cooperation.factories import adopted, first_version, world

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def w():
    return world()


@pytest.mark.parametrize("sent", ["abstention", "stand_aside"])
def test_an_abstention_is_called_abstention_and_the_old_name_still_works(client, w, sent):
    rnd = services.open_round(first_version(w), w.lead_user)
    client.force_login(w.partner_user)
    response = client.post(
        base(w) + f"/rounds/{rnd.pk}/answers", {"answer": sent}, content_type=JSON
    )
    assert response.status_code == 201 and response.json()["answer"] == "abstention"
    assert Response.objects.get().answer == Answer.ABSTENTION
    listed = client.get(base(w) + f"/rounds/{rnd.pk}/answers").json()
    assert [a["answer"] for a in listed] == ["abstention"]


def test_the_schema_names_the_answers_and_the_deprecated_alias(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    answer_in = schema["AnswerValue"]["enum"]
    assert answer_in == ["consent", "objection", "abstention", "withdrawn", "stand_aside"]
    assert "déprécié" in schema["AnswerIn"]["properties"]["answer"]["description"]
    assert "stand_aside" not in str(schema["AnswerOut"]) and "abstention" in str(schema)


def test_an_unknown_answer_is_a_422_listing_the_answers(client, w):
    rnd = services.open_round(first_version(w), w.lead_user)
    client.force_login(w.partner_user)
    response = client.post(
        base(w) + f"/rounds/{rnd.pk}/answers", {"answer": "peut-être"}, content_type=JSON
    )
    assert response.status_code == 422
    assert "'abstention'" in response.json()["detail"]
    assert not Response.objects.exists()


def _gift(client, w, **fields):
    body = {
        "giver_member_id": w.partner.pk,
        "receiver_member_id": w.lead.pk,
        "kind": "knowledge",
        "description": "Sélection paysanne des sorghos",
        **fields,
    }
    return client.post(base(w) + "/contributions", body, content_type=JSON)


def test_knowledge_needs_no_value(client, w):
    adopted(w)
    client.force_login(w.partner_user)
    response = _gift(client, w)
    assert response.status_code == 201
    assert Decimal(str(response.json()["value_eur"])) == 0
    assert Contribution.objects.get().value_eur == 0
    # The log does not pretend a price nobody gave.
    entry = DecisionLogEntry.objects.get(kind=LogKind.CONTRIBUTION)
    assert entry.summary == "Union paysanne du Yatenga → Terres Solidaires Blois : savoirs."


def test_money_needs_its_amount_in_words(client, w):
    adopted(w)
    client.force_login(w.partner_user)
    response = _gift(client, w, kind="money")
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Le paramètre « value_eur » est obligatoire pour une contribution en argent "
        "(kind = money) : indiquez son montant en euros."
    )
    assert not Contribution.objects.exists()
    paid = _gift(client, w, kind="money", value_eur="250.50")
    assert paid.status_code == 201
    assert Contribution.objects.get().value_eur == Decimal("250.50")


def test_the_write_itself_refuses_money_without_an_amount(w):
    with pytest.raises(services.InvalidInput, match="indiquez sa valeur estimée en euros"):
        services.add_contribution(
            w.space, w.partner, w.partner, w.lead, "money", None, "Don", w.partner_user
        )


def test_the_page_asks_an_amount_for_money_only(client, w):
    client.force_login(w.partner_user)
    page = reverse("cooperation:contribution_create", kwargs={"slug": w.space.project.slug})
    form = {
        "member": w.partner.pk,
        "giver": w.partner.pk,
        "receiver": w.lead.pk,
        "kind": "money",
        "value_eur": "",
        "description": "Achat de semences",
    }
    response = client.post(page, form)
    assert response.status_code == 200
    assert "indiquez sa valeur estimée en euros" in response.content.decode()
    assert not Contribution.objects.exists()
    assert client.post(page, {**form, "kind": "hosting"}).status_code == 302
    assert Contribution.objects.get().value_eur == 0


def test_answers_stored_under_the_old_name_are_renamed_by_the_migration(w):
    """Rounds answered before the rename read "abstention" afterwards (and back again if the
    migration is reversed)."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("passerelles.cooperation.migrations.0005_answer_abstention")
    rnd = services.open_round(first_version(w), w.lead_user)
    old = Response.objects.create(round=rnd, member=w.partner, answer="stand_aside")
    kept = Response.objects.create(round=rnd, member=w.lead, answer="consent")
    migration.forwards(apps, None)
    assert Response.objects.get(pk=old.pk).answer == Answer.ABSTENTION
    assert Response.objects.get(pk=kept.pk).answer == Answer.CONSENT
    migration.backwards(apps, None)
    assert Response.objects.get(pk=old.pk).answer == "stand_aside"
