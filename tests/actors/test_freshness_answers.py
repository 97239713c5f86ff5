"""The one-click answers to "still current?": a GET shows the question and changes nothing,
each answer (a POST, no password) has its effect and is recorded, once; links that are
expired, tampered or about a record gone say so in words."""

import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from passerelles.actors import actions, freshness, freshness_answers
from passerelles.actors.enums import Status
from passerelles.actors.models import ChangeRecord, FreshnessCheck, Proposal, ProposalKind
from passerelles.core.history import Origin
from tests.actors.factories import OrganisationFactory
from tests.actors.freshness_helpers import days_ago
from tests.users.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def ask(org) -> tuple[FreshnessCheck, str]:
    """A question about `org` and the address of its answer page."""
    check = FreshnessCheck.objects.create(organisation=org, recipients=["a@example.org"])
    url = reverse("actors:freshness-answer", kwargs={"token": freshness.token_for(check)})
    return check, url


def visitor():
    # Enforce CSRF as a browser would: the page's form carries the token.
    return Client(enforce_csrf_checks=True)


def post(client, url, data):
    page = client.get(url)
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
    token = token or client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def test_a_get_shows_the_question_and_changes_nothing():
    org = OrganisationFactory(name="Terres Solidaires", last_verified_at=days_ago(400))
    check, url = ask(org)
    before = org.last_verified_at

    response = visitor().get(url + "?reponse=current")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ces informations sont-elles toujours à jour ?" in page
    assert "Terres Solidaires" in page
    assert "Confirmer : toujours à jour" in page and 'method="post"' in page
    assert "csrfmiddlewaretoken" in page
    org.refresh_from_db()
    check.refresh_from_db()
    assert org.last_verified_at == before and check.answer == ""
    assert not Proposal.objects.filter(kind=ProposalKind.ARCHIVE).exists()


