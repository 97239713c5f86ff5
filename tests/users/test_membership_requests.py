"""Membership requests ("Je représente cette organisation"): asking, withdrawing, the staff
queue, approving (then editing the organisation) or rejecting with a reason e-mailed, the
database invariants, and who may do what for each network role."""

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from passerelles.actors import perms as actor_perms
from passerelles.actors.enums import Status
from passerelles.users import perms
from passerelles.users.enums import MembershipRequestStatus, MembershipRole
from passerelles.users.models import Membership, MembershipRequest, MembershipRequestError
from tests.actors.contribution_helpers import ROLES, STAFF_ROLES, client_for
from tests.actors.factories import OrganisationFactory
from tests.users.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganisationFactory(name="Les Amis du Sahel")


@pytest.fixture
def requester():
    return UserFactory(email="aminata@example.org", full_name="Aminata Traoré")


@pytest.fixture
def requester_client(requester):
    client = Client()
    client.force_login(requester)
    return client


@pytest.fixture
def staff_client():
    staff = StaffFactory(email="equipe@example.org")
    client = Client()
    client.force_login(staff)
    client.staff = staff
    return client


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _is_login_redirect(response):
    return response.status_code == 302 and reverse("users:login") in response["Location"]


def _request_url(org):
    return reverse("membership:request", args=[org.slug])


def _pending(user, org, message=""):
    return MembershipRequest.objects.create(user=user, organisation=org, message=message)


# -- the whole flow -----------------------------------------------------------------------


def test_request_then_approval_lets_the_person_edit_the_organisation(
    org, requester, requester_client, staff_client, django_capture_on_commit_callbacks, mailoutbox
):
    edit_url = reverse("actors:edit", args=[org.slug])
    assert requester_client.get(edit_url).status_code == 403

    # The organisation page offers the request.
    page = requester_client.get(org.get_absolute_url()).content.decode()
    assert "Je représente cette organisation" in page and _request_url(org) in page

    form_page = requester_client.get(_request_url(org))
    assert form_page.status_code == 200
    assert "Votre fonction dans l&#x27;organisation" in form_page.content.decode()

    response = requester_client.post(_request_url(org), {"message": "Trésorière depuis 2021"})
    assert response.status_code == 302 and response["Location"] == reverse("users:account")
    assert "est envoyée" in _messages(response)[0]
    membership_request = MembershipRequest.objects.get()
    assert membership_request.status == MembershipRequestStatus.PENDING
    assert membership_request.message == "Trésorière depuis 2021"

    # The account page lists it, with a way to withdraw it; the offer disappears.
    account = requester_client.get(reverse("users:account")).content.decode()
    assert "Mes demandes de rattachement" in account and "Les Amis du Sahel" in account
    assert "Retirer ma demande" in account
    page = requester_client.get(org.get_absolute_url()).content.decode()
    assert "Je représente cette organisation" not in page

    # Staff see it in the queue, linked from the moderation queue with the count.
    moderation = staff_client.get(reverse("actors:moderation")).content.decode()
    assert "Demandes de rattachement (1 en attente)" in moderation
    queue = staff_client.get(reverse("membership:queue"))
    html = queue.content.decode()
    assert queue.status_code == 200
    assert "Aminata Traoré" in html and "aminata@example.org" in html
    assert "Trésorière depuis 2021" in html and "Les Amis du Sahel" in html
    # Nobody acts for it yet: the first person is proposed as its manager.
    assert "Aucun : la personne sera la première rattachée." in html
    assert queue.context["rows"][0]["approve_form"].initial["role"] == MembershipRole.ADMIN

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("membership:approve", args=[membership_request.pk]),
            {"role": MembershipRole.EDITOR},
        )
    assert response.status_code == 302
    assert "est rattaché·e à « Les Amis du Sahel »" in _messages(response)[0]
    membership_request.refresh_from_db()
    assert membership_request.status == MembershipRequestStatus.APPROVED
    assert membership_request.role == MembershipRole.EDITOR
    assert membership_request.decided_by == staff_client.staff
    assert membership_request.decided_at is not None
    membership = Membership.objects.get(user=requester, organisation=org)
    assert membership.role == MembershipRole.EDITOR

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["aminata@example.org"]
    assert "Les Amis du Sahel" in mailoutbox[0].subject
    assert edit_url in mailoutbox[0].body

    assert requester_client.get(edit_url).status_code == 200
    account = requester_client.get(reverse("users:account")).content.decode()
    assert "acceptée" in account and "Retirer ma demande" not in account


def test_an_organisation_with_members_proposes_the_editor_role_and_lists_them(
    org, requester, staff_client
):
    MembershipFactory(organisation=org, user=UserFactory(email="gerant@example.org"))
    _pending(requester, org)
    response = staff_client.get(reverse("membership:queue"))
    assert response.context["rows"][0]["approve_form"].initial["role"] == MembershipRole.EDITOR
    assert "gerant@example.org" in response.content.decode()


