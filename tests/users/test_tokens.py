"""Personal API tokens: the account page lists, creates (key shown once) and revokes them; the
command prints a key; a token acts with exactly its user's rights; a revoked token gets a 401;
a session write to the API without CSRF gets a 403."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from passerelles.actors.models import Organisation
from passerelles.users.models import ApiToken
from tests.opendata.conftest import csv_bytes, org_row
from tests.users.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_account_lists_tokens_without_their_key(client):
    user = UserFactory()
    token, key = ApiToken.issue(user, "Mon script")
    ApiToken.issue(UserFactory(), "Celui d'un autre")
    client.force_login(user)
    page = client.get(reverse("users:account")).content.decode()
    assert "Mon script" in page and token.prefix in page
    assert key not in page and "Celui d'un autre" not in page
    assert "jamais" in page  # last used


def test_creating_a_token_shows_the_key_once(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("users:token_create"), {"name": "Tableur"})
    assert response.status_code == 200
    token = user.api_tokens.get()
    page = response.content.decode()
    assert "il ne sera plus jamais affiché" in page
    key = page.split('id="new-token" type="text" readonly value="')[1].split('"')[0]
    assert ApiToken.authenticate(key) == token
    assert key not in client.get(reverse("users:account")).content.decode()


def test_token_name_is_required(client):
    client.force_login(UserFactory())
    response = client.post(reverse("users:token_create"), {"name": " "})
    assert response.status_code == 400
    assert "Donnez un nom au jeton" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_is_a_post_of_ones_own_token(client):
    user = UserFactory()
    token, key = ApiToken.issue(user, "A révoquer")
    other, _other_key = ApiToken.issue(UserFactory(), "Pas à moi")
    client.force_login(user)
    assert client.get(reverse("users:token_revoke", args=[token.pk])).status_code == 405
    assert client.post(reverse("users:token_revoke", args=[other.pk])).status_code == 404
    response = client.post(reverse("users:token_revoke", args=[token.pk]), follow=True)
    assert "révoqué" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    other.refresh_from_db()
    assert other.revoked_at is None


def test_token_forms_need_csrf():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("users:token_create"), {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_anonymous_cannot_create_tokens(client):
    response = client.post(reverse("users:token_create"), {"name": "x"})
    assert response.status_code == 302 and reverse("users:login") in response["Location"]


def test_command_creates_a_token_and_prints_the_key():
    user = UserFactory(email="cli@example.org")
    out = io.StringIO()
    call_command(
        "token", "create", "CLI@example.org", "--name", "cron", stdout=out, stderr=io.StringIO()
    )
    key = out.getvalue().strip()
    token = ApiToken.authenticate(key)
    assert token.user == user and token.name == "cron"
    out = io.StringIO()
    call_command("token", "list", "cli@example.org", stdout=out)
    assert token.prefix in out.getvalue()
    call_command("token", "revoke", "cli@example.org", token.prefix, stdout=io.StringIO())
    assert ApiToken.authenticate(key) is None
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("token", "create", "personne@example.org")


def _import(client, key=None, **extra):
    data = {
        "kind": "organisations",
        "wet_run": "true",
        "file": SimpleUploadedFile("o.csv", csv_bytes([org_row(1)])),
    }
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.post("/api/v1/imports", data, headers=headers, **extra)


def test_a_token_acts_with_exactly_its_users_rights():
    client = Client(enforce_csrf_checks=True)  # token calls need no CSRF token
    _t, member_key = ApiToken.issue(UserFactory(), "membre")
    assert _import(client, member_key).status_code == 403
    assert not Organisation.objects.exists()
    _t, staff_key = ApiToken.issue(StaffFactory(), "équipe")
    assert _import(client, staff_key).status_code == 200
    assert Organisation.objects.count() == 1


def test_revoked_or_unknown_token_gets_401_json(client):
    token, key = ApiToken.issue(StaffFactory(), "ancien")
    token.revoked_at = token.created_at
    token.save()
    for bad in (key, "pas_inconnu"):
        response = client.get("/api/v1/exports", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401
        assert response.json() == {"detail": "Jeton d'API invalide ou révoqué."}


def test_session_write_without_csrf_gets_403():
    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffFactory())
    response = _import(client)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Organisation.objects.exists()
