"""Who may do what with practice sheets, on every page, for each role: visitor, member (the
author of a proposal, or another member), partner abroad, staff, admin."""

import pytest
from django.urls import reverse

from passerelles.practices import perms
from passerelles.practices.enums import SheetStatus
from passerelles.practices.models import CuratedPair
from tests.actors.contribution_helpers import client_for
from tests.actors.factories import OrganisationFactory
from tests.practices.factories import make_sheet

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "member", "other_member", "partner_abroad", "staff", "admin"]
STAFF = {"staff", "admin"}


@pytest.fixture
def setup():
    """A published sheet, and a pending proposal written by the "member" role's user."""
    org = OrganisationFactory()
    clients = {role: client_for(role, org) for role in ROLES}
    author = clients["member"][1]
    return {
        "clients": clients,
        "published": make_sheet(title="Pompe solaire publiée"),
        "pending": make_sheet(by=author, title="Proposition en attente"),
    }


def _status(response) -> int:
    """302 to the sign-in page is told apart from other redirects."""
    if response.status_code == 302 and "/compte/" in response.url:
        return "login"
    return response.status_code


EXPECTED = {
    # role: (list, published, pending, create, edit published, edit pending, moderation queue)
    "visitor": (200, 200, 404, "login", "login", "login", "login"),
    "member": (200, 200, 200, 200, 403, 200, 403),
    "other_member": (200, 200, 404, 200, 403, 404, 403),
    "partner_abroad": (200, 200, 404, 200, 403, 404, 403),
    "staff": (200, 200, 200, 200, 200, 200, 200),
    "admin": (200, 200, 200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_pages_per_role(role, setup):
    client, _user = setup["clients"][role]
    published, pending = setup["published"], setup["pending"]
    got = (
        _status(client.get(reverse("practices:list"))),
        _status(client.get(published.get_absolute_url())),
        _status(client.get(pending.get_absolute_url())),
        _status(client.get(reverse("practices:create"))),
        _status(client.get(reverse("practices:edit", args=[published.slug]))),
        _status(client.get(reverse("practices:edit", args=[pending.slug]))),
        _status(client.get(reverse("practices:moderation"))),
    )
    assert got == EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_decide_and_curate(role, setup):
    client, _user = setup["clients"][role]
    pending, published = setup["pending"], setup["published"]
    decided = client.post(reverse("practices:decide", args=[pending.slug]), {"decision": "publish"})
    curated = client.post(
        reverse("practices:curate"),
        {
            "problem": f"practice:{published.pk}",
            "solution": f"practice:{pending.pk}",
            "decision": "hidden",
            "next": "/enjeux/",
        },
    )
    pending.refresh_from_db()
    if role in STAFF:
        assert decided.status_code == 302 and pending.status == SheetStatus.PUBLISHED
        assert curated.status_code == 302 and CuratedPair.objects.count() == 1
    else:
        expected = "login" if role == "visitor" else 403
        assert _status(decided) == expected and _status(curated) == expected
        assert pending.status == SheetStatus.PENDING and not CuratedPair.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_proposing_per_role(role, setup):
    client, user = setup["clients"][role]
    response = client.post(
        reverse("practices:create"),
        {
            "title": f"Fiche de {role}",
            "problem": "Un problème précis.",
            "side": "here",
            "what_was_done": "Ce que nous avons fait.",
        },
    )
    if role == "visitor":
        assert _status(response) == "login"
        return
    assert response.status_code == 302
    sheet = user.practices.get(title=f"Fiche de {role}")
    expected = SheetStatus.PUBLISHED if role in STAFF else SheetStatus.PENDING
    assert sheet.status == expected


def test_a_member_cannot_edit_their_sheet_once_published(setup):
    client, author = setup["clients"]["member"]
    sheet = make_sheet(by=author)
    staff = setup["clients"]["staff"][1]
    assert perms.can_edit(author, sheet) and perms.can_edit(staff, sheet)
    sheet.status = SheetStatus.PUBLISHED
    assert not perms.can_edit(author, sheet) and perms.can_edit(staff, sheet)
    assert perms.can_view(author, sheet)


def test_staff_see_the_history_of_a_sheet(setup):
    published = setup["published"]
    staff_page = setup["clients"]["staff"][0].get(published.get_absolute_url())
    member_page = setup["clients"]["member"][0].get(published.get_absolute_url())
    assert "Historique" in staff_page.content.decode()
    assert "Historique" not in member_page.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_exports_hold_published_sheets_only_whoever_asks(role, setup):
    client, _user = setup["clients"][role]
    csv_text = client.get(reverse("practices:export_csv")).content.decode("utf-8-sig")
    jsonld = client.get(reverse("practices:export_jsonld")).json()
    assert "Pompe solaire publiée" in csv_text and "Proposition en attente" not in csv_text
    assert [item["name"] for item in jsonld["@graph"]] == ["Pompe solaire publiée"]
