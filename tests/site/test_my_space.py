"""The personal home ("Mon espace"): what each role sees there, where people land after
signing in, the links to it, and how light it stays."""

import datetime
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from passerelles.actors.models import Proposal
from passerelles.cooperation import services
from passerelles.events.enums import RegistrationStatus
from passerelles.events.models import Meeting
from passerelles.site import perms
from passerelles.users.models import MembershipRequest
from tests.actors.factories import OrganisationFactory
from tests.bridges.factories import FundingCallFactory
from tests.cooperation.factories import first_version, world
from tests.events.factories import (
    EventFactory,
    ParticipantFactory,
    RegistrationFactory,
    make_slots,
    make_tables,
)
from tests.users.factories import (
    PASSWORD,
    AdminFactory,
    MembershipFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
MY_SPACE = reverse("site:my_space")


def text(response) -> str:
    return unescape(response.content.decode())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def w():
    return world()


# -- who sees it --------------------------------------------------------------------------


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(MY_SPACE)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('users:login')}?next={MY_SPACE}"
    assert not perms.can_view_my_space(type("Anon", (), {"is_authenticated": False})())


@pytest.mark.parametrize("factory", [UserFactory, PartnerAbroadFactory, StaffFactory, AdminFactory])
def test_every_signed_in_role_has_a_personal_home(factory):
    user = factory()
    response = signed_in(user).get(MY_SPACE)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert perms.can_view_my_space(user)
    assert perms.sees_staff_work(user) == user.is_network_staff
    html = text(response)
    assert ("Échéances des 30 prochains jours" in html) == user.is_network_staff


def test_a_newcomer_without_organisation_is_told_what_to_do():
    html = text(signed_in(UserFactory()).get(MY_SPACE))
    assert "Vous n'agissez encore pour aucune organisation" in html
    assert reverse("actors:propose") in html
    assert "Aucune inscription à un événement à venir" in html
    assert "Vous ne participez à aucun espace" in html
    assert "Rien ne vous attend pour l'instant" in html


# -- what a member sees -------------------------------------------------------------------


def test_a_member_sees_their_organisations_with_status_and_verification():
    user = UserFactory()
    published = OrganisationFactory(name="Terres Solidaires", last_verified_at=timezone.now())
    pending = OrganisationFactory(name="Jeune pousse", status="pending")
    MembershipFactory(user=user, organisation=published)
    MembershipFactory(user=user, organisation=pending)
    asked = OrganisationFactory(name="Autre asso")
    MembershipRequest.objects.create(user=user, organisation=asked)
    html = text(signed_in(user).get(MY_SPACE))
    assert "Terres Solidaires" in html and "informations confirmées le" in html
    assert "Jeune pousse" in html and "en attente de relecture" in html
    assert "informations jamais confirmées" in html
    assert "Autre asso" in html and "Demandes de rattachement en attente" in html
    assert reverse("actors:edit", args=[published.slug]) in html


def test_a_member_sees_upcoming_registrations_first_and_their_meetings():
    user = UserFactory(full_name="Awa Diallo")
    soon = EventFactory(title="Journée de Blois")
    later = EventFactory(
        title="Forum d'Orléans", starts_at=soon.starts_at + datetime.timedelta(days=20)
    )
    past = EventFactory(
        title="Rencontre passée",
        starts_at=timezone.now() - datetime.timedelta(days=40),
    )
    RegistrationFactory(event=later, user=user, status=RegistrationStatus.WAITING)
    mine = ParticipantFactory(user=user, name="Awa Diallo")
    RegistrationFactory(event=soon, user=user)
    RegistrationFactory(event=past, user=user)
    cancelled = RegistrationFactory(event=EventFactory(title="Annulé"), user=user)
    cancelled.status = RegistrationStatus.CANCELLED
    cancelled.save()
    other = ParticipantFactory(event=mine.event, name="Issa Kaboré")
    slot, table = make_slots(mine.event, 1)[0], make_tables(mine.event, 1)[0]
    a, b = sorted([mine, other], key=lambda r: r.pk)
    Meeting.objects.create(event=mine.event, a=a, b=b, slot=slot, table=table)
    html = text(signed_in(user).get(MY_SPACE))
    assert html.index("Journée de Blois") < html.index("Forum d'Orléans")
    assert "en liste d'attente" in html
    assert "Rencontre passée" in html and "Annulé" not in html
    assert reverse("events:mine") in html
    assert "avec Issa Kaboré, Table 1" in html
    assert "table Table" not in html
    assert reverse("events:agenda", args=[mine.token]) in html


def test_what_waits_in_a_space_is_listed_with_a_link_to_do_it(w):
    version = first_version(w)
    rnd = services.open_round(version, w.lead_user, member=w.lead)
    services.write_statement(w.space, w.lead, "Nous voulons garder nos semences", w.lead_user)
    html = text(signed_in(w.partner_user).get(MY_SPACE))
    round_url = reverse("cooperation:round", args=[w.space.project.slug, rnd.pk])
    assert "Donner votre réponse sur la raison d'être (version 1)" in html
    assert round_url in html
    assert "Donner votre avis sur 1 énoncé dans « Semences paysannes »" in html
    services.answer(rnd, w.partner, "consent", "", w.partner_user)
    html = text(signed_in(w.partner_user).get(MY_SPACE))
    assert round_url not in html  # answered: nothing waits any more


