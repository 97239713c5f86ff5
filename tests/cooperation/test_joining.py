"""The public page of spaces and the requests to join one: what each role sees and may do,
the leads' decision, the e-mails, bad input and double requests."""

from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from passerelles.cooperation import perms, services
from passerelles.cooperation.enums import JoinRequestStatus, LogKind, MemberRole, MemberStatus
from passerelles.cooperation.models import DecisionLogEntry, JoinRequest, Notification
from passerelles.cooperation.services import CooperationError
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.cooperation.factories import world
from tests.users.factories import (
    AdminFactory,
    MembershipFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DISCOVER = reverse("cooperation:discover")


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def w():
    return world()


def ask_url(w):
    return reverse("cooperation:ask_to_join", kwargs={"slug": w.space.project.slug})


def decide_url(w, jr, decision="accept"):
    name = "cooperation:join_accept" if decision == "accept" else "cooperation:join_refuse"
    return reverse(name, kwargs={"slug": w.space.project.slug, "pk": jr.pk})


def outsider(factory=UserFactory, org_factory=OrganisationFactory, **org):
    """A person acting for a published organisation that is not in the space."""
    user = factory()
    organisation = org_factory(**org)
    MembershipFactory(user=user, organisation=organisation)
    return user, organisation


def ask(client, w, organisation, message=""):
    prefix = f"s{w.space.pk}"
    return client.post(
        ask_url(w), {f"{prefix}-organisation": organisation.pk, f"{prefix}-message": message}
    )


# -- the public page --------------------------------------------------------------------


def test_visitors_get_an_explanation_and_the_listed_spaces_not_a_sign_in_form(client, w):
    page = client.get(DISCOVER)
    html = text(page)
    assert page.status_code == 200
    assert "par consentement" in html and "les mêmes droits" in html
    assert "Semences paysannes" in html
    assert "3 organisations membres" in html
    assert "Burkina Faso" in html  # the project's country there
    assert reverse("users:login") in html and reverse("users:signup") in html
    # The old entry point sends visitors here instead of to a bare sign-in form.
    response = client.get(reverse("cooperation:index"))
    assert response.status_code == 302 and response["Location"] == DISCOVER


def test_the_public_page_never_shows_what_is_said_inside(client, w):
    services.write_statement(w.space, w.member, "Un énoncé interne", w.member_user)
    html = text(client.get(DISCOVER))
    assert "Un énoncé interne" not in html
    assert "Lycée agricole" not in html  # members are not public by default


def test_unlisted_spaces_and_spaces_of_unpublished_projects_are_not_shown(client, w):
    w.space.listed = False
    w.space.save()
    assert "Semences paysannes" not in text(client.get(DISCOVER))
    user, org = outsider()
    client.force_login(user)
    assert ask(client, w, org).status_code == 404
    assert not JoinRequest.objects.exists()


def test_the_home_page_card_leads_to_the_public_page(client):
    assert DISCOVER in text(client.get(reverse("site:home")))


# -- asking -------------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [UserFactory, PartnerAbroadFactory], ids=["member", "abroad"])
def test_a_member_or_a_partner_abroad_asks_to_join_for_their_organisation(
    client, w, factory, django_capture_on_commit_callbacks
):
    user, org = outsider(factory, AbroadOrganisationFactory, name="Coopérative de Kaya")
    client.force_login(user)
    html = text(client.get(DISCOVER))
    assert "Demander à rejoindre pour Coopérative de Kaya" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, w, org, "Nous produisons des semences.")
    assert response.status_code == 302
    jr = JoinRequest.objects.get()
    assert (jr.organisation, jr.requested_by, jr.status) == (org, user, JoinRequestStatus.PENDING)
    assert jr.message == "Nous produisons des semences."
    # The lead is told, in the inbox and by e-mail; the other members are not asked to decide.
    assert [m.to for m in mail.outbox] == [[w.lead_user.email]]
    assert "Coopérative de Kaya demande à rejoindre" in mail.outbox[0].subject
    assert Notification.objects.filter(user=w.lead_user, kind="join_request").exists()
    assert DecisionLogEntry.objects.filter(kind=LogKind.JOIN_REQUESTED).count() == 1
    html = text(client.get(DISCOVER))
    assert "attend la réponse" in html and "Demander à rejoindre pour" not in html


def test_a_double_request_makes_one_request(client, w):
    user, org = outsider()
    client.force_login(user)
    ask(client, w, org)
    response = ask(client, w, org)
    assert response.status_code == 302
    assert JoinRequest.objects.count() == 1
    page = client.get(DISCOVER)
    assert "déjà enregistrée" in text(page)


def test_the_service_returns_the_waiting_request_when_asked_twice(w):
    user, org = outsider()
    first, created = services.request_to_join(w.space, org, user)
    second, created_again = services.request_to_join(w.space, org, user)
    assert created and not created_again and first.pk == second.pk


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("organisation", "abc", "n'est pas partie"),
        ("organisation", "999999", "n'est pas partie"),
        ("message", "x" * 2001, "n'est pas partie"),
    ],
)
def test_bad_input_gives_a_clear_message_never_an_error_page(client, w, field, value, words):
    user, org = outsider()
    client.force_login(user)
    prefix = f"s{w.space.pk}"
    data = {f"{prefix}-organisation": org.pk, f"{prefix}-message": ""}
    data[f"{prefix}-{field}"] = value
    response = client.post(ask_url(w), data, follow=True)
    assert response.status_code == 200
    assert words in text(response)
    assert not JoinRequest.objects.exists()


def test_an_organisation_of_someone_else_cannot_be_used(client, w):
    user, _org = outsider()
    other = OrganisationFactory()
    client.force_login(user)
    response = client.post(ask_url(w), {f"s{w.space.pk}-organisation": other.pk}, follow=True)
    assert "n'est pas partie" in text(response)
    assert not JoinRequest.objects.exists()


def test_members_already_in_the_space_are_told_so(client, w):
    client.force_login(w.member_user)
    html = text(client.get(DISCOVER))
    assert "Membre : Lycée agricole" in html
    response = ask(client, w, w.member.organisation)
    assert response.status_code == 302
    assert not JoinRequest.objects.exists()
    with pytest.raises(CooperationError):
        services.request_to_join(w.space, w.member.organisation, w.member_user)


def test_a_pending_organisation_cannot_ask_yet(w):
    user, org = outsider(status="pending")
    assert not perms.can_ask_to_join(user, w.space)
    with pytest.raises(CooperationError, match="publiée"):
        services.request_to_join(w.space, org, user)


@pytest.mark.parametrize(
    "role, expected",
    [
        ("visitor", 302),  # to sign in
        ("no_organisation", 403),
        ("staff", 403),
        ("admin", 403),
        ("member", 302),
        ("partner", 302),
    ],
)
def test_who_may_ask_to_join(client, w, role, expected):
    org = OrganisationFactory()
    users = {
        "visitor": None,
        "no_organisation": UserFactory(),
        "staff": StaffFactory(),
        "admin": AdminFactory(),
        "member": UserFactory(),
        "partner": PartnerAbroadFactory(),
    }
    user = users[role]
    if role in ("member", "partner"):
        MembershipFactory(user=user, organisation=org)
    if user is not None:
        client.force_login(user)
    response = ask(client, w, org)
    assert response.status_code == expected
    if role == "visitor":
        assert reverse("users:login") in response["Location"]
    assert JoinRequest.objects.exists() == (role in ("member", "partner"))
    assert perms.can_list_spaces(user) is True


def test_asking_needs_a_post_and_the_csrf_token(w):
    from django.test import Client

    user, org = outsider()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.get(ask_url(w)).status_code == 405
    assert strict.post(ask_url(w), {f"s{w.space.pk}-organisation": org.pk}).status_code == 403
    assert not JoinRequest.objects.exists()


# -- deciding -----------------------------------------------------------------------------


@pytest.fixture
def asked(w):
    user, org = outsider(PartnerAbroadFactory, AbroadOrganisationFactory, name="Coop Kaya")
    jr, _ = services.request_to_join(w.space, org, user, "Bonjour")
    return jr, user


def test_the_lead_sees_the_request_on_the_space_page_and_accepts_it(
    client, w, asked, django_capture_on_commit_callbacks
):
    jr, requester = asked
    client.force_login(w.lead_user)
    html = text(client.get(w.space.get_absolute_url()))
    assert 'id="join-requests"' in html and "Coop Kaya" in html and "Bonjour" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide_url(w, jr), {f"j{jr.pk}-college": w.there.pk, f"j{jr.pk}-role": "member"}
        )
    assert response.status_code == 302
    jr.refresh_from_db()
    assert jr.status == JoinRequestStatus.ACCEPTED and jr.decided_by == w.lead_user
    member = jr.member
    assert (member.status, member.college, member.role) == (
        MemberStatus.ACTIVE,
        w.there,
        MemberRole.MEMBER,
    )
    # Exactly as an accepted invitation: the same log step, the same rights in the space.
    assert DecisionLogEntry.objects.filter(kind=LogKind.MEMBER_JOINED).exists()
    assert perms.can_take_part(requester, w.space)
    assert [m.to for m in mail.outbox] == [[requester.email]]
    assert "votre demande est acceptée" in mail.outbox[0].subject


