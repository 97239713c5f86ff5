"""The personal link: no account needed; a tampered or mistyped link, and an expired one, get
a page that says what happened and what to do, never an error page."""

import datetime
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from passerelles.surveys import actions
from passerelles.surveys.models import Answer
from tests.actors.factories import OrganisationFactory
from tests.surveys import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation():
    org = OrganisationFactory(name="Les Amis de Kaya", email="kaya@example.org")
    return factories.invite(factories.campaign(2025), org)


def _get(client, token):
    response = client.get(reverse("surveys:answer", kwargs={"token": token}))
    return response, unescape(response.content.decode())


def test_the_link_opens_the_form_without_signing_in(client, invitation):
    response, page = _get(client, str(invitation.token))
    assert response.status_code == 200
    assert "Enregistrer ma réponse" in page


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # one character changed
        lambda t: t[:20],  # cut by a mail client
        lambda t: "pas-un-identifiant",
    ],
    ids=["changed", "cut", "nonsense"],
)
def test_a_tampered_link_says_it_is_not_valid(client, invitation, mangle):
    response, page = _get(client, mangle(str(invitation.token)))
    assert response.status_code == 404
    assert "Ce lien d'enquête n'est pas valable" in page
    assert "copiez-le en entier" in page
    assert "Les Amis de Kaya" not in page


def test_an_expired_link_says_so_and_takes_no_answer(client, invitation):
    from passerelles.core import door

    with door.inside():
        invitation.expires_at = timezone.now() - datetime.timedelta(minutes=1)
        invitation.save()
    response, page = _get(client, str(invitation.token))
    assert response.status_code == 410
    assert "Ce lien a expiré" in page
    assert "Demandez un nouveau lien" in page
    url = reverse("surveys:answer", kwargs={"token": str(invitation.token)})
    response = client.post(url, {"staff": "3"})
    assert response.status_code == 410
    assert not Answer.objects.exists()


def test_a_reminder_makes_an_expired_link_valid_again(
    client, invitation, django_capture_on_commit_callbacks
):
    from passerelles.core import door

    with door.inside():
        invitation.sent_at = timezone.now() - datetime.timedelta(days=70)
        invitation.expires_at = timezone.now() - datetime.timedelta(days=10)
        invitation.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.remind_batch(invitation.campaign) == 1
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=59)
    response, _page = _get(client, str(invitation.token))
    assert response.status_code == 200
    assert str(invitation.token) in mail.outbox[0].body


def test_a_closed_campaign_keeps_its_answer_and_says_so(client, invitation):
    factories.answer(invitation, staff=3)
    actions.close_campaign(invitation.campaign)
    response, page = _get(client, str(invitation.token))
    assert response.status_code == 410
    assert "L'enquête annuelle 2025 est close" in page
    assert "est bien prise en compte" in page
