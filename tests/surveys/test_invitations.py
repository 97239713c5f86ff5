"""Who is invited when staff open a campaign, and what the e-mail says."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from passerelles.actors.enums import Status
from passerelles.surveys import actions
from passerelles.surveys.models import Invitation
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.surveys import factories
from tests.users.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _open(client, year, capture):
    client.force_login(StaffFactory())
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    with capture(execute=True):
        response = client.post(
            reverse("surveys:campaigns"),
            {"year": year, "deadline": deadline.isoformat(), "reminder_days": 7},
        )
    return response


def test_published_organisations_here_with_an_address_are_invited_once(
    client, django_capture_on_commit_callbacks
):
    invited = OrganisationFactory(name="Les Amis de Kaya", email="kaya@example.org")
    second = OrganisationFactory(name="Tambour & Cie", email="tambour@example.org")
    OrganisationFactory(name="Sans adresse", email="")
    OrganisationFactory(name="En attente", email="attente@example.org", status=Status.PENDING)
    OrganisationFactory(name="Archivée", email="archive@example.org", status=Status.ARCHIVED)
    AbroadOrganisationFactory(name="Partenaire à Ouaga", email="ouaga@example.org")
    year = timezone.localdate().year - 1

    response = _open(client, year, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    invitations = Invitation.objects.filter(campaign__year=year)
    assert sorted(i.organisation.name for i in invitations) == ["Les Amis de Kaya", "Tambour & Cie"]
    assert sorted(m.to[0] for m in mail.outbox) == [invited.email, second.email]
    # Running the job again (a worker restarted) writes to nobody twice.
    campaign = invitations.first().campaign
    with django_capture_on_commit_callbacks(execute=True):
        actions.invite_newcomers(campaign)
    assert invitations.count() == 2
    assert len(mail.outbox) == 2


def test_invitations_go_out_in_batches_until_everyone_is_invited(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(actions, "BATCH", 2)
    for n in range(5):
        OrganisationFactory(email=f"org{n}@example.org")
    campaign = factories.campaign()
    assert actions.invite_batch(campaign, limit=2) == 2
    from passerelles.surveys import tasks

    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_invitations.call(campaign.pk)
    assert campaign.invitations.count() == 5


def test_organisations_published_later_are_invited_on_request(
    client, django_capture_on_commit_callbacks
):
    OrganisationFactory(email="first@example.org")
    year = timezone.localdate().year - 1
    _open(client, year, django_capture_on_commit_callbacks)
    OrganisationFactory(email="later@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:invite", args=[year]))
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "first@example.org",
        "later@example.org",
    ]


def test_the_invitation_is_plain_text_with_the_personal_link(
    client, django_capture_on_commit_callbacks
):
    org = OrganisationFactory(name="L'Atelier « Terre & Mer »", email="atelier@example.org")
    year = timezone.localdate().year - 1
    _open(client, year, django_capture_on_commit_callbacks)

    message = mail.outbox[0]
    invitation = Invitation.objects.get(organisation=org)
    assert message.subject == (
        f"Enquête annuelle {year} : quelques chiffres sur L'Atelier « Terre & Mer »"
    )
    assert "L'Atelier « Terre & Mer »" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body and "&#" not in message.body
    assert "<" not in message.body.replace("«", "")
    assert f"/enquete/{invitation.token}/" in message.body
    assert "sans mot de passe" in message.body


def test_a_second_campaign_for_the_same_year_is_refused_in_words(client):
    factories.campaign(2024)
    client.force_login(StaffFactory())
    response = client.post(
        reverse("surveys:campaigns"),
        {"year": 2024, "deadline": timezone.localdate().isoformat(), "reminder_days": 7},
    )
    assert response.status_code == 400
    assert "Une enquête existe déjà pour cette année." in response.content.decode()


def test_a_campaign_on_a_year_not_begun_or_with_a_past_deadline_is_refused(client):
    client.force_login(StaffFactory())
    today = timezone.localdate()
    response = client.post(
        reverse("surveys:campaigns"),
        {
            "year": today.year + 1,
            "deadline": (today - datetime.timedelta(days=1)).isoformat(),
            "reminder_days": 7,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "On ne peut pas enquêter sur une année qui n&#x27;a pas commencé." in page
    assert "La date limite doit être aujourd&#x27;hui ou plus tard." in page


def test_organisations_sharing_an_address_each_get_their_link(django_capture_on_commit_callbacks):
    """Seven clubs of one federation with the federation's address: more than the 5 an hour
    one address may receive from the site, yet each is invited (a campaign is staff's act)."""
    for n in range(7):
        OrganisationFactory(name=f"Club {n}", email="federation@example.org")
    campaign = factories.campaign()
    with django_capture_on_commit_callbacks(execute=True):
        actions.invite_batch(campaign)
    assert len(mail.outbox) == 7
    assert len({m.body for m in mail.outbox}) == 7  # seven different links
