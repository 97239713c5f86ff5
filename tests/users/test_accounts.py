"""Accounts: sign-up, log-in by e-mail (any case), log-out by POST, password reset, the account
page, and the staff group that follows the network role."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from passerelles.actors.models import Proposal
from passerelles.users.groups import STAFF_GROUP_NAME
from passerelles.users.models import User
from tests.actors.factories import OrganisationFactory
from tests.users.factories import PASSWORD, MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_creates_a_member_and_logs_them_in(client):
    response = client.post(
        reverse("users:signup"),
        {
            "full_name": "Aminata Traoré",
            "email": "Aminata@Example.org",
            "password1": "un-long-mot-de-passe-42",
            "password2": "un-long-mot-de-passe-42",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("users:account")
    user = User.objects.get()
    assert user.email == "aminata@example.org" and user.role == "member"
    assert not user.is_staff
    assert client.get(reverse("users:account")).context["user"] == user


def test_sign_up_refuses_an_existing_email_in_any_case_and_mismatched_passwords(client):
    UserFactory(email="deja@example.org")
    response = client.post(
        reverse("users:signup"),
        {
            "full_name": "X",
            "email": "DEJA@example.org",
            "password1": "un-long-mot-de-passe-42",
            "password2": "un-autre-mot-de-passe-43",
        },
    )
    errors = response.context["form"].errors
    assert "existe déjà" in " ".join(errors["email"])
    assert "password2" in errors
    assert User.objects.count() == 1


def test_log_in_by_email_is_case_insensitive(client):
    UserFactory(email="camille@example.org")
    response = client.post(
        reverse("users:login"), {"username": "Camille@EXAMPLE.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("users:account")).status_code == 200


def test_a_wrong_password_gets_a_french_message(client):
    UserFactory(email="camille@example.org")
    response = client.post(
        reverse("users:login"), {"username": "camille@example.org", "password": "faux"}
    )
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()


def test_log_out_is_a_post(client):
    client.force_login(UserFactory())
    assert client.get(reverse("users:logout")).status_code == 405
    assert client.post(reverse("users:logout")).status_code == 302
    assert client.get(reverse("users:account")).status_code == 302


def test_password_reset_by_email(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="oubli@example.org")
    # The e-mail leaves once the request's transaction has committed (core.mail).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("users:password_reset"), {"email": "OUBLI@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "nouveau mot de passe" in body
    link = re.search(r"https?://[^/]+(/\S+)", body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "nouveau-secret-solide-7", "new_password2": "nouveau-secret-solide-7"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("nouveau-secret-solide-7")


def test_password_reset_pages_are_ours_not_the_admin_ones(client):
    html = client.get(reverse("users:password_reset")).content.decode()
    assert "Recevoir le lien" in html and "Django" not in html


def test_account_page_lists_organisations_and_proposals(client):
    user = UserFactory()
    org = OrganisationFactory(name="Cités Unies Loire")
    MembershipFactory(user=user, organisation=org, role="editor")
    pending = OrganisationFactory(name="Projet Sahel", status="pending")
    Proposal.objects.create(kind="create", organisation=pending, proposer=user)
    client.force_login(user)
    html = client.get(reverse("users:account")).content.decode()
    assert "Cités Unies Loire" in html and "contributeur·rice" in html
    assert "Projet Sahel" in html and "en attente" in html


def test_account_page_needs_a_log_in(client):
    response = client.get(reverse("users:account"))
    assert response.status_code == 302 and reverse("users:login") in response["Location"]


def test_staff_join_the_staff_group_and_leave_it_when_demoted():
    staff = StaffFactory()
    assert staff.is_staff
    assert staff.groups.filter(name=STAFF_GROUP_NAME).exists()
    assert staff.has_perm("actors.change_organisation")
    assert staff.has_perm("vocab.change_theme")
    assert not staff.has_perm("auth.change_group")
    staff.role = "member"
    staff.save()
    staff = User.objects.get(pk=staff.pk)
    assert not staff.is_staff
    assert not staff.groups.exists()
    assert not staff.has_perm("actors.change_organisation")


def test_the_staff_group_is_recreated_if_missing():
    Group.objects.filter(name=STAFF_GROUP_NAME).delete()
    staff = StaffFactory()
    assert staff.has_perm("actors.change_organisation")


def test_the_migration_created_the_staff_group_with_permissions():
    group = Group.objects.get(name=STAFF_GROUP_NAME)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_organisation", "change_proposal", "change_theme", "view_commune"} <= codenames
    assert "delete_user" not in codenames and "change_group" not in codenames


def test_staff_create_an_account_in_the_admin_without_the_admin_role(client):
    staff = StaffFactory()
    client.force_login(staff)
    data = {
        "email": "Nouvelle@Example.org",
        "full_name": "Nouvelle Personne",
        "role": "member",
        "usable_password": "true",
        "password1": "un-long-mot-de-passe-42",
        "password2": "un-long-mot-de-passe-42",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:users_user_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(email__iexact="nouvelle@example.org").role == "member"
    data["email"], data["role"] = "autre@example.org", "admin"
    response = client.post(reverse("admin:users_user_add"), data)
    assert response.status_code == 200  # refused: staff cannot make administrators
    assert not User.objects.filter(email="autre@example.org").exists()


@pytest.mark.django_db
def test_staff_group_gets_permissions_of_models_added_after_it():
    """A model born after the group (a later app's migration) reaches staff on the next
    migrate, without anyone ticking permissions by hand."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    from passerelles.users.groups import STAFF_GROUP_NAME, staff_group

    group = staff_group()
    change_org = Permission.objects.get(codename="change_organisation")
    group.permissions.remove(change_org)  # as if the model had arrived after the group
    ContentType.objects.clear_cache()
    call_command("migrate", verbosity=0)
    assert group.permissions.filter(pk=change_org.pk).exists()
    assert not group.permissions.filter(codename="change_group").exists()
    assert group.name == STAFF_GROUP_NAME
