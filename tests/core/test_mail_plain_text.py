"""E-mails are plain text: subjects and bodies carry names as typed, never HTML-escaped.

On 05e6b0a every subject showed "Ville d&#x27;Orléans" (subjects were rendered by the HTML
engine); bodies only escaped nothing because each template remembered `{% autoescape off %}`.
Every sender is covered: organisation proposals (approved, rejected, merged), event
registrations (confirmed, waiting, promoted, cancelled, reminder), project invitations,
membership requests (approved, rejected), the password reset and co-construction notices."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from passerelles.actors.models import Proposal
from passerelles.events import services as events
from passerelles.users.models import MembershipRequest
from tests.actors.contribution_helpers import org_form_data
from tests.actors.factories import OrganisationFactory
from tests.events.factories import EventFactory
from tests.users.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

NAMES = ["Ville d'Orléans", "A & B"]
# What HTML escaping would have made of them, or any other entity.
ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def assert_plain(message, *expected_in_both):
    for part in (message.subject, message.body):
        assert not ENTITY.search(part), part
        for text in expected_in_both:
            assert text in part, (text, part)


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(StaffFactory())
    return client


def _proposal(name: str) -> Proposal:
    data = org_form_data(name=name, contact_email="visiteur@example.org")
    assert Client().post(reverse("actors:propose"), data).status_code == 302
    return Proposal.objects.latest("pk")


@pytest.mark.parametrize("name", NAMES)
def test_proposal_approved(name, staff_client, django_capture_on_commit_callbacks):
    proposal = _proposal(name)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("actors:review", args=[proposal.pk]), {"action": "approve"})
    (message,) = mail.outbox
    assert_plain(message, f"« {name} »")


@pytest.mark.parametrize("name", NAMES)
def test_proposal_rejected(name, staff_client, django_capture_on_commit_callbacks):
    proposal = _proposal(name)
    reason = "Elle n'a pas d'activité « internationale » & nous l'avons vérifié."
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("actors:review", args=[proposal.pk]), {"action": "reject", "reason": reason}
        )
    (message,) = mail.outbox
    assert_plain(message, f"« {name} »")
    assert reason in message.body


@pytest.mark.parametrize("name", NAMES)
def test_proposal_merged(name, staff_client, django_capture_on_commit_callbacks):
    target = OrganisationFactory(name="Mairie d'Amboise & Cie")
    proposal = _proposal(name)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("actors:review", args=[proposal.pk]), {"action": "merge", "target": target.pk}
        )
    (message,) = mail.outbox
    assert_plain(message, f"« {name} »")
    assert "« Mairie d'Amboise & Cie »" in message.body


@pytest.mark.parametrize("title", NAMES)
def test_event_registration_emails(title, django_capture_on_commit_callbacks):
    event = EventFactory(title=title, capacity=1, place="Salle l'Hermine & Co")
    with django_capture_on_commit_callbacks(execute=True):
        first = events.register(event, name="Aminata d'Almeida", email="a@example.org")
        events.register(event, name="Jean & Jeanne", email="j@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        events.cancel(first)  # the second person is promoted
    assert len(mail.outbox) == 4  # confirmed, waiting, cancelled, promoted
    for message in mail.outbox:
        assert_plain(message, title)
    bodies = "\n".join(m.body for m in mail.outbox)
    assert "Bonjour Aminata d'Almeida," in bodies and "Bonjour Jean & Jeanne," in bodies
    assert "Salle l'Hermine & Co" in bodies


def test_event_reminder(django_capture_on_commit_callbacks):
    event = EventFactory(
        title="Journée d'échanges & de rencontres",
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=3),
    )
    events.register(event, name="Aminata d'Almeida", email="a@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert events.send_reminders() == 1
    (message,) = mail.outbox
    assert_plain(message, "Journée d'échanges & de rencontres")


@pytest.mark.parametrize("name", NAMES)
def test_project_invitation(name, django_capture_on_commit_callbacks):
    from passerelles.projects import services as projects
    from tests.projects.factories import ProjectFactory

    organisation = OrganisationFactory(name=name)
    project = ProjectFactory(title="L'eau & la terre")
    inviter = UserFactory(full_name="Zoé L'Hôte")
    with django_capture_on_commit_callbacks(execute=True):
        projects._send_invitation("contact@example.org", organisation, project, inviter, "")
    (message,) = mail.outbox
    # The subject no longer carries the organisation's name, which the member typed (issue 13:
    # network-branded mail must not assert it); the body names it, and the inviter.
    assert_plain(message, "« L'eau & la terre »")
    assert name in message.body
    assert "Zoé L'Hôte" in message.body


@pytest.mark.parametrize("decision", ["approve", "reject"])
@pytest.mark.parametrize("name", NAMES)
def test_membership_request_decisions(
    name, decision, staff_client, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(name=name)
    request = MembershipRequest.objects.create(
        user=UserFactory(email="aminata@example.org"), organisation=organisation
    )
    url = reverse(f"membership:{decision}", args=[request.pk])
    data = {"role": "editor"} if decision == "approve" else {"reason": "Nom inconnu d'ici & là."}
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(url, data).status_code == 302
    (message,) = mail.outbox
    assert_plain(message, f"« {name} »")
    if decision == "reject":
        assert "Nom inconnu d'ici & là." in message.body


def test_password_reset(client, django_capture_on_commit_callbacks):
    UserFactory(email="zoe@example.org", full_name="Zoé L'Hôte & Co")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("users:password_reset"), {"email": "zoe@example.org"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert_plain(message)
    assert "/mot-de-passe/" in message.body


def test_cooperation_notices(django_capture_on_commit_callbacks):
    from passerelles.cooperation.notifications import notify
    from tests.cooperation.factories import SpaceFactory

    space = SpaceFactory()
    person = UserFactory(email="p@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(space, "round", lambda: "Ville d'Orléans & Kaya : tour ouvert", "/x/", [person])
    (message,) = mail.outbox
    assert_plain(message, "Ville d'Orléans & Kaya : tour ouvert")
