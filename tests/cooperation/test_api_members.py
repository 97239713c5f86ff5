"""API v1 of who is in a space and by which rules: invitations (invite, list, accept,
decline) and governance rules (read, change), for every role
(tests/cooperation/api_roles.py)."""

import pytest

from passerelles.actors.enums import Status
from passerelles.cooperation.enums import LogKind, MemberStatus
from passerelles.cooperation.models import College, DecisionLogEntry, Notification, SpaceMember
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.cooperation.api_roles import READING, ROLES, as_role, base, refused, token
from tests.cooperation.factories import world
from tests.users.factories import MembershipFactory, PartnerAbroadFactory, StaffFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def w():
    return world()


def _guest(w):
    """A cooperative abroad with one person acting for it, invited by the lead."""
    from passerelles.cooperation import services

    organisation = AbroadOrganisationFactory(name="Coopérative de Kaya")
    person = PartnerAbroadFactory()
    MembershipFactory(user=person, organisation=organisation)
    member = services.invite(w.space, organisation, w.there, w.lead_user)
    return member, person


# -- invitations --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_the_lead_invites(client, w, role):
    organisation = AbroadOrganisationFactory(name="Coopérative de Kaya")
    MembershipFactory(user=PartnerAbroadFactory(), organisation=organisation)
    response = as_role(client, w, role).post(
        base(w) + "/invitations",
        {"organisation_id": organisation.pk, "college_id": w.there.pk},
        content_type=JSON,
    )
    invited = SpaceMember.objects.filter(organisation=organisation)
    if role != "lead":
        assert refused(response, role)
        assert not invited.exists()
        return
    assert response.status_code == 201
    data = response.json()
    assert data["organisation"] == "Coopérative de Kaya"
    assert (data["status"], data["role"], data["side"]) == ("invited", "member", "there")
    assert invited.get().college == w.there
    # The people acting for it are told, and the log keeps the step.
    assert Notification.objects.filter(kind="invitation").count() == 1
    assert DecisionLogEntry.objects.filter(kind=LogKind.MEMBER_INVITED).exists()


def test_invitations_that_the_rules_refuse(client, w):
    client.force_login(w.lead_user)
    url = base(w) + "/invitations"
    draft = OrganisationFactory(name="Brouillon", status=Status.DRAFT)
    response = client.post(
        url, {"organisation_id": draft.pk, "college_id": w.here.pk}, content_type=JSON
    )
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Seule une organisation publiée dans l'annuaire peut être invitée."
    )
    already = client.post(
        url,
        {"organisation_id": w.partner.organisation_id, "college_id": w.there.pk},
        content_type=JSON,
    )
    assert already.status_code == 409
    assert already.json()["detail"] == "Cette organisation est déjà invitée ou membre."
    other_college = world().here
    foreign = client.post(
        url,
        {"organisation_id": OrganisationFactory().pk, "college_id": other_college.pk},
        content_type=JSON,
    )
    assert foreign.status_code == 404
    unknown = client.post(
        url, {"organisation_id": 999999, "college_id": w.here.pk}, content_type=JSON
    )
    assert unknown.status_code == 404
    role = client.post(
        url,
        {"organisation_id": OrganisationFactory().pk, "college_id": w.here.pk, "role": "boss"},
        content_type=JSON,
    )
    assert role.status_code == 422 and "observer" in role.json()["detail"]
    assert SpaceMember.objects.filter(status=MemberStatus.INVITED).count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_reading_the_invitations_waiting(client, w, role):
    _guest(w)
    response = as_role(client, w, role).get(base(w) + "/invitations")
    if role in READING:
        assert response.status_code == 200
        assert [i["organisation"] for i in response.json()] == ["Coopérative de Kaya"]
    else:
        assert refused(response, role)


def test_the_invited_organisation_reads_its_invitation_and_accepts_it(client, w):
    member, person = _guest(w)
    auth = token(person)
    [invitation] = client.get(base(w) + "/invitations", **auth).json()
    assert invitation["id"] == member.pk
    response = client.post(base(w) + f"/invitations/{member.pk}/accept", **auth)
    assert response.status_code == 200 and response.json()["status"] == "active"
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE and member.joined_at is not None
    assert client.get(base(w) + "/invitations", **auth).json() == []
    again = client.post(base(w) + f"/invitations/{member.pk}/accept", **auth)
    assert again.status_code == 409
    assert again.json()["detail"] == "Cette invitation n'est plus en attente."


