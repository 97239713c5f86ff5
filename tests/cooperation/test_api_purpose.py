"""API v1 of a space's purpose: statements and their ratings, amendments integrated or set
aside, for every role (tests/cooperation/api_roles.py)."""

import pytest

from passerelles.cooperation import services
from passerelles.cooperation.enums import AmendmentStatus, RoundStatus
from passerelles.cooperation.models import (
    Amendment,
    DecisionLogEntry,
    PurposeVersion,
    Statement,
    StatementVote,
)
from tests.cooperation.api_roles import (
    READING,
    ROLES,
    TAKING_PART,
    as_role,
    base,
    refused,
    token,
)
from tests.cooperation.factories import first_version, world

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def w():
    return world()


# -- statements ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_members_here_and_there_write_statements_others_are_refused(client, w, role):
    c = as_role(client, w, role)
    response = c.post(
        base(w) + "/statements", {"text": "Les semences sont un bien commun."}, content_type=JSON
    )
    if role in TAKING_PART:
        assert response.status_code == 201
        data = response.json()
        assert data["text"] == "Les semences sont un bien commun."
        assert data["shared"] is False and data["diverges"] is False
        assert {r["college"] for r in data["colleges"]} == {"Associations", "Partenaires là-bas"}
        assert Statement.objects.get().member.organisation.name == data["organisation"]
    else:
        assert refused(response, role)
        assert not Statement.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_rating_a_statement_by_role(client, w, role):
    statement = services.write_statement(w.space, w.lead, "Semer local", w.lead_user)
    c = as_role(client, w, role)
    url = base(w) + f"/statements/{statement.pk}/rating"
    response = c.put(url, {"vote": "disagree"}, content_type=JSON)
    if role in TAKING_PART:
        assert response.status_code == 200
        assert response.json()["vote"] == "disagree"
        # A rating may change: the second replaces the first.
        again = c.put(url, {"vote": "agree"}, content_type=JSON)
        assert again.status_code == 200 and again.json()["vote"] == "agree"
        assert list(StatementVote.objects.values_list("vote", flat=True)) == ["agree"]
    else:
        assert refused(response, role)
        assert not StatementVote.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_reading_statements_with_their_tallies(client, w, role):
    statement = services.write_statement(w.space, w.partner, "Semer local", w.partner_user)
    services.rate_statement(statement, w.lead, "agree", w.lead_user)
    services.rate_statement(statement, w.member, "agree", w.member_user)
    services.rate_statement(statement, w.partner, "disagree", w.partner_user)
    response = as_role(client, w, role).get(base(w) + "/statements")
    if role not in READING:
        assert refused(response, role)
        return
    assert response.status_code == 200
    [data] = response.json()
    assert data["organisation"] == "Union paysanne du Yatenga"
    assert data["diverges"] is True and data["shared"] is False
    by_college = {r["college"]: r for r in data["colleges"]}
    assert by_college["Associations"] == {
        "college": "Associations",
        "agree": 2,
        "disagree": 0,
        "passes": 0,
    }
    assert by_college["Partenaires là-bas"]["disagree"] == 1


def test_a_partner_abroad_acts_with_a_token_and_names_its_organisation(client, w):
    auth = token(w.partner_user)
    response = client.post(
        base(w) + "/statements",
        {"text": "Échanger chaque année", "member_id": w.partner.pk},
        content_type=JSON,
        **auth,
    )
    assert response.status_code == 201 and response.json()["member_id"] == w.partner.pk
    # Naming an organisation one does not act for is refused, whatever it is.
    other = client.post(
        base(w) + "/statements",
        {"text": "Échanger", "member_id": w.lead.pk},
        content_type=JSON,
        **auth,
    )
    assert other.status_code == 403


