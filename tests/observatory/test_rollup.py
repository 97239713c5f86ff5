"""The national roll-up: the public indicators of a year, one line per value, the same columns
in every region's file; values counted by hand from tests/observatory/conftest.py."""

import csv
import datetime
import io
import json
import re

import pytest
from django.utils import timezone, translation

from passerelles.actors.models import Organisation
from passerelles.core import door
from passerelles.observatory import rollup
from passerelles.observatory.registry import REGISTRY
from tests.users.factories import StaffFactory

NETWORK = "Réseau régional Centre-Val de Loire"


@pytest.fixture
def recorded(network, settings):
    """The hand-built network, every organisation recorded on 5 January 2025 (it is recorded
    today otherwise, and the year filter keeps organisations recorded by the end of Y)."""
    settings.PASSERELLES_NETWORK_NAME = NETWORK
    settings.PASSERELLES_REGION_CODE = "24"
    with door.inside():  # arranging the test's data, not a write a person makes
        Organisation.objects.update(created_at=timezone.make_aware(datetime.datetime(2025, 1, 5)))
    return network


def read(body: bytes) -> list[dict]:
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def line(lines, indicator, code, measure) -> dict:
    [found] = [
        x
        for x in lines
        if (x["indicator"], x["category_code"], x["measure"]) == (indicator, code, measure)
    ]
    return found


def test_the_csv_of_the_hand_built_network(recorded):
    lines = read(rollup.csv_bytes(rollup.build(2025)))
    assert list(lines[0]) == list(rollup.COLUMNS)
    # Every line names the region, the network and the year, live figures.
    assert {
        (x["region_code"], x["region_name"], x["network"], x["year"], x["frozen"]) for x in lines
    } == {("24", "Centre-Val de Loire", NETWORK, "2025", "false")}
    # Published organisations: a1, a2, a3 here, b1, b2 there (a4 is pending).
    here = line(lines, "actors_by_side", "here", "total")
    assert (here["category_label"], here["measure_label"], here["value"], here["unit"]) == (
        "ici",
        "organisations",
        "3",
        "count",
    )
    assert line(lines, "actors_by_side", "there", "total")["value"] == "2"
    # Departments by their INSEE code: a2 in 37, a1 in 41, a3 in 45; 18 has none.
    assert line(lines, "actors_by_department", "41", "total")["value"] == "1"
    assert line(lines, "actors_by_department", "18", "total")["value"] == "0"
    # Running during 2025: p1 (running since 2024) and p2 (completed on 1 December); p4
    # starts in 2026 and p3 is a draft.
    assert line(lines, "projects_by_status", "running", "projects")["value"] == "1"
    assert line(lines, "projects_by_status", "completed", "projects")["value"] == "1"
    # Countries by ISO code: p1 in BF, p2 in ML.
    burkina = line(lines, "projects_by_country", "BF", "projects")
    assert (burkina["category_label"], burkina["value"]) == ("Burkina Faso", "1")
    # Funding lines of 2025: AFD 60,000 € and USAID 3,000 USD (not summed) outside the
    # directory; a3, a local authority, 5,000 €. Euros with cents and a point.
    outside = line(lines, "funding_by_funder_type", "outside", "amount")
    assert (outside["category_label"], outside["value"], outside["unit"]) == (
        "financeur hors annuaire",
        "60000.00",
        "eur",
    )
    assert line(lines, "funding_by_funder_type", "outside", "lines")["value"] == "2"
    assert line(lines, "funding_by_funder_type", "local_authority", "amount")["value"] == "5000.00"
    # The regional day is in 2026: no event line in 2025.
    assert not [x for x in lines if x["indicator"] == "event_participation"]


def test_only_public_indicators_are_exported(recorded):
    exported = {x["indicator"] for x in read(rollup.csv_bytes(rollup.build(2026)))}
    staff_only = {key for key, ind in REGISTRY.items() if ind.staff_only}
    assert exported and not exported & staff_only
    # The 2026 regional day: 3 confirmed registrations from 2 organisations, 1 came.
    lines = read(rollup.csv_bytes(rollup.build(2026)))
    assert line(lines, "event_participation", "regional_day", "registrations")["value"] == "3"
    assert line(lines, "event_participation", "regional_day", "came")["value"] == "1"


def test_labels_are_french_whatever_the_language(recorded):
    with translation.override("en"):
        lines = read(rollup.csv_bytes(rollup.build(2025)))
    assert line(lines, "actors_by_side", "here", "total")["category_label"] == "ici"
    assert line(lines, "projects_by_country", "BF", "projects")["category_label"] == "Burkina Faso"


