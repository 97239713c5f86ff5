"""The "still current?" campaign: who is asked and who not, once per interval, in which
language, with which text (plain, three links), from the command and from the staff button."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from passerelles.actors.models import FreshnessCheck
from passerelles.core.models import Job, JobStatus, OutgoingMail
from passerelles.users.enums import MembershipRole
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.actors.freshness_helpers import (
    ENTITY,
    by_recipient,
    days_ago,
    links,
    run_campaign,
)
from tests.users.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_who_is_asked_and_who_is_not(django_capture_on_commit_callbacks):
    old = OrganisationFactory(name="Ancienne", last_verified_at=days_ago(400))
    MembershipFactory(organisation=old, user=UserFactory(email="gestion@ancienne.org"))
    # A contributor is not a manager: the managers answer for the record.
    MembershipFactory(
        organisation=old,
        user=UserFactory(email="contrib@ancienne.org"),
        role=MembershipRole.EDITOR,
    )
    never = OrganisationFactory(name="Jamais", email="contact@jamais.org")
    AbroadOrganisationFactory(name="Sans adresse")  # no manager, no address: nobody to ask
    OrganisationFactory(name="Récente", last_verified_at=days_ago(10), email="r@recente.org")
    OrganisationFactory(name="Limite", last_verified_at=days_ago(364), email="l@limite.org")
    OrganisationFactory(name="En attente", status="pending", email="p@attente.org")
    OrganisationFactory(name="Archivée", status="archived", email="a@archivee.org")
    # A manager whose account is closed is not written to: the public address is.
    closed = OrganisationFactory(name="Fermée", email="public@fermee.org")
    MembershipFactory(organisation=closed, user=UserFactory(email="x@fermee.org", is_active=False))

    sent = by_recipient(run_campaign(django_capture_on_commit_callbacks))

    assert set(sent) == {"gestion@ancienne.org", "contact@jamais.org", "public@fermee.org"}
    assert "« Ancienne »" in sent["gestion@ancienne.org"].body
    assert set(FreshnessCheck.objects.values_list("organisation__name", flat=True)) == {
        "Ancienne",
        "Jamais",
        "Fermée",
    }
    assert FreshnessCheck.objects.get(organisation=never).recipients == ["contact@jamais.org"]
    job = Job.objects.get(kind="actors.freshness")
    assert job.status == JobStatus.DONE
    assert job.result == {"asked": 3, "emails": 3, "without_address": 1}


def test_a_manager_of_several_records_gets_one_email(django_capture_on_commit_callbacks):
    user = UserFactory(email="multi@example.org")
    for name in ("Première", "Seconde"):
        MembershipFactory(organisation=OrganisationFactory(name=name), user=user)

    (message,) = run_campaign(django_capture_on_commit_callbacks)

    assert message.subject == "Vos 2 fiches dans l'annuaire sont-elles toujours à jour ?"
    assert "« Première »" in message.body and "« Seconde »" in message.body
    assert message.body.count("?reponse=current") == 2


def test_the_command_is_idempotent_and_asks_again_after_the_interval(
    settings, django_capture_on_commit_callbacks
):
    settings.PASSERELLES_FRESHNESS_REMIND_DAYS = 30
    OrganisationFactory(name="Ancienne", email="contact@ancienne.org")

    assert len(run_campaign(django_capture_on_commit_callbacks)) == 1
    assert run_campaign(django_capture_on_commit_callbacks) == []
    assert FreshnessCheck.objects.count() == 1

    # 29 days later, still nothing; 31 days later, asked again.
    FreshnessCheck.objects.update(asked_at=days_ago(29))
    assert run_campaign(django_capture_on_commit_callbacks) == []
    FreshnessCheck.objects.update(asked_at=days_ago(31))
    assert len(run_campaign(django_capture_on_commit_callbacks)) == 1
    assert FreshnessCheck.objects.count() == 2


def test_the_age_is_a_setting(settings, django_capture_on_commit_callbacks):
    settings.PASSERELLES_FRESHNESS_AGE_DAYS = 30
    OrganisationFactory(name="Un mois", last_verified_at=days_ago(31), email="a@mois.org")
    OrganisationFactory(name="Trois semaines", last_verified_at=days_ago(21), email="b@sem.org")

    assert [m.to for m in run_campaign(django_capture_on_commit_callbacks)] == [["a@mois.org"]]


def test_dry_run_writes_nothing(capsys, django_capture_on_commit_callbacks):
    OrganisationFactory(email="contact@ancienne.org")
    AbroadOrganisationFactory()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("freshness_campaign", "--dry-run")

    out = capsys.readouterr().out
    assert "1 fiche interrogée, 1 courriel, 1 fiche sans adresse" in out
    assert "simulation" in out
    assert mail.outbox == [] and not FreshnessCheck.objects.exists()


def test_the_email_is_plain_text_with_three_links(settings, django_capture_on_commit_callbacks):
    settings.PASSERELLES_SITE_URL = "https://passerelles.example.org"
    org = OrganisationFactory(name="Ville d'Orléans & Cie", last_verified_at=days_ago(500))
    MembershipFactory(organisation=org, user=UserFactory(email="g@orleans.fr"))

    (message,) = run_campaign(django_capture_on_commit_callbacks)

    assert message.subject == (
        "« Ville d'Orléans & Cie » : vos informations dans l'annuaire sont-elles toujours à jour ?"
    )
    for part in (message.subject, message.body):
        assert not ENTITY.search(part), part
    assert "« Ville d'Orléans & Cie » — Blois (41)" in message.body
    # The day as the e-mail writes it: in the site's time zone (after 22:00 UTC in summer, the
    # next day in Paris).
    confirmed = timezone.localtime(org.last_verified_at)
    assert f"Informations confirmées le {confirmed:%-d}" in message.body
    assert f"https://passerelles.example.org/annuaire/{org.slug}/" in message.body
    assert set(links(message)) == {"current", "change", "inactive"}
    assert "https://passerelles.example.org/annuaire/fraicheur/reponse/" in message.body
    assert "sans mot de passe" in message.body
    check = FreshnessCheck.objects.get()
    expiry = timezone.localtime(check.asked_at + timedelta(days=60))
    assert f"valables jusqu'au {expiry.day} " in message.body


def test_each_person_in_their_language(django_capture_on_commit_callbacks):
    english = OrganisationFactory(name="Anglophone")
    MembershipFactory(
        organisation=english, user=UserFactory(email="en@example.org", preferred_language="en")
    )
    OrganisationFactory(name="Publique", email="contact@publique.org")

    run_campaign(django_capture_on_commit_callbacks)

    languages = dict(OutgoingMail.objects.values_list("to", "language"))
    # A public address has no known language: French, the directory's.
    assert languages == {"en@example.org": "en", "contact@publique.org": "fr"}


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_staff_start_a_campaign_and_follow_it(django_capture_on_commit_callbacks):
    OrganisationFactory(name="Ancienne", email="contact@ancienne.org")
    AbroadOrganisationFactory(name="Sans adresse")
    staff = StaffFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = _client(staff).post(reverse("actors:freshness-campaign"))

    job = Job.objects.get(kind="actors.freshness")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.owner == staff
    assert job.message == "1 fiche interrogée, 1 courriel, 1 fiche sans adresse"
    assert [m.to for m in mail.outbox] == [["contact@ancienne.org"]]


def test_one_campaign_at_a_time():
    OrganisationFactory(email="contact@ancienne.org")
    Job.objects.create(kind="actors.freshness", key="actors.freshness", label="En cours")

    response = _client(StaffFactory()).post(reverse("actors:freshness-campaign"), follow=True)

    assert "Une campagne est déjà en cours" in response.content.decode()
    assert not FreshnessCheck.objects.exists()


@pytest.mark.parametrize("role", ["member", "partner_abroad"])
def test_only_staff_start_a_campaign(role):
    OrganisationFactory(email="contact@ancienne.org")
    response = _client(UserFactory(role=role)).post(reverse("actors:freshness-campaign"))
    assert response.status_code == 403
    response = _client().post(reverse("actors:freshness-campaign"))
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    response = _client(StaffFactory()).get(reverse("actors:freshness-campaign"))
    assert response.status_code == 405
    assert not FreshnessCheck.objects.exists()