def test_bad_statements_and_ratings_are_refused_in_words(client, w):
    client.force_login(w.member_user)
    too_long = client.post(base(w) + "/statements", {"text": "x" * 281}, content_type=JSON)
    assert too_long.status_code == 422 and "280" in too_long.json()["detail"]
    blank = client.post(base(w) + "/statements", {"text": "   "}, content_type=JSON)
    assert blank.status_code == 422 and blank.json()["detail"] == "Écrivez l'énoncé."
    statement = services.write_statement(w.space, w.lead, "Semer", w.lead_user)
    url = base(w) + f"/statements/{statement.pk}/rating"
    wrong = client.put(url, {"vote": "maybe"}, content_type=JSON)
    assert wrong.status_code == 422 and "agree" in wrong.json()["detail"]
    elsewhere = world()
    foreign = services.write_statement(elsewhere.space, elsewhere.lead, "Ailleurs", None)
    missing = client.put(
        base(w) + f"/statements/{foreign.pk}/rating", {"vote": "agree"}, content_type=JSON
    )
    assert missing.status_code == 404
    assert not StatementVote.objects.exists()


# -- amendments ---------------------------------------------------------------------------


def _amendment(w):
    version = first_version(w)
    return services.propose_amendment(
        version,
        w.partner,
        "Que les paysannes gardent leurs semences.",
        ["Deux maisons de semences", "Un échange par an"],
        "Plus court.",
        w.partner_user,
    )


def test_a_partner_abroad_proposes_an_amendment_and_members_read_it(client, w):
    first_version(w)
    client.force_login(w.partner_user)
    response = client.post(
        base(w) + "/versions/1/amendments",
        {"text": "Un texte plus court.", "objectives": ["Semer"], "rationale": "Lisible."},
        content_type=JSON,
    )
    assert response.status_code == 201
    assert response.json()["status"] == "proposed"
    assert response.json()["organisation"] == "Union paysanne du Yatenga"
    client.force_login(w.member_user)
    [listed] = client.get(base(w) + "/versions/1/amendments").json()
    assert listed["text"] == "Un texte plus court." and listed["version"] == 1
    assert listed["result"] is None
    client.logout()
    assert client.get(base(w) + "/versions/1/amendments").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_only_the_lead_integrates_an_amendment(client, w, role):
    amendment = _amendment(w)
    rnd = services.open_round(amendment.version, w.lead_user, member=w.lead)
    c = as_role(client, w, role)
    response = c.post(base(w) + f"/amendments/{amendment.pk}/integrate")
    amendment.refresh_from_db()
    rnd.refresh_from_db()
    if role != "lead":
        assert refused(response, role)
        assert amendment.status == AmendmentStatus.PROPOSED
        assert PurposeVersion.objects.count() == 1 and rnd.status == RoundStatus.OPEN
        return
    assert response.status_code == 201
    version = response.json()
    assert version["number"] == 2 and version["parent"] == 1
    assert version["text"] == "Que les paysannes gardent leurs semences."
    assert version["objectives"] == ["Deux maisons de semences", "Un échange par an"]
    assert amendment.status == AmendmentStatus.ACCEPTED and amendment.result.number == 2
    # The question changed: the round on version 1 is cancelled.
    assert rnd.status == RoundStatus.CANCELLED
    listed = c.get(base(w) + "/versions/1/amendments").json()
    assert listed[0]["status"] == "accepted" and listed[0]["result"] == 2
    again = c.post(base(w) + f"/amendments/{amendment.pk}/integrate")
    assert again.status_code == 409
    assert again.json()["detail"] == "Cet amendement a déjà été traité."


@pytest.mark.parametrize("role", ROLES)
def test_only_the_lead_sets_an_amendment_aside(client, w, role):
    amendment = _amendment(w)
    response = as_role(client, w, role).post(base(w) + f"/amendments/{amendment.pk}/set-aside")
    amendment.refresh_from_db()
    if role == "lead":
        assert response.status_code == 200 and response.json()["status"] == "rejected"
        assert amendment.status == AmendmentStatus.REJECTED
        assert DecisionLogEntry.objects.filter(kind="amendment_rejected").exists()
    else:
        assert refused(response, role)
        assert amendment.status == AmendmentStatus.PROPOSED


def test_an_amendment_of_another_space_is_not_found(client, w):
    elsewhere = world()
    amendment = _amendment(elsewhere)
    client.force_login(w.lead_user)
    response = client.post(base(w) + f"/amendments/{amendment.pk}/integrate")
    assert response.status_code == 404
    assert Amendment.objects.get().status == AmendmentStatus.PROPOSED
    assert PurposeVersion.objects.count() == 1
