"""A mail server that fails must not turn a recorded decision into an error page.

E-mails are queued once the transaction has committed and sent by the task runner
(core.mail, docs/decisions.md §19): the registration, the moderation decision or the membership
stay recorded, the person gets the usual answer, and the failed attempt is logged and kept in
the outbox with another attempt planned."""

import logging
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse

from passerelles.actors.models import Proposal
from passerelles.core.models import MailStatus, OutgoingMail
from passerelles.events.models import Registration
from passerelles.users.enums import MembershipRole
from passerelles.users.models import Membership, MembershipRequest
from tests.actors.contribution_helpers import org_form_data
from tests.actors.factories import OrganisationFactory
from tests.events.factories import EventFactory
from tests.users.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def broken_mail(settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    caplog.set_level(logging.WARNING)
    return caplog


def _logged(caplog) -> bool:
    (mail,) = OutgoingMail.objects.all()
    assert mail.status == MailStatus.RETRYING
    assert mail.attempts == 1
    assert mail.last_error.startswith("SMTPServerDisconnected")
    return any("SMTPServerDisconnected" in r.getMessage() for r in caplog.records)


def staff_client() -> Client:
    client = Client()
    client.force_login(StaffFactory())
    return client


def test_registration_is_kept_and_confirmed(
    client, broken_mail, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            event.get_absolute_url(), {"name": "Awa Diallo", "email": "awa@example.org"}
        )
    registration = Registration.objects.get(email="awa@example.org")
    assert response.status_code == 302
    assert response["Location"] == registration.get_manage_url()
    assert _logged(broken_mail)


def test_moderation_decision_is_kept(client, broken_mail, django_capture_on_commit_callbacks):
    data = org_form_data(contact_email="visiteur@example.org")
    assert client.post(reverse("actors:propose"), data).status_code == 302
    proposal = Proposal.objects.latest("pk")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client().post(
            reverse("actors:review", args=[proposal.pk]),
            {"action": "reject", "reason": "Pas d'activité internationale."},
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    assert _logged(broken_mail)


def test_membership_is_granted(broken_mail, django_capture_on_commit_callbacks):
    requester = UserFactory()
    org = OrganisationFactory()
    membership_request = MembershipRequest.objects.create(user=requester, organisation=org)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client().post(
            reverse("membership:approve", args=[membership_request.pk]),
            {"role": MembershipRole.EDITOR},
        )
    assert response.status_code == 302
    assert Membership.objects.filter(user=requester, organisation=org).exists()
    assert _logged(broken_mail)
