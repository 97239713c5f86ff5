"""The frozen years on the observatory's page, the comparison of years, and the staff's screen
to freeze a year, for each role."""

import html
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from passerelles.actors import actions as actor_actions
from passerelles.core.history import Origin
from passerelles.core.models import Job, JobStatus
from passerelles.observatory import actions, compare
from passerelles.observatory.models import Snapshot
from tests.observatory.snapshot_helpers import give_a_past
from tests.users.factories import (
    AdminFactory,
    MembershipFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def past(network):
    return give_a_past(network)


@pytest.fixture
def frozen(past):
    staff = StaffFactory(full_name="Awa Diallo")
    actions.freeze_year(2024, by=staff)
    actions.freeze_year(2025, by=staff)
    return past


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def test_the_page_of_a_frozen_year_shows_the_frozen_figures_and_says_so(client, frozen):
    # After freezing, a3 is archived: the live count of 2025 drops, the frozen one does not.
    actor_actions.archive_organisation(frozen.orgs["a3"], origin=Origin(StaffFactory()))
    page = text(client.get("/observatoire/?year=2025"))
    today = timezone.localdate()
    assert f"Chiffres figés le {today.day} " in page and "par Awa Diallo." in page
    data = client.get("/observatoire/indicateurs.json?year=2025&indicator=actors_by_side").json()
    assert {r["code"]: r["values"]["total"] for r in data["indicators"][0]["rows"]} == {
        "here": 3,
        "there": 2,
    }
    # With another filter the page is live, and says why.
    filtered = text(client.get("/observatoire/?year=2025&department=41"))
    assert "Chiffres figés le" not in filtered
    assert "calculés en direct à partir des fiches d'aujourd'hui" in filtered
    assert "Voir les chiffres figés de 2025" in filtered
    # A year not frozen says nothing of the kind.
    live = text(client.get("/observatoire/?year=2026"))
    assert "Chiffres figés le" not in live and "calculés en direct" not in live


def test_the_banner_in_english(client, frozen):
    page = text(client.get("/observatoire/?year=2025", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Figures frozen on" in page and "by Awa Diallo." in page


def test_two_years_compare_with_hand_computed_evolutions(frozen):
    years = compare.columns(staff=False)
    current = timezone.localdate().year
    assert [c.year for c in years] == [2024, 2025, current]
    assert [c.live for c in years] == [False, False, True]
    lines = {line.key: line for line in compare.lines(years)}
    # Organisations: 2024 a1, a2, b1 = 3; 2025 adds a3, b2 = 5; +2/3 = +66.7 %.
    sides = lines["actors_by_side"].cells
    assert [total for total, _e in sides] == [3, 5, 5]
    assert sides[1][1] == compare.Evolution("percent", Decimal("66.7"))
    assert sides[2][1] == compare.Evolution("percent", Decimal("0.0"))
    assert sides[0][1] == compare.Evolution("none")
    # New actors: 3 in 2024, 2 in 2025 (-33.3 %), none published in the current year (-100 %).
    actors = compare.actors_line(years)
    assert [total for total, _e in actors] == [3, 2, 0]
    assert actors[1][1].percent == Decimal("-33.3")
    assert actors[2][1].percent == Decimal("-100.0")
    # Partner countries: BF in 2024; Mali appears in 2025.
    assert years[0].countries.keys() == {"BF"}
    assert years[1].new_countries == [("ML", "Mali")]
    assert years[2].new_countries == []


def test_evolution_never_divides_by_zero():
    assert compare.evolution(0, 0) == compare.Evolution("none")
    assert compare.evolution(0, 4) == compare.Evolution("new")
    assert compare.evolution(None, 4) == compare.Evolution("none")
    assert compare.evolution(4, None) == compare.Evolution("none")
    assert compare.evolution(4, 1) == compare.Evolution("percent", Decimal("-75.0"))
    assert compare.evolution(Decimal("20000.00"), Decimal("65000.00")).percent == Decimal("225.0")


def test_the_years_page(client, frozen):
    page = text(client.get("/observatoire/annees/"))
    assert "Comparer les années" in page
    assert "en cours" in page
    assert "+66,7 %" in page and "-33,3 %" in page
    assert "nouveau" in page  # e.g. the regional day of the current year, after none
    new_countries = page[page.index("Nouveaux pays partenaires") :]
    assert "Mali" in new_countries
    assert "aucun nouveau pays par rapport à 2025" in new_countries
    # Staff indicators are for staff only, here too.
    assert "Fiches par statut" not in page
    client.force_login(StaffFactory())
    assert "Figer une année" in text(client.get("/observatoire/annees/"))


def test_the_years_page_without_any_frozen_year(client, network):
    page = text(client.get("/observatoire/annees/"))
    assert "Aucune année n'est encore figée" in page


def member():
    user = UserFactory()
    MembershipFactory(user=user)
    return user


ROLES = {
    "visitor": (None, None),
    "member": (member, 403),
    "partner abroad": (PartnerAbroadFactory, 403),
    "staff": (StaffFactory, 200),
    "admin": (AdminFactory, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_and_admins_may_freeze(client, past, role, django_capture_on_commit_callbacks):
    make, status = ROLES[role]
    if make:
        client.force_login(make())
    page = client.get("/observatoire/annees/figer/")
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post("/observatoire/annees/figer/", {"year": "2025"})
    if make is None:
        assert page.status_code == 302 and "/connexion/" in page["Location"]
        assert posted.status_code == 302 and "/connexion/" in posted["Location"]
    else:
        assert page.status_code == status
        assert posted.status_code == (302 if status == 200 else 403)
    assert Snapshot.objects.filter(year=2025).exists() is (status == 200)


def test_freezing_from_the_screen_runs_a_job_the_staff_member_follows(
    client, past, django_capture_on_commit_callbacks
):
    client.force_login(StaffFactory(full_name="Awa Diallo"))
    page = text(client.get("/observatoire/annees/figer/"))
    assert "Aucune année n'est encore figée" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/observatoire/annees/figer/", {"year": "2025"})
    job = Job.objects.get(kind="observatory.freeze")
    assert response["Location"] == f"/taches/{job.pk}/"
    assert job.status == JobStatus.DONE and job.result_url == "/observatoire/?year=2025"
    followed = text(client.get(response["Location"]))
    assert "Les chiffres de 2025 sont figés." in followed
    page = text(client.get(f"/observatoire/annees/figer/?job={job.pk}"))
    assert "Les chiffres de 2025 sont figés." in page
    assert "Awa Diallo" in page[page.index("Années figées") :]


@pytest.mark.parametrize(
    "year, message",
    [
        ("2026", "L'année 2026 n'est pas terminée"),
        ("2023", "précède le premier enregistrement de la plateforme"),
        ("deux mille", "L'année doit être un nombre, par exemple 2025."),
        ("", "Indiquez l'année à figer, par exemple 2025."),
        ("2025", "L'année 2025 est déjà figée"),
    ],
)
def test_a_year_that_cannot_be_frozen_is_refused_in_words(client, past, year, message):
    actions.freeze_year(2025, by=None)
    client.force_login(StaffFactory())
    response = client.post("/observatoire/annees/figer/", {"year": year})
    assert response.status_code == 400
    assert "Erreur :" in text(response) and message in text(response)
    assert Snapshot.objects.count() == 1


def test_freezing_needs_the_csrf_token(past):
    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffFactory())
    assert client.post("/observatoire/annees/figer/", {"year": "2025"}).status_code == 403
    assert not Snapshot.objects.exists()
