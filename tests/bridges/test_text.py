"""Funding calls and common issues: the presentation is rich text edited as Markdown (never a
tag in the box), names are plain (docs/decisions.md, "One text layer")."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from passerelles.bridges.models import CommonIssue
from tests.bridges.factories import FundingCallFactory
from tests.users.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(StaffFactory())
    return client


def _box(page: str) -> str:
    found = re.search(r'<textarea[^>]*name="description"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    return html.unescape(found.group(1)).strip("\n")


def test_a_call_presentation_is_edited_as_markdown(staff_client):
    call = FundingCallFactory(
        title="Appel « eau & assainissement »",
        description="<p>Pour les <strong>collectivités</strong> &amp; associations.</p>",
    )
    page = staff_client.get(reverse("bridges:call_edit", args=[call.slug])).content.decode()
    assert _box(page) == "Pour les **collectivités** & associations."
    assert "Voir un exemple de mise en forme" in page
    detail = staff_client.get(call.get_absolute_url()).content.decode()
    assert "<p>Pour les <strong>collectivités</strong> &amp; associations.</p>" in detail


def test_a_common_issue_is_written_in_markdown_and_stored_sanitised(staff_client):
    response = staff_client.post(
        reverse("bridges:issue_create"),
        {
            "title": "<b>L'eau</b> &amp; la terre",
            "description": "L'eau est **rare** ici et là-bas.\r\n\r\n- puits\r\n- irrigation",
            "keywords": "eau irrigation",
            "position": "0",
            "is_published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    issue = CommonIssue.objects.get()
    assert issue.title == "L'eau & la terre"
    assert issue.description == (
        "<p>L'eau est <strong>rare</strong> ici et là-bas.</p>\n<ul>\n<li>puits</li>\n"
        "<li>irrigation</li>\n</ul>"
    )


def test_the_admin_edits_a_presentation_as_markdown():
    from tests.users.factories import AdminFactory

    issue = CommonIssue.objects.create(title="Semences", description="<p>Un <em>enjeu</em></p>")
    admin = Client()
    admin.force_login(AdminFactory())
    page = admin.get(reverse("admin:bridges_commonissue_change", args=[issue.pk])).content.decode()
    assert _box(page) == "Un *enjeu*"
