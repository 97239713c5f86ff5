"""Content-Security-Policy and Permissions-Policy on every page (issue 13, problem 6): inline
scripts run only with the response's nonce, and no template holds an inline event handler,
which the policy would silently disable."""

import re
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from passerelles.events.models import Registration
from tests.events.factories import EventFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2] / "passerelles"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)([^>]*)>")


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split(maxsplit=1)[1] if " " in part.strip() else ""
        for part in (p.strip() for p in header.split(";"))
        if part
    }


@pytest.mark.parametrize(
    "url",
    [
        lambda: reverse("actors:list"),
        lambda: reverse("projects:list"),
        lambda: reverse("actors:map"),
        lambda: EventFactory().get_absolute_url(),
        lambda: "/api/v1/docs",
    ],
)
def test_inline_scripts_carry_the_nonce_of_a_strict_policy(url):
    response = Client().get(url())
    assert response.status_code == 200
    policy = _policy(response)
    # django-csp adds the nonce to the header only when the page used it.
    found = re.search(r"'nonce-([^']+)'", policy["script-src"])
    nonce = found.group(1) if found else "(no nonce in the policy)"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    for attributes in INLINE_SCRIPT.findall(response.content.decode()):
        assert f'nonce="{nonce}"' in attributes
    assert "camera=()" in response["Permissions-Policy"]


def test_two_responses_have_two_nonces():
    pages = (Client().get(reverse("actors:list")) for _ in range(2))
    first, second = (_policy(page)["script-src"] for page in pages)
    assert first != second


def test_no_template_has_an_inline_event_handler_or_a_script_without_nonce():
    offenders = []
    for path in ROOT.rglob("templates/**/*.html"):
        text = path.read_text()
        if re.search(r"<[a-z][^>]*\son[a-z]+\s*=", text):
            offenders.append(f"{path}: inline event handler")
        for line in text.splitlines():
            if "translate" in line:
                continue  # "<script>" named in a sentence is text, escaped when shown
            for attributes in INLINE_SCRIPT.findall(line):
                if "csp_nonce" in attributes:
                    continue
                offenders.append(f"{path}: <script{attributes}> without nonce")
    assert offenders == []


@override_settings(PASSERELLES_ANONYMOUS_WRITE_LIMITS=((10, 3), (600, 5)))
def test_a_visitor_sending_too_fast_is_asked_to_wait_in_words():
    caches["throttle"].clear()
    event = EventFactory(capacity=100)
    visitor = Client(HTTP_ACCEPT_LANGUAGE="fr")
    answers = [
        visitor.post(event.get_absolute_url(), {"name": f"Personne {n}", "email": f"p{n}@ex.org"})
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert "Patientez" in answers[-1].content.decode() and int(answers[-1]["Retry-After"]) >= 1
    assert Registration.objects.count() == 3
    # Another client address, and people signed in, are not held back by this one.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert (
        other.post(event.get_absolute_url(), {"name": "Awa", "email": "a@ex.org"}).status_code
        == 302
    )
    member = Client()
    member.force_login(UserFactory())
    assert (
        member.post("/api/v1/organisations", "{}", content_type="application/json").status_code
        != 429
    )
    # The API answers in JSON.
    api = visitor.post("/api/v1/organisations", "{}", content_type="application/json")
    assert api.status_code == 429 and "Patientez" in api.json()["detail"]