def test_the_lead_declines_with_a_reason_the_organisation_is_told(
    client, w, asked, django_capture_on_commit_callbacks
):
    jr, requester = asked
    client.force_login(w.lead_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide_url(w, jr, "refuse"), {f"j{jr.pk}-reason": "Le collège est complet."})
    jr.refresh_from_db()
    assert jr.status == JoinRequestStatus.REFUSED and jr.reason == "Le collège est complet."
    assert not w.space.members.filter(organisation=jr.organisation).exists()
    assert "Le collège est complet." in mail.outbox[0].subject


def test_a_request_is_decided_once(client, w, asked):
    jr, _requester = asked
    client.force_login(w.lead_user)
    data = {f"j{jr.pk}-college": w.there.pk, f"j{jr.pk}-role": "member"}
    client.post(decide_url(w, jr), data)
    response = client.post(decide_url(w, jr, "refuse"), {}, follow=True)
    assert response.status_code == 200
    assert "déjà été traitée" in text(response)
    jr.refresh_from_db()
    assert jr.status == JoinRequestStatus.ACCEPTED


def test_a_college_of_another_space_is_refused_in_words(client, w, asked):
    jr, _requester = asked
    other = world()
    client.force_login(w.lead_user)
    response = client.post(
        decide_url(w, jr),
        {f"j{jr.pk}-college": other.here.pk, f"j{jr.pk}-role": "lead"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Choisissez un collège" in text(response)
    jr.refresh_from_db()
    assert jr.is_pending


@pytest.mark.parametrize(
    "who, expected",
    [
        ("visitor", 302),
        ("outsider", 403),
        ("staff", 403),
        ("admin", 403),
        ("member", 403),
        ("partner", 403),
        ("lead", 302),
    ],
)
def test_only_the_leads_decide(client, w, asked, who, expected):
    jr, _requester = asked
    user = {
        "visitor": None,
        "outsider": UserFactory(),
        "staff": StaffFactory(),
        "admin": AdminFactory(),
        "member": w.member_user,
        "partner": w.partner_user,
        "lead": w.lead_user,
    }[who]
    if user is not None:
        client.force_login(user)
    response = client.post(
        decide_url(w, jr), {f"j{jr.pk}-college": w.here.pk, f"j{jr.pk}-role": "member"}
    )
    assert response.status_code == expected
    jr.refresh_from_db()
    assert jr.is_pending == (who != "lead")
    if user is not None:
        assert perms.can_decide_join_request(user, w.space) == (who == "lead")
    # Only leads see the requests on the space page.
    if user is not None and who != "lead" and perms.can_view_space(user, w.space):
        assert 'id="join-requests"' not in text(client.get(w.space.get_absolute_url()))


def test_an_organisation_that_left_comes_back_on_the_same_row(w):
    services.leave(w.member, w.member_user)
    jr, _ = services.request_to_join(w.space, w.member.organisation, w.member_user)
    member = services.accept_join_request(jr, w.here, w.lead_user)
    assert member.pk == w.member.pk and member.status == MemberStatus.ACTIVE


def test_leads_take_a_space_off_the_public_page_in_its_governance_rules(client, w):
    client.force_login(w.lead_user)
    governance = reverse("cooperation:governance", kwargs={"slug": w.space.project.slug})
    assert "présenté sur la page publique des espaces" in text(client.get(governance)).lower()
    data = {
        "rules-min_there_percent": 33,
        "rules-review_months": 12,
        "rules-public_purpose": "on",
        # "rules-listed" left unticked
        "colleges-TOTAL_FORMS": 2,
        "colleges-INITIAL_FORMS": 2,
        "colleges-MIN_NUM_FORMS": 0,
        "colleges-MAX_NUM_FORMS": 1000,
    }
    for i, college in enumerate([w.here, w.there]):
        data.update(
            {
                f"colleges-{i}-id": college.pk,
                f"colleges-{i}-name": college.name,
                f"colleges-{i}-quorum_kind": college.quorum_kind,
                f"colleges-{i}-quorum": college.quorum,
            }
        )
    assert client.post(governance, data).status_code == 302
    w.space.refresh_from_db()
    assert not w.space.listed
    client.logout()
    assert "Semences paysannes" not in text(client.get(DISCOVER))
