"""Limits on outgoing mail (core.mail_limits): nobody can use the site to bomb one address
(password resets, registrations, invitations) or to mail many addresses from one client. A
message over a limit is not queued, staff see it refused on /taches/ (without its body), the
action that asked for it stands, and the page says so in words. Staff decisions are never held
back."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from passerelles.core import mail_limits
from passerelles.core.history import ChangeSource, Origin
from passerelles.core.mail import queue, queue_on_commit, send_on_commit
from passerelles.core.mail_limits import DECISION, NOTICE
from passerelles.core.models import MailStatus, OutgoingMail
from passerelles.events.models import Registration
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.events.factories import EventFactory
from tests.projects.helpers import post_data
from tests.users.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

RESET = "users:password_reset"


def reset(client, email, capture):
    with capture(execute=True):
        return client.post(reverse(RESET), {"email": email}, follow=True)


def fill(to: str, count: int, **fields) -> None:
    """`count` messages already queued to `to` (as earlier requests left them)."""
    for n in range(count):
        queue(to, f"Message {n}", "Texte", **fields)


# -- per address -----------------------------------------------------------------------------


def test_the_sixth_reset_mail_to_one_address_in_an_hour_is_not_sent_and_the_person_is_told(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="oubli@example.org")
    for _n in range(5):
        page = reset(client, "oubli@example.org", django_capture_on_commit_callbacks)
        assert "un e-mail vient de partir" in page.content.decode()
    assert len(mail.outbox) == 5

    page = reset(client, "OUBLI@example.org", django_capture_on_commit_callbacks)
    assert page.status_code == 200
    text = page.content.decode()
    assert "aucun nouveau message n" in text and "déjà été envoyé" in text
    assert len(mail.outbox) == 5  # not sent
    refused = OutgoingMail.objects.get(status=MailStatus.REFUSED)
    assert refused.to.lower() == "oubli@example.org"
    assert refused.body == ""  # the reset link is not kept
    assert "Limite par adresse" in refused.last_error
    assert not refused.exempt


def test_the_window_passes(client, django_capture_on_commit_callbacks):
    UserFactory(email="oubli@example.org")
    fill("oubli@example.org", 5)
    OutgoingMail.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    reset(client, "oubli@example.org", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_the_daily_limit(client, django_capture_on_commit_callbacks):
    UserFactory(email="oubli@example.org")
    fill("oubli@example.org", 20)
    OutgoingMail.objects.update(created_at=timezone.now() - timedelta(hours=3))
    page = reset(client, "oubli@example.org", django_capture_on_commit_callbacks)
    assert "aucun nouveau message n" in page.content.decode()
    assert len(mail.outbox) == 0


def test_a_registration_is_recorded_when_its_mail_is_refused(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    fill("awa@example.org", 5)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            event.get_absolute_url(),
            {"name": "Awa Diallo", "email": "awa@example.org"},
            follow=True,
        )
    assert page.status_code == 200
    assert Registration.objects.filter(email="awa@example.org", event=event).exists()
    text = page.content.decode()
    assert "Votre inscription est confirmée." in text
    assert "Un e-mail vous a été envoyé" not in text
    assert "Aucun e-mail n" in text and "Gardez l" in text
    assert len(mail.outbox) == 0
    assert OutgoingMail.objects.filter(status=MailStatus.REFUSED).count() == 1


def test_staff_decisions_are_never_held_back(django_capture_on_commit_callbacks):
    fill("porteur@example.org", 5)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = send_on_commit(
            "porteur@example.org",
            "actors/email/rejected",
            {"proposal": None, "organisation": None, "reason": "Doublon"},
            policy=DECISION,
        )
    assert outcome.queued
    row = OutgoingMail.objects.exclude(subject__startswith="Message").get()
    assert row.exempt and row.status == MailStatus.SENT
    # …nor counted: the person can still ask for a password reset afterwards.
    OutgoingMail.objects.filter(subject__startswith="Message").delete()
    fill("porteur@example.org", 4)
    assert mail_limits.check("porteur@example.org", mail_limits.LIMITED, "").queued


def test_a_moderation_decision_reaches_a_busy_address(client, django_capture_on_commit_callbacks):
    from passerelles.actors import moderation

    proposal = moderation.propose_organisation(
        {"name": "Association Nouvelle", "family": "si_association", "commune": "41018"},
        origin=Origin(None, ChangeSource.WEB),
        contact_email="porteur@example.org",
    )
    fill("porteur@example.org", 20)
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(proposal, origin=Origin(staff, ChangeSource.WEB))
    assert [m.to for m in mail.outbox] == [["porteur@example.org"]]


# -- per client ------------------------------------------------------------------------------


@pytest.fixture
def three_per_client(settings):
    settings.PASSERELLES_MAIL_PER_CLIENT = ((3600, 3),)


def register(client, event, n, capture, **extra):
    with capture(execute=True):
        return client.post(
            event.get_absolute_url(),
            {"name": f"Personne {n}", "email": f"p{n}@example.org"},
            follow=True,
            **extra,
        )


def test_one_client_cannot_mail_many_addresses(
    client, three_per_client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    for n in range(3):
        register(client, event, n, django_capture_on_commit_callbacks)
    page = register(client, event, 3, django_capture_on_commit_callbacks)
    assert event.registrations.count() == 4  # the fourth registration is recorded
    assert "trop de messages ont été envoyés à votre demande" in page.content.decode()
    assert len(mail.outbox) == 3
    refused = OutgoingMail.objects.get(status=MailStatus.REFUSED)
    assert refused.client == "ip:127.0.0.1"
    assert "Limite par client" in refused.last_error
    # Another connection has its own budget.
    register(Client(REMOTE_ADDR="192.0.2.9"), event, 4, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4


def test_a_signed_in_person_is_counted_as_themself(
    client, three_per_client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    user = UserFactory()
    fill("x@example.org", 3, client=f"user:{user.pk}")
    client.force_login(user)
    register(client, event, 1, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 0
    assert OutgoingMail.objects.get(status=MailStatus.REFUSED).client == f"user:{user.pk}"


def test_staff_are_not_counted_per_client(
    client, three_per_client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    client.force_login(StaffFactory())
    for n in range(5):  # registrations taken at the desk
        register(client, event, n, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 5
    assert set(OutgoingMail.objects.values_list("client", flat=True)) == {""}


def test_notices_to_a_space_are_not_in_the_members_budget(
    three_per_client, django_capture_on_commit_callbacks
):
    request = RequestFactory().post("/")
    request.user = UserFactory()
    middleware = mail_limits.MailClientMiddleware(lambda request: None)

    def told_the_space(request):
        for n in range(5):
            queue_on_commit(f"m{n}@example.org", "Nouveau tour", "Texte", policy=NOTICE)

    middleware.get_response = told_the_space
    with django_capture_on_commit_callbacks(execute=True):
        middleware(request)
    assert len(mail.outbox) == 5


def test_an_invitation_held_back_is_said_in_the_editor(client, django_capture_on_commit_callbacks):
    member = UserFactory()
    own = OrganisationFactory(name="Terres Vivantes")
    MembershipFactory(user=member, organisation=own)
    partner = AbroadOrganisationFactory(name="Union de Koudougou", locality="Koudougou")
    fill("contact@reo.example", 5)
    client.force_login(member)
    data = {
        "title": "Eau potable à Koudougou",
        "project_status": "running",
        "participations": [
            {"organisation": own.pk, "role": "lead"},
            {"organisation": partner.pk, "role": "partner_there"},
        ],
        "places": [{"side": "there", "country": "BF", "locality": "Koudougou"}],
    }
    data["new_organisations"] = [
        {
            "name": "Groupement des femmes de Réo",
            "country": "BF",
            "locality": "Réo",
            "role": "partner_there",
            "invite_email": "contact@reo.example",
        }
    ]
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("projects:create"), post_data(data), follow=True)
    text = page.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert "L'invitation pour « Groupement des femmes de Réo » n'a pas été envoyée" in text
    assert len(mail.outbox) == 0


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "ip:203.0.113.7"),
        ("2001:db8:1:2::1", "ip:2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::9", "ip:2001:db8:1:2::/64"),
    ],
)
def test_a_client_is_its_address_or_its_ipv6_network(address, key):
    request = RequestFactory(REMOTE_ADDR=address).get("/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    assert mail_limits.client_key(request) == key


def test_no_limit_when_switched_off(settings):
    settings.PASSERELLES_MAIL_PER_ADDRESS = ((3600, 0),)
    fill("a@example.org", 10)
    assert mail_limits.check("a@example.org", mail_limits.LIMITED, "").queued


# -- staff see them ------------------------------------------------------------------------


def test_staff_see_refused_mail_on_the_jobs_page(client, django_capture_on_commit_callbacks):
    UserFactory(email="oubli@example.org")
    fill("oubli@example.org", 5)
    reset(client, "oubli@example.org", django_capture_on_commit_callbacks)
    staff = Client()
    staff.force_login(StaffFactory())
    html = staff.get(reverse("core:jobs")).content.decode()
    assert "Refusé (limite)" in html
    assert "Limite par adresse atteinte : 5 en 1 h, 20 en 1 j." in html
    assert "refusé par les limites" in html or "refusés par les limites" in html