def test_still_current_confirms_the_record_today_without_signing_in():
    org = OrganisationFactory(name="Terres Solidaires")
    check, url = ask(org)

    response = post(visitor(), url, {"answer": "current"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Merci, votre réponse est enregistrée." in page
    org.refresh_from_db()
    check.refresh_from_db()
    assert org.last_verified_at.date() == timezone.now().date()
    assert check.answer == "current" and check.answered_by is None
    record = ChangeRecord.objects.filter(organisation=org).latest("pk")
    assert record.comment == "Informations confirmées"
    # The directory now says so.
    detail = Client().get(org.get_absolute_url()).content.decode()
    assert f"Informations confirmées le {timezone.localdate().day} " in detail


def test_without_the_csrf_token_nothing_is_recorded():
    org = OrganisationFactory()
    check, url = ask(org)
    response = visitor().post(url, {"answer": "current"})
    assert response.status_code == 403
    check.refresh_from_db()
    assert check.answer == ""


def test_needs_a_change_sends_a_visitor_to_sign_in_then_the_edit_form():
    org = OrganisationFactory()
    MembershipFactory(organisation=org)
    check, url = ask(org)

    response = post(visitor(), url, {"answer": "change"})

    edit = reverse("actors:edit", kwargs={"slug": org.slug})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("users:login"))
    assert f"next={edit}" in response["Location"].replace("%2F", "/")
    check.refresh_from_db()
    assert check.answer == "change"


def test_needs_a_change_takes_a_manager_signed_in_to_the_edit_form():
    org = OrganisationFactory()
    manager = MembershipFactory(organisation=org).user
    check, url = ask(org)
    client = Client()
    client.force_login(manager)

    response = client.post(url, {"answer": "change"})

    assert response["Location"] == reverse("actors:edit", kwargs={"slug": org.slug})
    check.refresh_from_db()
    assert check.answered_by == manager


def test_needs_a_change_without_an_account_leads_to_a_suggested_correction():
    org = OrganisationFactory(email="contact@example.org")  # nobody acts for it
    _check, url = ask(org)
    response = post(visitor(), url, {"answer": "change"})
    assert response["Location"] == reverse("actors:correct", kwargs={"slug": org.slug})


def test_no_longer_active_opens_an_archive_proposal_and_archives_nothing():
    org = OrganisationFactory(name="Dissoute")
    check, url = ask(org)

    response = post(visitor(), url, {"answer": "inactive", "message": "Dissoute en 2025."})

    assert response.status_code == 200
    assert "L'équipe du réseau va examiner l'archivage" in response.content.decode()
    org.refresh_from_db()
    assert org.status == Status.PUBLISHED
    proposal = Proposal.objects.get(kind=ProposalKind.ARCHIVE)
    assert proposal.organisation == org and proposal.message == "Dissoute en 2025."
    assert proposal.proposer_email == "a@example.org"
    check.refresh_from_db()
    assert check.answer == "inactive" and check.proposal == proposal

    # Staff see it in the queue and archive it from the review page.
    staff = Client()
    staff.force_login(StaffFactory())
    queue = staff.get(reverse("actors:moderation")).content.decode()
    assert "fin d'activité signalée" in queue
    review = staff.get(reverse("actors:review", args=[proposal.pk])).content.decode()
    assert "Accepter et archiver" in review
    staff.post(reverse("actors:review", args=[proposal.pk]), {"action": "approve"})
    org.refresh_from_db()
    assert org.status == Status.ARCHIVED


def test_a_second_archive_answer_adds_no_second_proposal():
    org = OrganisationFactory()
    for _ in range(2):
        check, _url = ask(org)
        freshness_answers.propose_archive(check, origin=Origin(None))
    assert Proposal.objects.filter(kind=ProposalKind.ARCHIVE).count() == 1
    assert FreshnessCheck.objects.filter(answer="inactive").count() == 2


def test_the_first_answer_is_final():
    org = OrganisationFactory()
    check, url = ask(org)
    client = visitor()
    post(client, url, {"answer": "current"})

    response = post(client, url, {"answer": "inactive"})

    page = response.content.decode()
    assert "Réponse donnée le" in page and "toujours à jour" in page
    assert not Proposal.objects.filter(kind=ProposalKind.ARCHIVE).exists()
    check.refresh_from_db()
    assert check.answer == "current"


def test_an_unknown_answer_is_refused_in_words():
    _check, url = ask(OrganisationFactory())
    response = post(visitor(), url, {"answer": "peut-être"})
    assert response.status_code == 400
    assert "Choisissez une des trois réponses." in response.content.decode()


def test_an_expired_link_says_so(settings, monkeypatch):
    settings.PASSERELLES_FRESHNESS_LINK_DAYS = 60
    org = OrganisationFactory()
    check = FreshnessCheck.objects.create(organisation=org)
    past = time.time() - 61 * 86400
    with monkeypatch.context() as m:
        m.setattr(signing.time, "time", lambda: past)
        token = freshness.token_for(check)
    url = reverse("actors:freshness-answer", kwargs={"token": token})

    for response in (Client().get(url), Client().post(url, {"answer": "current"})):
        assert response.status_code == 410
        assert "Ce lien a expiré" in response.content.decode()
    check.refresh_from_db()
    assert check.answer == ""


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "9999" + token[token.index(":") :],
        lambda token: "n'importe quoi",
    ],
    ids=["signature", "id", "garbage"],
)
def test_a_tampered_link_says_so(mangle):
    check = FreshnessCheck.objects.create(organisation=OrganisationFactory())
    url = reverse("actors:freshness-answer", kwargs={"token": mangle(freshness.token_for(check))})

    response = Client().post(url, {"answer": "current"})

    assert response.status_code == 400
    assert "Ce lien n'est pas valable" in response.content.decode()
    check.refresh_from_db()
    assert check.answer == ""


def test_a_signed_link_to_a_question_that_no_longer_exists_says_so():
    check = FreshnessCheck.objects.create(organisation=OrganisationFactory())
    url = reverse("actors:freshness-answer", kwargs={"token": freshness.token_for(check)})
    check.delete()
    response = Client().get(url)
    assert response.status_code == 400
    assert "Ce lien n'est pas valable" in response.content.decode()


def test_a_record_archived_since_the_question_has_nothing_to_confirm():
    org = OrganisationFactory(name="Partie")
    check, url = ask(org)
    actions.archive_organisation(org, origin=Origin(None))

    response = post(visitor(), url, {"answer": "current"})

    assert response.status_code == 410
    assert "Cette fiche n'est plus dans l'annuaire" in response.content.decode()
    check.refresh_from_db()
    assert check.answer == ""


@pytest.mark.parametrize("who", ["visitor", "member", "partner_abroad", "staff", "admin"])
def test_the_link_is_the_permission_whoever_follows_it(who):
    org = OrganisationFactory()
    check, url = ask(org)
    client = Client()
    if who != "visitor":
        client.force_login(UserFactory(role=who))
    assert client.post(url, {"answer": "current"}).status_code == 200
    check.refresh_from_db()
    assert check.answer == "current"
