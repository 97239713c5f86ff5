"""Sign-in throttling (django-axes): after 5 failures for one e-mail address from one client,
that pair is refused for 15 minutes with a page that says why; a new password lifts it."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from passerelles.users.throttling import client_ip
from tests.users.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "camille@example.org"


@pytest.fixture
def member():
    return UserFactory(email=EMAIL)


def sign_in(client, password, email=EMAIL):
    return client.post(reverse("users:login"), {"username": email, "password": password})


def fail(client, times, email=EMAIL):
    return [sign_in(client, "faux", email).status_code for _ in range(times)]


def test_five_failures_refuse_even_the_right_password(client, member):
    assert fail(client, 4) == [200] * 4
    # The fifth failure already gets the page that explains the refusal.
    assert sign_in(client, "faux").status_code == 429
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Connexion suspendue" in page and "15 minutes" in page
    assert reverse("users:password_reset") in page
    assert client.get(reverse("users:account")).status_code == 302  # not signed in


def test_the_case_of_the_address_does_not_buy_more_guesses(client, member):
    for email in ("Camille@example.org", "CAMILLE@EXAMPLE.ORG", " camille@example.org"):
        sign_in(client, "faux", email)
    fail(client, 2)
    assert sign_in(client, PASSWORD).status_code == 429


def test_a_member_is_not_locked_out_from_elsewhere(member):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    fail(attacker, 5)
    assert sign_in(attacker, PASSWORD).status_code == 429
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), PASSWORD).status_code == 302


def test_a_successful_sign_in_starts_the_count_again(client, member):
    assert fail(client, 4) == [200] * 4
    assert sign_in(client, PASSWORD).status_code == 302
    client.post(reverse("users:logout"))
    assert fail(client, 4) == [200] * 4
    assert sign_in(client, PASSWORD).status_code == 302


def test_the_refusal_ends_after_the_cool_off(client, member):
    fail(client, 5)
    assert sign_in(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert sign_in(client, PASSWORD).status_code == 302


def test_choosing_a_new_password_lifts_the_refusal(
    client, member, django_capture_on_commit_callbacks
):
    fail(client, 5)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("users:password_reset"), {"email": EMAIL})
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "nouveau-secret-solide-7"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert sign_in(client, new).status_code == 302


def test_the_page_is_in_english_too(member):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies.load({"django_language": "en"})
    fail(client, 5)
    page = sign_in(client, PASSWORD).content.decode()
    assert "Signing in is suspended" in page and "15 minutes" in page


@pytest.mark.parametrize(
    ("count", "forwarded", "remote", "expected"),
    [
        (0, "6.6.6.6", "198.51.100.7", "198.51.100.7"),  # no proxy: the header is the client's
        (1, "6.6.6.6, 203.0.113.9", "127.0.0.1", "203.0.113.9"),  # forged entry on the left
        (2, "203.0.113.9, 192.0.2.1", "127.0.0.1", "203.0.113.9"),  # CDN, then nginx
        (1, "", "127.0.0.1", "127.0.0.1"),  # a request that bypassed the proxy
    ],
)
def test_the_client_address_behind_proxies(settings, count, forwarded, remote, expected):
    settings.PROXY_COUNT = count
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected
