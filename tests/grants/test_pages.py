"""Pages and API per role, and the leak test: no jury score, no comment, no other applicant's
data for those who may not see them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from passerelles.grants import actions
from tests.grants.factories import application, partner_abroad, round_
from tests.users.factories import (
    AdminFactory,
    MembershipFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRET_COMMENT = "Commentaire confidentiel"
SCORE_MARK = "Note pondérée"


@pytest.fixture
def world():
    grant_round = round_()
    juror, outsider_juror = UserFactory(), UserFactory()
    actions.set_jurors(grant_round, [juror, outsider_juror])
    partner = partner_abroad()
    partner_user = PartnerAbroadFactory()
    MembershipFactory(user=partner_user, organisation=partner)
    app = application(grant_round, partner=partner)
    other = application(grant_round)
    other.title = "Autre dossier secret"
    actions.save_draft  # noqa: B018 (the title below is set through the door)
    from passerelles.core import door

    with door.inside():
        other.save(update_fields=["title"])
    actions.add_comment(app, app.created_by, SECRET_COMMENT)
    criteria = {c.pk: 4 for c in grant_round.criteria.all()}
    actions.score(app, juror, criteria)
    return {
        "round": grant_round,
        "app": app,
        "other": other,
        "applicant": app.created_by,
        "partner": partner_user,
        "juror": juror,
        "member": UserFactory(),
        "staff": StaffFactory(),
        "admin": AdminFactory(),
    }


def _get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    "role, sees_app, sees_comment, sees_scores",
    [
        ("visitor", False, False, False),
        ("member", False, False, False),
        ("applicant", True, True, False),
        ("partner", True, True, False),
        ("juror", True, False, True),
        ("staff", True, True, True),
        ("admin", True, True, True),
    ],
)
def test_application_page_per_role(client, world, role, sees_app, sees_comment, sees_scores):
    user = world.get(role)
    response = _get(client, user, world["app"].get_absolute_url())
    if not sees_app:
        # A visitor is asked to sign in; a signed-in outsider is not told the page exists.
        assert response.status_code == (302 if user is None else 404)
        return
    html = response.content.decode()
    assert response.status_code == 200
    assert "Jardins partagés" in html
    assert (SECRET_COMMENT in html) is sees_comment
    assert (SCORE_MARK in html) is sees_scores


@pytest.mark.parametrize("role", ["visitor", "member", "applicant", "partner", "juror"])
def test_round_page_and_api_leak_nothing_before_results(client, world, role):
    user = world.get(role)
    pages = [
        reverse("grants:rounds"),
        world["round"].get_absolute_url(),
        "/api/v1/grants/rounds",
        f"/api/v1/grants/rounds/{world['round'].pk}",
    ]
    for url in pages:
        body = _get(client, user, url).content.decode()
        assert SECRET_COMMENT not in body and SCORE_MARK not in body
        assert "Classement du jury" not in body
        if role != "juror":
            assert "Autre dossier secret" not in body


def test_staff_sees_ranking_and_publishes_winners(client, world):
    actions.decide(world["app"], amount=Decimal(3000))
    client.force_login(world["staff"])
    page = client.get(world["round"].get_absolute_url()).content.decode()
    assert "Classement du jury" in page and "Autre dossier secret" in page
    client.post(reverse("grants:publish", args=[world["round"].pk]))
    client.logout()
    page = client.get(world["round"].get_absolute_url()).content.decode()
    assert "Lauréats" in page and "Jardins partagés" in page and "3000 €" in page
    assert "Autre dossier secret" not in page
    data = client.get(f"/api/v1/grants/rounds/{world['round'].pk}").json()
    assert [w["title"] for w in data["winners"]] == ["Jardins partagés"]
    assert "scores" not in str(data)


def test_member_cannot_publish(client, world):
    client.force_login(world["applicant"])
    response = client.post(reverse("grants:publish", args=[world["round"].pk]))
    assert response.status_code == 403


def test_unknown_round_in_api_is_a_french_404(client):
    response = client.get("/api/v1/grants/rounds/999")
    assert response.status_code == 404
    assert "Aucun appel" in response.json()["detail"]


def test_applicant_saves_draft_then_submits(client):
    grant_round = round_()
    user = UserFactory()
    org = MembershipFactory(user=user).organisation
    partner = partner_abroad()
    client.force_login(user)
    data = {
        "organisation": org.pk,
        "title": "Radio des jeunes",
        "summary": "Une radio.",
        "partner": partner.pk,
        "partner_role": "Formation",
        "partner_contribution": "Locaux",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-0-label": "Matériel",
        "lines-0-amount": "2000",
        "lines-0-funder": "grant",
        "lines-1-label": "Fonds propres",
        "lines-1-amount": "1000",
        "lines-1-funder": "own",
    }
    response = client.post(reverse("grants:apply", args=[grant_round.pk]), data, follow=True)
    assert "Brouillon enregistré" in response.content.decode()
    app = grant_round.applications.get()
    data.pop("organisation")
    data.update({"step": "submit", "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "2"})
    response = client.post(app.get_absolute_url(), data, follow=True)
    assert "Candidature déposée" in response.content.decode()


def test_late_submission_page_says_why(client):
    import datetime

    from django.utils import timezone

    from passerelles.core import door

    grant_round = round_()
    app = application(grant_round, submit=False)
    with door.inside():
        grant_round.deadline = timezone.now() - datetime.timedelta(minutes=1)
        grant_round.save(update_fields=["deadline"])
    client.force_login(app.created_by)
    response = client.get(app.get_absolute_url())
    assert response.status_code == 200
    with pytest.raises(actions.ActionError, match="date limite de dépôt est passée"):
        actions.submit(app)
