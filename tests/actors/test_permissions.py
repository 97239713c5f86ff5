"""Each network role on each view that changes data: status codes and effects.

Roles: visitor (anonymous), member of the organisation, member of another organisation,
partner abroad, staff, admin."""

import pytest
from django.urls import reverse

from passerelles.actors import perms
from passerelles.actors.enums import Status
from passerelles.actors.models import ChangeRecord, NotDuplicate, Organisation, Proposal
from passerelles.core.history import ChangeSource
from tests.actors.contribution_helpers import (
    ROLES,
    STAFF_ROLES,
    client_for,
    edit_data,
    org_form_data,
)
from tests.actors.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# What each role gets on a staff-only page: visitors are sent to log in, others refused.
STAFF_ONLY = {
    "visitor": 302,
    "member": 403,
    "other_member": 403,
    "partner_abroad": 403,
    "staff": 200,
    "admin": 200,
}


@pytest.fixture
def org():
    return OrganisationFactory(name="Maison des Solidarités", siren="732829320")


@pytest.fixture
def pending(org):
    """A visitor's proposal of an organisation that duplicates `org`."""
    dup = OrganisationFactory(
        name="Maison des solidarités", status=Status.PENDING, source="user", siren="732829320"
    )
    return Proposal.objects.create(kind="create", organisation=dup, proposer_email="v@example.org")


def _is_login_redirect(response):
    return response.status_code == 302 and reverse("users:login") in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_propose(role, org):
    client, user = client_for(role, org)
    assert client.get(reverse("actors:propose")).status_code == 200
    data = org_form_data(name="Nouvelle structure", contact_email="v@example.org")
    response = client.post(reverse("actors:propose"), data)
    assert response.status_code == 302
    proposal = Proposal.objects.get(organisation__name="Nouvelle structure")
    assert proposal.organisation.status == Status.PENDING
    assert proposal.proposer == user
    # Proposing does not make anyone a member of what they proposed.
    assert not proposal.organisation.memberships.exists()


@pytest.mark.parametrize("role", ROLES)
def test_edit(role, org):
    client, user = client_for(role, org)
    url = reverse("actors:edit", args=[org.slug])
    allowed = role in {"member", "staff", "admin"}
    response = client.get(url)
    if allowed:
        assert response.status_code == 200
    elif role == "visitor":
        assert _is_login_redirect(response)
    else:
        assert response.status_code == 403
    response = client.post(url, edit_data(org, name="Nom changé"))
    org.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert org.name == "Nom changé"
        record = ChangeRecord.objects.exclude(source=ChangeSource.SYSTEM).get(organisation=org)
        assert record.user == user and record.changes["name"] == [
            "Maison des Solidarités",
            "Nom changé",
        ]
    else:
        assert response.status_code in (302, 403)
        assert org.name == "Maison des Solidarités"
        assert not ChangeRecord.objects.exclude(source=ChangeSource.SYSTEM).exists()


@pytest.mark.parametrize("role", ROLES)
def test_correct(role, org):
    client, user = client_for(role, org)
    url = reverse("actors:correct", args=[org.slug])
    response = client.get(url)
    if role in {"member", "staff", "admin"}:
        # No moderation needed for them: straight to the edit form.
        assert response.status_code == 302 and response["Location"].endswith("/modifier/")
    else:
        assert response.status_code == 200
    data = edit_data(org, phone="02 54 00 00 00", contact_email="v@example.org")
    response = client.post(url, data)
    assert response.status_code == 302
    proposal = Proposal.objects.get(kind="update")
    assert proposal.payload == {"phone": "02 54 00 00 00"}
    assert proposal.proposer == user
    org.refresh_from_db()
    assert org.phone == ""  # nothing applied before moderation


@pytest.mark.parametrize("role", ROLES)
def test_correcting_an_unpublished_organisation_is_not_possible(role, pending):
    client, _ = client_for(role, pending.organisation)
    url = reverse("actors:correct", args=[pending.organisation.slug])
    assert client.post(url, {"phone": "1"}).status_code == 404
    assert not Proposal.objects.filter(kind="update").exists()