def test_rejection_requires_a_reason_and_emails_it(
    org, requester, requester_client, staff_client, django_capture_on_commit_callbacks, mailoutbox
):
    membership_request = _pending(requester, org)
    url = reverse("membership:reject", args=[membership_request.pk])

    response = staff_client.post(url, {"reason": "   "})
    assert response.status_code == 400
    assert "Indiquez le motif du refus" in response.content.decode()
    assert _messages(response) == ["Indiquez le motif du refus : il sera envoyé par e-mail."]
    membership_request.refresh_from_db()
    assert membership_request.status == MembershipRequestStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"reason": "Nous ne trouvons pas votre nom."})
    assert response.status_code == 302
    assert "refusée" in _messages(response)[0]
    membership_request.refresh_from_db()
    assert membership_request.status == MembershipRequestStatus.REJECTED
    assert membership_request.reason == "Nous ne trouvons pas votre nom."
    assert not Membership.objects.exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["aminata@example.org"]
    assert "n'a pas été acceptée" in mailoutbox[0].subject
    assert "Nous ne trouvons pas votre nom." in mailoutbox[0].body

    account = requester_client.get(reverse("users:account")).content.decode()
    assert "refusée" in account and "Nous ne trouvons pas votre nom." in account
    # Refused once, the person may ask again.
    assert actor_perms.can_request_membership(requester, org)


def test_no_email_leaves_when_the_transaction_is_rolled_back(
    org, requester, staff_client, mailoutbox
):
    membership_request = _pending(requester, org)
    # The test's transaction never commits, so the on-commit e-mail never leaves.
    staff_client.post(
        reverse("membership:reject", args=[membership_request.pk]), {"reason": "Non."}
    )
    assert mailoutbox == []


def test_a_duplicate_pending_request_is_explained_not_created(org, requester, requester_client):
    _pending(requester, org)
    response = requester_client.get(_request_url(org))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vous avez déjà demandé à représenter cette organisation" in html
    assert "Envoyer ma demande" not in html
    response = requester_client.post(_request_url(org), {"message": "encore"})
    assert response.status_code == 409
    assert "Vous avez déjà demandé" in response.content.decode()
    assert MembershipRequest.objects.count() == 1


def test_a_member_is_told_they_already_act_for_it(org, requester, requester_client):
    MembershipFactory(user=requester, organisation=org, role=MembershipRole.EDITOR)
    response = requester_client.get(_request_url(org))
    assert "Vous êtes déjà rattaché·e à cette organisation" in response.content.decode()
    assert requester_client.post(_request_url(org), {}).status_code == 409
    assert not MembershipRequest.objects.exists()


def test_the_message_is_limited_to_1000_characters(org, requester_client):
    response = requester_client.post(_request_url(org), {"message": "x" * 1001})
    assert response.status_code == 400
    assert "1000" in response.content.decode() or "1 000" in response.content.decode()
    assert not MembershipRequest.objects.exists()


def test_unpublished_organisations_cannot_be_claimed(requester_client):
    pending_org = OrganisationFactory(status=Status.PENDING)
    assert requester_client.get(_request_url(pending_org)).status_code == 404
    assert requester_client.post(_request_url(pending_org), {}).status_code == 404
    assert requester_client.get(reverse("membership:request", args=["nope"])).status_code == 404


def test_the_database_allows_one_pending_request_per_person_and_organisation(org, requester):
    first = _pending(requester, org)
    with pytest.raises(IntegrityError), transaction.atomic():
        _pending(requester, org)
    first.withdraw()
    # Decided requests stay as a record; a new pending one is allowed.
    assert _pending(requester, org).is_pending


def test_the_database_refuses_a_rejection_without_reason(org, requester):
    membership_request = _pending(requester, org)
    membership_request.status = MembershipRequestStatus.REJECTED
    with pytest.raises(IntegrityError), transaction.atomic():
        membership_request.save()


# -- withdrawing and deciding twice -------------------------------------------------------


def test_the_requester_withdraws_a_pending_request(org, requester, requester_client):
    membership_request = _pending(requester, org)
    url = reverse("membership:withdraw", args=[membership_request.pk])
    assert requester_client.get(url).status_code == 405
    response = requester_client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("users:account")
    assert "est retirée" in _messages(response)[0]
    membership_request.refresh_from_db()
    assert membership_request.status == MembershipRequestStatus.WITHDRAWN
    account = requester_client.get(reverse("users:account")).content.decode()
    assert "retirée" in account and "Retirer ma demande" not in account
    # Withdrawing again is refused with a message.
    response = requester_client.post(url)
    assert _messages(response) == ["Cette demande a déjà été traitée (retirée)."]
    # Withdrawn, the person may ask again.
    assert actor_perms.can_request_membership(requester, org)


