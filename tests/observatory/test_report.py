"""The yearly report's HTML page (decisions §34) on the hand-built network of conftest.py:
every expected figure is counted by hand in the comments."""

import datetime
import re
from html import unescape
from types import SimpleNamespace

import pytest
from django.utils import timezone

from passerelles.actors.models import Organisation
from passerelles.core import door
from passerelles.observatory import report
from passerelles.observatory.registry import REGISTRY
from passerelles.observatory.scope import Filters
from passerelles.observatory.yearly import YearResults, live_results
from tests.observatory.test_permissions import ROLES

pytestmark = pytest.mark.django_db
URL = "/observatoire/rapport/2025/"
STAFF_ONLY = {key for key, ind in REGISTRY.items() if ind.staff_only}


@pytest.fixture
def year_2025(network):
    """The network with its organisations recorded on 15 January 2025 (the factories record
    them today): the report of 2025 then counts them, whatever today's date."""
    with door.inside():
        Organisation.objects.update(
            created_at=timezone.make_aware(datetime.datetime(2025, 1, 15, 12, 0))
        )
    return network


def summary(html: str) -> dict[str, list[str]]:
    """The key figures' table: first cell's words → the other cells."""
    table = html[html.index('class="table report-figures"') :]
    table = table[: table.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [
            unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_report_shows_the_hand_counted_figures_and_their_evolution(client, year_2025):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rapport annuel 2025 de l'observatoire de la coopération" in html
    assert "Centre-Val de Loire" in html  # the region, on the cover
    figures = summary(html)
    # 2025: a1, a2, a3 here, b1, b2 there (a4 pending); recorded in 2025, none in 2024.
    assert figures["Acteurs ici (siège dans la région et en France)"] == ["3", "0", "nouveau"]
    assert figures["Acteurs là-bas (siège à l'étranger)"] == ["2", "0", "nouveau"]
    # 2025: p1 in BF and p2 in ML (BF and ML also seat b1 and b2); 2024: p1 in BF only.
    assert figures["Pays partenaires"] == ["2", "1", "+100 %"]
    # 2025: p1 (running) and p2 (ended 1 December); 2024: p1. p3 is a draft, p4 starts 2026.
    assert figures["Projets menés dans l'année"] == ["2", "1", "+100 %"]
    # 2025: a3's 5,000 € for p1 + AFD's 60,000 € for p2 (USAID's 3,000 USD is not summed):
    # 65,000 € on 3 lines; 2024: the ministry's 20,000 € for p1: +225 %.
    assert figures["Financements de l'année (€)"] == ["65\xa0000", "20\xa0000", "+225 %"]
    assert figures["Lignes de financement"] == ["3", "1", "+200 %"]
    # p1 (2024) crosses ESS (a2) and SI (a1); nothing new in 2025; p4 starts in 2026.
    assert figures["Nouveaux partenariats ESS ↔ solidarité internationale"] == ["0", "1", "-100 %"]
    assert figures["Partenariats ESS ↔ solidarité internationale, en tout"] == ["1", "1", "stable"]
    assert "calculés en direct" in html  # 2025 is not frozen


def test_the_report_has_every_public_section_with_charts_tables_and_definitions(client, year_2025):
    html = client.get(URL).content.decode()
    for key in ("actors", "links", "projects", "funding", "bridges", "events"):
        assert f'id="report-{key}"' in html
    assert 'id="report-staff"' not in html
    for key, indicator in REGISTRY.items():
        assert (f'id="definition-{key}"' in html) is not indicator.staff_only
    # Charts drawn by the server, a map of the departments and one of the countries.
    assert html.count('<svg class="chart"') >= 5
    assert 'class="chart chart-map"' in html
    assert "Annexe : définitions des indicateurs" in html
    # The PDF and the observatory filtered on the year.
    assert 'href="/observatoire/rapport/2025/pdf/"' in html
    assert 'href="/observatoire/?year=2025"' in html


def test_a_frozen_year_says_when_it_was_frozen(client, year_2025, monkeypatch):
    frozen_at = timezone.make_aware(datetime.datetime(2026, 1, 20, 9, 30))

    def frozen(year, *, staff):
        results = live_results(Filters(year=year), staff=staff)
        snapshot = SimpleNamespace(frozen_at=frozen_at) if year == 2025 else None
        return YearResults(year=year, results=results, snapshot=snapshot)

    monkeypatch.setattr(report, "year_results", frozen)
    html = client.get(URL).content.decode()
    assert "Chiffres figés le 20 janvier 2026" in html
    assert "calculés en direct" not in html.split("report-actions")[0]


@pytest.mark.parametrize(
    "year, status, message",
    [
        ("deux-mille", 400, "« deux-mille » n&#x27;est pas une année"),
        ("25", 400, "écrivez-la en quatre chiffres"),
        ("2999", 404, "L&#x27;année 2999 n&#x27;est pas encore commencée"),
        # The first record: p1 started in 2024 (and the ministry funded it that year).
        ("2023", 404, "les premières données de la plateforme datent de 2024"),
    ],
)
def test_a_bad_year_is_refused_in_words(client, year_2025, year, status, message):
    for url in (f"/observatoire/rapport/{year}/", f"/observatoire/rapport/{year}/pdf/"):
        response = client.get(url)
        assert response.status_code == status, url
        html = response.content.decode()
        assert "Erreur :" in html
        assert message in html


def test_an_empty_platform_has_no_report(client, db):
    response = client.get(URL)
    assert response.status_code == 404
    assert "la plateforme n&#x27;a aucune donnée" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_public_report_and_only_staff_may_add_theirs(client, year_2025, role):
    make, sees_staff = ROLES[role]
    if make:
        client.force_login(make())
    html = client.get(URL).content.decode()
    assert 'id="report-actors"' in html
    assert 'id="report-staff"' not in html  # the default report is the public one
    assert ('name="equipe"' in html) is sees_staff  # the option, for those who may tick it
    response = client.get(URL, {"equipe": "1"})
    if sees_staff:
        html = response.content.decode()
        assert 'id="report-staff"' in html
        for key in STAFF_ONLY:
            assert f'id="{key}"' in html
        assert "Interne : comprend les indicateurs réservés" in html
    elif make is None:
        assert response.status_code == 302
        assert (
            response["Location"].startswith("/comptes/connexion/")
            or "next=" in (response["Location"])
        )
    else:
        assert response.status_code == 403
        assert "ne sont visibles que par elle" in response.content.decode()


def test_the_observatory_links_to_last_years_report(client, year_2025):
    year = timezone.localdate().year - 1
    html = client.get("/observatoire/").content.decode()
    assert f"Rapport annuel {year}" in html
    assert f'href="/observatoire/rapport/{year}/"' in html
    assert f'href="/observatoire/rapport/{year}/pdf/"' in html


def test_the_report_in_english(client, year_2025):
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Observatory annual report 2025" in html
    assert "Partner countries" in html
    assert "Annex: definitions of the indicators" in html