def test_an_invitation_and_a_request_to_decide_wait_for_the_right_people(w):
    guest = OrganisationFactory(name="Maison des semences")
    guest_user = UserFactory()
    MembershipFactory(user=guest_user, organisation=guest)
    services.invite(w.space, guest, w.here, w.lead_user)
    asker_org = OrganisationFactory(name="Coop Kaya")
    asker = PartnerAbroadFactory()
    MembershipFactory(user=asker, organisation=asker_org)
    services.request_to_join(w.space, asker_org, asker)
    assert "Répondre à l'invitation de Maison des semences" in text(
        signed_in(guest_user).get(MY_SPACE)
    )
    lead_html = text(signed_in(w.lead_user).get(MY_SPACE))
    assert "1 demande pour rejoindre « Semences paysannes » à traiter" in lead_html
    assert "#join-requests" in lead_html
    member_html = text(signed_in(w.member_user).get(MY_SPACE))
    assert "à traiter" not in member_html
    asker_html = text(signed_in(asker).get(MY_SPACE))
    assert "Coop Kaya demande à rejoindre « Semences paysannes »" in asker_html


def test_partner_suggestions_are_shown_for_a_published_organisation():
    user = UserFactory()
    org = OrganisationFactory(name="Eau pour tous Blois", seeks="Partenaire au Mali eau potable")
    MembershipFactory(user=user, organisation=org)
    OrganisationFactory(name="Hydro Mali", offers="Eau potable et forages au Mali")
    html = text(signed_in(user).get(MY_SPACE))
    assert "Partenaires possibles pour Eau pour tous Blois" in html
    assert f"{reverse('bridges:partners')}?organisation={org.slug}" in html


# -- what staff see -----------------------------------------------------------------------


def test_staff_see_the_queues_and_the_deadlines():
    staff = StaffFactory()
    OrganisationFactory(name="À relire", status="pending")
    Proposal.objects.create(kind="update", organisation=OrganisationFactory())
    MembershipRequest.objects.create(user=UserFactory(), organisation=OrganisationFactory())
    OrganisationFactory(name="Double", siren="123456789")
    OrganisationFactory(name="Double bis", siren="123456789")
    today = timezone.localdate()
    FundingCallFactory(title="Appel bientôt clos", closes_on=today + datetime.timedelta(days=5))
    FundingCallFactory(title="Appel lointain", closes_on=today + datetime.timedelta(days=90))
    EventFactory(
        title="Journée à inscription courte",
        registration_closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    html = text(signed_in(staff).get(MY_SPACE))
    assert "1 nouvelle organisation à relire" in html
    assert "1 correction à relire" in html
    assert "1 demande de rattachement à une organisation" in html
    assert "1 doublon probable à examiner" in html
    for name in ("actors:moderation", "membership:queue", "actors:duplicates"):
        assert reverse(name) in html
    assert "Appel bientôt clos" in html and "Appel lointain" not in html
    assert "Journée à inscription courte" in html
    # Members never see the staff queues.
    member_html = text(signed_in(UserFactory()).get(MY_SPACE))
    assert "à relire" not in member_html and reverse("actors:moderation") not in member_html


# -- getting there ------------------------------------------------------------------------


def test_signing_in_lands_on_my_space_unless_next_says_otherwise(client):
    UserFactory(email="awa@example.org")
    login = reverse("users:login")
    response = client.post(login, {"username": "awa@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == MY_SPACE
    client.logout()
    response = client.post(
        f"{login}?next=/evenements/", {"username": "awa@example.org", "password": PASSWORD}
    )
    assert response["Location"] == "/evenements/"


def test_the_header_and_the_account_page_link_to_my_space_and_my_registrations(client):
    assert MY_SPACE not in text(client.get(reverse("site:home")))
    user_client = signed_in(UserFactory())
    assert MY_SPACE in text(user_client.get(reverse("site:home")))
    account = text(user_client.get(reverse("users:account")))
    assert MY_SPACE in account and reverse("events:mine") in account
    assert 'aria-current="page">Mon espace' in text(user_client.get(MY_SPACE))


# -- light --------------------------------------------------------------------------------


def test_the_page_stays_light_however_much_the_person_does(w, django_assert_max_num_queries):
    user = w.lead_user
    for _ in range(3):
        RegistrationFactory(event=EventFactory(), user=user)
        org = OrganisationFactory()
        MembershipFactory(user=user, organisation=org)
    other = world()
    MembershipFactory(user=user, organisation=other.lead.organisation)
    first_version(w)
    client = signed_in(user)
    client.get(MY_SPACE)  # the suggestions are computed once, then kept in the page cache
    with django_assert_max_num_queries(16):
        response = client.get(MY_SPACE)
    assert response.status_code == 200


def test_the_staff_page_stays_light(django_assert_max_num_queries):
    staff = StaffFactory()
    for _ in range(5):
        OrganisationFactory(status="pending")
        FundingCallFactory(closes_on=timezone.localdate() + datetime.timedelta(days=3))
    client = signed_in(staff)
    client.get(MY_SPACE)
    with django_assert_max_num_queries(16):
        assert client.get(MY_SPACE).status_code == 200