@pytest.mark.parametrize("first", ["approve", "reject"])
@pytest.mark.parametrize("second", ["approve", "reject"])
def test_a_decided_request_cannot_be_decided_twice(
    first, second, org, requester, staff_client, django_capture_on_commit_callbacks, mailoutbox
):
    membership_request = _pending(requester, org)
    data = {"role": MembershipRole.EDITOR, "reason": "Non."}
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse(f"membership:{first}", args=[membership_request.pk]), data)
        response = staff_client.post(
            reverse(f"membership:{second}", args=[membership_request.pk]),
            {"role": MembershipRole.ADMIN, "reason": "Autre motif."},
        )
    assert response.status_code == 302
    assert _messages(response)[-1].startswith("Cette demande a déjà été traitée")
    membership_request.refresh_from_db()
    expected = "approved" if first == "approve" else "rejected"
    assert membership_request.status == expected
    assert len(mailoutbox) == 1
    if first == "approve":
        assert Membership.objects.get().role == MembershipRole.EDITOR


def test_approve_is_idempotent_and_updates_an_existing_membership(org, requester):
    staff = StaffFactory()
    # Staff attached the person in the admin while the request waited.
    MembershipFactory(user=requester, organisation=org, role=MembershipRole.EDITOR)
    membership_request = _pending(requester, org)
    assert membership_request.approve(staff, MembershipRole.ADMIN) is True
    assert membership_request.approve(staff, MembershipRole.EDITOR) is False
    assert Membership.objects.get().role == MembershipRole.ADMIN
    with pytest.raises(MembershipRequestError):
        membership_request.reject(staff, "Trop tard.")
    with pytest.raises(MembershipRequestError):
        membership_request.withdraw()


def test_unknown_ids_are_404(staff_client, requester_client):
    for name in ("approve", "reject"):
        assert staff_client.post(reverse(f"membership:{name}", args=[999])).status_code == 404
    assert requester_client.post(reverse("membership:withdraw", args=[999])).status_code == 404


def test_an_unknown_role_is_refused_with_a_message(org, requester, staff_client):
    membership_request = _pending(requester, org)
    response = staff_client.post(
        reverse("membership:approve", args=[membership_request.pk]), {"role": "owner"}
    )
    assert response.status_code == 400
    assert _messages(response) == ["Choisissez le rôle à accorder."]
    assert not Membership.objects.exists()


def test_changes_require_post(org, requester, staff_client):
    membership_request = _pending(requester, org)
    for name in ("approve", "reject"):
        assert (
            staff_client.get(
                reverse(f"membership:{name}", args=[membership_request.pk])
            ).status_code
            == 405
        )
    assert staff_client.post(reverse("membership:queue")).status_code == 405


# -- who may do what ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_request(role, org):
    client, user = client_for(role, org)
    response = client.post(_request_url(org), {"message": "Chargé de mission"})
    if role == "visitor":
        assert _is_login_redirect(response)
        assert _request_url(org) in response["Location"]  # next= brings them back here
        assert not MembershipRequest.objects.exists()
        page = client.get(org.get_absolute_url()).content.decode()
        assert "Je représente cette organisation" in page
    elif role == "member":
        assert response.status_code == 409
        assert not MembershipRequest.objects.exists()
        page = client.get(org.get_absolute_url()).content.decode()
        assert "Je représente cette organisation" not in page
    else:
        assert response.status_code == 302
        assert MembershipRequest.objects.get().user == user


@pytest.mark.parametrize("role", ROLES)
def test_withdraw(role, org, requester):
    membership_request = _pending(requester, org)
    client, _user = client_for(role, org)
    response = client.post(reverse("membership:withdraw", args=[membership_request.pk]))
    if role == "visitor":
        assert _is_login_redirect(response)
    else:
        # Somebody else's request, even for staff: hidden.
        assert response.status_code == 404
    membership_request.refresh_from_db()
    assert membership_request.is_pending


@pytest.mark.parametrize("role", ROLES)
def test_queue(role, org, requester):
    _pending(requester, org)
    client, _user = client_for(role, org)
    response = client.get(reverse("membership:queue"))
    if role == "visitor":
        assert _is_login_redirect(response)
    elif role in STAFF_ROLES:
        assert response.status_code == 200
        assert "aminata@example.org" in response.content.decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_decide(role, decision, org, requester):
    membership_request = _pending(requester, org)
    client, user = client_for(role, org)
    response = client.post(
        reverse(f"membership:{decision}", args=[membership_request.pk]),
        {"role": MembershipRole.EDITOR, "reason": "Inconnu·e de la structure."},
    )
    membership_request.refresh_from_db()
    if role == "visitor":
        assert _is_login_redirect(response)
    elif role in STAFF_ROLES:
        assert response.status_code == 302
        assert membership_request.decided_by == user
        assert membership_request.status == ("approved" if decision == "approve" else "rejected")
        return
    else:
        assert response.status_code == 403
    assert membership_request.is_pending
    assert not Membership.objects.filter(user=requester).exists()


def test_only_staff_see_the_count_and_may_review():
    assert not perms.can_review_membership_requests(UserFactory())
    assert perms.can_review_membership_requests(StaffFactory())
    inactive = StaffFactory(is_active=False)
    assert not perms.can_review_membership_requests(inactive)