def test_the_invited_organisation_declines(client, w):
    member, person = _guest(w)
    client.force_login(person)
    response = client.post(base(w) + f"/invitations/{member.pk}/decline")
    assert response.status_code == 200 and response.json()["status"] == "left"
    member.refresh_from_db()
    assert member.status == MemberStatus.LEFT
    entry = DecisionLogEntry.objects.filter(kind=LogKind.MEMBER_LEFT).get()
    assert entry.summary == "Coopérative de Kaya décline l'invitation."
    accept = client.post(base(w) + f"/invitations/{member.pk}/accept")
    assert accept.status_code == 409


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_nobody_else_answers_an_invitation(client, w, role, answer):
    """Not the lead that invited, not staff or an admin, not a partner abroad of another
    organisation: only the people acting for the invited organisation."""
    member, _person = _guest(w)
    response = as_role(client, w, role).post(base(w) + f"/invitations/{member.pk}/{answer}")
    assert refused(response, role)
    member.refresh_from_db()
    assert member.status == MemberStatus.INVITED


# -- governance ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_reading_the_governance_rules(client, w, role):
    response = as_role(client, w, role).get(base(w) + "/governance")
    if role not in READING:
        assert refused(response, role)
        return
    data = response.json()
    assert data["min_there_percent"] == 33 and data["decision_rule"] == "consent"
    assert data["composition_ok"] is True and data["composition_problems"] == []
    assert [(c["name"], c["required"]) for c in data["colleges"]] == [
        ("Associations", False),
        ("Partenaires là-bas", True),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_lead_changes_the_governance_rules(client, w, role):
    response = as_role(client, w, role).patch(
        base(w) + "/governance",
        {
            "min_there_percent": 50,
            "public_members": True,
            "colleges": [
                {"id": w.here.pk, "quorum_kind": "count", "quorum": 2},
                {"name": "Recherche", "quorum": 100},
            ],
        },
        content_type=JSON,
    )
    w.space.refresh_from_db()
    w.here.refresh_from_db()
    if role != "lead":
        assert refused(response, role)
        assert w.space.min_there_percent == 33 and not w.space.public_members
        assert (w.here.quorum_kind, w.here.quorum) == ("share", 50)
        assert not College.objects.filter(name="Recherche").exists()
        assert not DecisionLogEntry.objects.filter(kind=LogKind.GOVERNANCE).exists()
        return
    assert response.status_code == 200
    data = response.json()
    assert w.space.min_there_percent == 50 and w.space.public_members
    assert (w.here.quorum_kind, w.here.quorum, w.here.name) == ("count", 2, "Associations")
    assert [c["name"] for c in data["colleges"]] == [
        "Associations",
        "Partenaires là-bas",
        "Recherche",
    ]
    # One partner of three members is from there: 50 % is not met, said in words.
    assert data["composition_ok"] is False
    assert "il en faut au moins 2 (50 %)" in " ".join(data["composition_problems"])
    entry = DecisionLogEntry.objects.get(kind=LogKind.GOVERNANCE)
    assert entry.summary.startswith("Règles : au moins 50 % de membres de là-bas")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"colleges": [{"name": "Recherche", "quorum": 150}]}, "de 0 à 100 %"),
        ({"colleges": [{"name": "Recherche", "quorum_kind": "count", "quorum": 0}]}, "au moins 1"),
        ({"colleges": [{"name": "  "}]}, "Chaque collège a un nom."),
        ({"colleges": [{"name": "Associations"}]}, "portent le même nom"),
        ({"colleges": [{"id": 999999, "quorum": 10}]}, "n'est pas un collège de cet espace"),
        ({"min_there_percent": 101}, "min_there_percent"),
        ({"review_months": 0}, "review_months"),
        ({"colleges": [{"quorum_kind": "half"}]}, "share"),
    ],
)
def test_bad_governance_rules_are_a_422_in_words_and_change_nothing(client, w, body, message):
    client.force_login(w.lead_user)
    response = client.patch(base(w) + "/governance", body, content_type=JSON)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert College.objects.count() == 2
    assert not DecisionLogEntry.objects.filter(kind=LogKind.GOVERNANCE).exists()


def test_two_colleges_swapping_names_are_refused_in_words(client, w):
    client.force_login(w.lead_user)
    response = client.patch(
        base(w) + "/governance",
        {
            "colleges": [
                {"id": w.here.pk, "name": "Partenaires là-bas"},
                {"id": w.there.pk, "name": "Associations"},
            ]
        },
        content_type=JSON,
    )
    assert response.status_code == 422
    assert "l'un après l'autre" in response.json()["detail"]
    w.here.refresh_from_db()
    assert w.here.name == "Associations"


def test_staff_read_the_rules_with_a_token_but_do_not_change_them(client, w):
    auth = token(StaffFactory())
    assert client.get(base(w) + "/governance", **auth).status_code == 200
    response = client.patch(
        base(w) + "/governance", {"min_there_percent": 0}, content_type=JSON, **auth
    )
    assert response.status_code == 403
    w.space.refresh_from_db()
    assert w.space.min_there_percent == 33
