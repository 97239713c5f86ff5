"""Pages: find partners (with and without htmx), the panels, common issues and their
curation by staff (each role)."""

import pytest
from django.urls import reverse

from passerelles.bridges.models import CommonIssue, PinnedPair
from passerelles.vocab.models import Theme
from tests.actors.contribution_helpers import ROLES, STAFF_ROLES, client_for
from tests.bridges.factories import FundingCallFactory

pytestmark = pytest.mark.django_db
NEED = "nous cherchons une coopérative maraîchère pour accueillir des stagiaires burkinabè"


def test_find_partners_from_a_need(client, directory, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = client.get(reverse("bridges:partners"), {"need": NEED})
    html = response.content.decode()
    assert "<details" in html and "Pourquoi cette suggestion ?" in html
    assert directory["cocagne"].name in html
    assert directory["draft"].name not in html


def test_find_partners_htmx_returns_the_results_only(client, directory):
    response = client.get(reverse("bridges:partners"), {"need": NEED}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.startswith('<div id="partner-results"') and "<html" not in html


def test_find_partners_for_an_organisation_with_filters(client, directory):
    response = client.get(
        reverse("bridges:partners"),
        {"organisation": directory["burkina"].slug, "side": "here", "family": "ess_enterprise"},
    )
    html = response.content.decode()
    assert "Partenaires possibles pour Burkina Solidarité Chartres" in html
    assert directory["cocagne"].name in html
    assert directory["koudougou"].name not in html  # there, filtered out


def test_organisation_panel_shows_suggestions_and_calls(client, directory):
    FundingCallFactory(title="Micro-projets maraîchage", eligible_families=["si_association"])
    response = client.get(reverse("bridges:organisation_panel", args=[directory["burkina"].slug]))
    html = response.content.decode()
    assert "Partenaires possibles" in html and directory["cocagne"].name in html
    assert "Micro-projets maraîchage" in html and "Famille éligible" in html


def test_issue_pages(client, directory, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        html = client.get(reverse("bridges:issues")).content.decode()
    assert "Agriculture" in html and "organisations ici" in html and "là-bas" in html
    html = client.get(reverse("bridges:theme_issue", args=["agriculture"])).content.decode()
    assert "Un problème là-bas, des solutions d" in html
    assert directory["mangues"].name in html


@pytest.fixture
def issue():
    issue = CommonIssue.objects.create(title="Transformer les produits agricoles")
    issue.themes.set([Theme.objects.get(slug="agriculture")])
    return issue


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_curate_issues(role, directory, issue):
    client, _user = client_for(role, directory["cocagne"])
    data = {
        "title": "Nouvel enjeu",
        "description": "",
        "keywords": "",
        "position": 0,
        "is_published": "on",
        "themes": [Theme.objects.get(slug="sante").pk],
    }
    created = client.post(reverse("bridges:issue_create"), data)
    pin = client.post(
        reverse("bridges:issue_pin", args=[issue.slug]),
        {"here": directory["legumerie"].pk, "there": directory["mangues"].pk},
    )
    if role in STAFF_ROLES:
        assert (
            created.status_code == 302 and CommonIssue.objects.filter(title="Nouvel enjeu").exists()
        )
        assert PinnedPair.objects.filter(issue=issue).count() == 1
        html = client.get(issue.get_absolute_url()).content.decode()
        assert "Choisie par le réseau" in html
    else:
        expected = 302 if role == "visitor" else 403
        assert created.status_code == expected and pin.status_code == expected
        assert not CommonIssue.objects.filter(title="Nouvel enjeu").exists()
        assert not PinnedPair.objects.exists()


def test_pin_rejects_unknown_organisations(directory, issue):
    client, _user = client_for("staff", directory["cocagne"])
    response = client.post(
        reverse("bridges:issue_pin", args=[issue.slug]), {"here": "x", "there": "1"}, follow=True
    )
    assert "Erreur : paire inconnue." in response.content.decode()
    assert not PinnedPair.objects.exists()