@pytest.mark.parametrize("role", ROLES)
def test_moderation_queue(role, org, pending):
    client, _ = client_for(role, org)
    response = client.get(reverse("actors:moderation"))
    assert response.status_code == STAFF_ONLY[role]
    if role == "visitor":
        assert _is_login_redirect(response)
    if role in STAFF_ROLES:
        assert pending.organisation.name in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_review_page(role, org, pending):
    client, _ = client_for(role, org)
    response = client.get(reverse("actors:review", args=[pending.pk]))
    assert response.status_code == STAFF_ONLY[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("action", "extra", "status_after"),
    [
        ("approve", {}, "approved"),
        ("reject", {"reason": "Hors du champ du réseau."}, "rejected"),
        ("merge", {"target": "TARGET"}, "merged"),
    ],
)
def test_review_decisions(role, action, extra, status_after, org, pending):
    client, _ = client_for(role, org)
    data = {"action": action, **{k: (org.pk if v == "TARGET" else v) for k, v in extra.items()}}
    response = client.post(reverse("actors:review", args=[pending.pk]), data)
    pending.refresh_from_db()
    if role in STAFF_ROLES:
        assert response.status_code == 302
        assert pending.status == status_after
    else:
        assert response.status_code == STAFF_ONLY[role]
        assert pending.status == "pending"
        assert Organisation.objects.get(pk=pending.organisation_id).status == Status.PENDING


@pytest.mark.parametrize("role", ROLES)
def test_not_duplicate_from_review(role, org, pending):
    client, _ = client_for(role, org)
    data = {"action": "not_duplicate", "other": org.pk}
    response = client.post(reverse("actors:review", args=[pending.pk]), data)
    assert NotDuplicate.objects.exists() == (role in STAFF_ROLES)
    assert response.status_code == (302 if role in STAFF_ROLES else STAFF_ONLY[role])


@pytest.mark.parametrize("role", ROLES)
def test_duplicates_page_and_actions(role, org, pending):
    client, _ = client_for(role, org)
    url = reverse("actors:duplicates")
    assert client.get(url).status_code == STAFF_ONLY[role]
    dup = pending.organisation
    response = client.post(url, {"action": "not_duplicate", "first": org.pk, "second": dup.pk})
    assert NotDuplicate.objects.exists() == (role in STAFF_ROLES)
    response = client.post(url, {"action": "merge", "first": org.pk, "second": dup.pk})
    dup.refresh_from_db()
    if role in STAFF_ROLES:
        assert response.status_code == 302
        assert dup.status == Status.ARCHIVED
    else:
        assert response.status_code == STAFF_ONLY[role]
        assert dup.status == Status.PENDING


@pytest.mark.parametrize("role", ROLES)
def test_history_is_public_for_a_published_organisation(role, org):
    client, _ = client_for(role, org)
    assert client.get(reverse("actors:history", args=[org.slug])).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_history_of_a_pending_organisation_is_for_staff(role, org, pending):
    client, _ = client_for(role, org)
    response = client.get(reverse("actors:history", args=[pending.organisation.slug]))
    assert response.status_code == (200 if role in STAFF_ROLES else 404)


@pytest.mark.parametrize("role", ROLES)
def test_admin_changelist(role, org):
    client, _ = client_for(role, org)
    response = client.get(reverse("admin:actors_organisation_changelist"))
    if role in STAFF_ROLES:
        assert response.status_code == 200
        assert org.name in response.content.decode()
    else:
        # Not staff: the admin sends them to its own log-in page.
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_admin_edit_of_an_organisation(role, org):
    client, user = client_for(role, org)
    url = reverse("admin:actors_organisation_change", args=[org.pk])
    response = client.get(url)
    assert response.status_code == (200 if role in STAFF_ROLES else 302)


def test_staff_cannot_manage_groups_or_promote_to_admin(org):
    client, staff = client_for("staff", org)
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    admin_client, admin = client_for("admin", org)
    change_admin = reverse("admin:users_user_change", args=[admin.pk])
    response = client.post(change_admin, {"email": admin.email, "role": "member"})
    assert response.status_code == 403
    admin.refresh_from_db()
    assert admin.role == "admin"
    response = client.get(reverse("admin:users_user_change", args=[staff.pk]))
    roles = [value for value, _ in response.context["adminform"].form.fields["role"].choices]
    assert "staff" in roles and "admin" not in roles
    assert admin_client.get(reverse("admin:auth_group_changelist")).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_permission_functions_agree_with_the_views(role, org):
    from django.contrib.auth.models import AnonymousUser

    _, user = client_for(role, org)
    user = user or AnonymousUser()
    assert perms.can_propose(user)
    assert perms.can_suggest_correction(user, org)
    assert perms.can_edit_organisation(user, org) == (role in {"member", "staff", "admin"})
    assert perms.can_moderate(user) == (role in STAFF_ROLES)
    assert perms.can_use_admin(user) == (role in STAFF_ROLES)
    assert perms.can_see_contributor_identity(user) == (role in STAFF_ROLES)


def test_a_non_member_is_told_why_and_offered_a_correction(org):
    client, _ = client_for("other_member", org)
    response = client.get(reverse("actors:edit", args=[org.slug]))
    assert response.status_code == 403
    assert reverse("actors:correct", args=[org.slug]) in response.content.decode()
