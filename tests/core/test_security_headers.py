"""Content-Security-Policy and Permissions-Policy on every page (issue 13, problem 6): inline
scripts run only with the response's nonce, and no template holds an inline event handler,
which the policy would silently disable."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.events.factories import EventFactory

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