def test_two_regions_files_stack(recorded, settings):
    centre = rollup.csv_bytes(rollup.build(2025))
    settings.PASSERELLES_REGION_CODE = "52"
    settings.PASSERELLES_NETWORK_NAME = "Réseau des Pays de la Loire"
    loire = rollup.csv_bytes(rollup.build(2025))
    assert centre.splitlines()[0] == loire.splitlines()[0]
    # Stacked: the second file's header dropped, every line keeps its region.
    stacked = centre + b"".join(loire.splitlines(keepends=True)[1:])
    lines = read(stacked)
    assert {x["region_code"] for x in lines} == {"24", "52"}
    assert {x["region_name"] for x in lines} == {"Centre-Val de Loire", "Pays de la Loire"}
    assert len(lines) == 2 * len(read(centre))


def test_no_html_entity_or_tag_in_the_csv(recorded):
    text = rollup.csv_bytes(rollup.build(2025)).decode("utf-8-sig")
    # Apostrophes and accents stay as they are, never escaped for HTML.
    assert "entreprise de l'ESS" in text
    assert "Solidarité" in text or "solidarité" in text
    assert not re.search(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", text, re.I)
    assert "<" not in text and ">" not in text


def test_the_json_has_a_header_and_the_same_lines(recorded):
    figures = rollup.build(2025)
    data = json.loads(rollup.json_bytes(figures))
    assert data["schema"] == "passerelles-observatory-rollup"
    assert data["schema_version"] == 1
    assert data["region"] == {"code": "24", "name": "Centre-Val de Loire"}
    assert (data["year"], data["frozen"], data["figures"]) == (2025, False, "live")
    assert data["generated_at"].startswith(str(timezone.now().year))
    assert data["columns"] == list(rollup.COLUMNS)
    assert len(data["lines"]) == len(read(rollup.csv_bytes(figures)))
    outside = next(
        x
        for x in data["lines"]
        if (x["indicator"], x["category_code"], x["measure"])
        == ("funding_by_funder_type", "outside", "amount")
    )
    assert outside["value"] == 60000.0 and outside["frozen"] is False


@pytest.mark.parametrize("user", [None, StaffFactory])
def test_everyone_downloads_the_rollup_from_the_page(client, recorded, user):
    if user:
        client.force_login(user())
    html = client.get("/observatoire/?year=2025").content.decode()
    assert 'href="/observatoire/consolidation-2025.csv"' in html
    assert 'href="/observatoire/consolidation-2025.json"' in html
    response = client.get("/observatoire/consolidation-2025.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="observatoire-consolidation-24-2025.csv"'
    )
    exported = {x["indicator"] for x in read(response.content)}
    assert "records_by_status" not in exported  # even for staff: the file is published
    response = client.get("/observatoire/consolidation-2025.json")
    assert response.status_code == 200
    assert json.loads(response.content)["year"] == 2025


def test_without_a_year_the_page_offers_last_year(client, recorded):
    last = timezone.localdate().year - 1
    html = client.get("/observatoire/").content.decode()
    assert f'href="/observatoire/consolidation-{last}.csv"' in html
    assert f"Export national {last}" in html


def test_a_year_out_of_range_is_refused_in_words(client, db):
    response = client.get("/observatoire/consolidation-1800.csv")
    assert response.status_code == 400
    assert "L'année doit être entre 1990 et 2100." in response.content.decode()
    assert client.get("/observatoire/consolidation-2025.xlsx").status_code == 404


def test_the_link_in_english(client, recorded):
    html = client.get("/observatoire/?year=2025", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "National export 2025 (every public indicator of the year" in html


def test_a_frozen_year_is_exported_from_year_results_without_staff_figures(recorded, monkeypatch):
    """The roll-up reads `yearly.year_results` (a snapshot once the year is frozen) and
    never publishes a staff indicator, even if the snapshot holds one."""
    from passerelles.observatory.registry import Column, Row, Table
    from passerelles.observatory.yearly import YearResults

    frozen = YearResults(
        year=2024,
        results=[
            (
                REGISTRY["actors_by_side"],
                Table(
                    "Côté", [Column("total", "organisations")], [Row("here", "ici", {"total": 7})]
                ),
            ),
            (
                REGISTRY["records_by_status"],
                Table(
                    "Statut",
                    [Column("organisations", "o")],
                    [Row("pending", "en attente", {"organisations": 1})],
                ),
            ),
        ],
        snapshot=object(),
    )
    monkeypatch.setattr(rollup, "year_results", lambda year, *, staff: frozen)
    lines = read(rollup.csv_bytes(rollup.build(2024)))
    assert [(x["indicator"], x["category_code"], x["value"], x["frozen"]) for x in lines] == [
        ("actors_by_side", "here", "7", "true")
    ]
    assert json.loads(rollup.json_bytes(rollup.build(2024)))["figures"] == "snapshot"
