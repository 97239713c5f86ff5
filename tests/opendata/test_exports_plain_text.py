"""Exports carry text, never HTML.

On 05e6b0a the CSV export carried the descriptions' HTML in 510 of 512 rows ("<p>…</p>",
"&amp;"), and JSON-LD and Murmurations left entities in. Now: CSV and XLSX carry the
description as the Markdown a person types (so a re-import keeps the formatting), JSON-LD,
Murmurations, GeoJSON, IATI narratives and iCalendar carry plain text, and the API adds a
plain `description_text` beside the sanitised HTML `description`."""

import csv
import io
import json
import re

import icalendar
import openpyxl
import pytest
from django.urls import reverse
from lxml import etree

from passerelles.opendata import registry
from passerelles.opendata.iati.writer import write_activities
from passerelles.opendata.report import CREATED, REJECTED, UNCHANGED, UPDATED
from passerelles.projects.models import Project
from tests.actors.factories import OrganisationFactory
from tests.events.factories import EventFactory, SessionFactory
from tests.projects.factories import ParticipationFactory, PlaceHereFactory, ProjectFactory

pytestmark = pytest.mark.django_db

RICH = (
    "<p>Jumelage &amp; échanges avec <strong>Ouahigouya</strong> depuis l'an 2000.</p>"
    "<ul><li>accueil de stagiaires</li><li>formations</li></ul>"
)
AS_MARKDOWN = (
    "Jumelage & échanges avec **Ouahigouya** depuis l'an 2000.\n\n"
    "- accueil de stagiaires\n- formations"
)
AS_TEXT = (
    "Jumelage & échanges avec Ouahigouya depuis l'an 2000.\n\naccueil de stagiaires\n\nformations"
)
TAG = re.compile(r"<(?:[a-zA-Z][^<>]*|/[a-zA-Z][^<>]*)>")
ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def assert_text(value):
    assert not TAG.search(value), value
    assert not ENTITY.search(value), value


def _csv_rows(client, kind) -> list[dict]:
    text = body(client.get(reverse("opendata:download", args=[kind, "csv"]))).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_organisations_csv_and_xlsx_carry_text(client):
    OrganisationFactory(name="Ville d'Orléans & Co", description=RICH, offers="Accueil\nFormation")
    (row,) = _csv_rows(client, "organisations")
    for value in row.values():
        assert_text(value)
    assert row["description"] == AS_MARKDOWN
    assert row["name"] == "Ville d'Orléans & Co"
    assert row["offers"] == "Accueil\nFormation"
    response = client.get(reverse("opendata:download", args=["organisations", "xlsx"]))
    header, values = openpyxl.load_workbook(io.BytesIO(body(response))).active.iter_rows(
        values_only=True
    )
    cells = dict(zip(header, values, strict=True))
    for value in cells.values():
        assert_text(str(value or ""))
    assert cells["description"] == AS_MARKDOWN


def test_projects_csv_carries_text(client):
    ProjectFactory(title="L'eau & la terre", description=RICH)
    (row,) = _csv_rows(client, "projects")
    for value in row.values():
        assert_text(value)
    assert row["description"] == AS_MARKDOWN and row["title"] == "L'eau & la terre"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_formatted_description_survives_export_and_reimport(client, fmt):
    org = OrganisationFactory(name="Jumelage Blois-Ouahigouya", siren="732829320", description=RICH)
    stored = org.description
    data = body(client.get(reverse("opendata:download", args=["organisations", fmt])))
    report = registry.get("organisations").run(io.BytesIO(data), wet_run=True)
    assert report.counts == {CREATED: 0, UPDATED: 0, UNCHANGED: 1, REJECTED: 0}, [
        *report.rejections,
        *report.details,
    ]
    org.refresh_from_db()
    assert org.description == stored


def test_a_formatted_project_description_survives_export_and_reimport(client):
    # Matched on re-import by its lead and place, as in test_exports.
    project = ProjectFactory(title="Eau pour Koudougou", description=RICH)
    lead = OrganisationFactory(name="Porteur", siren="732829320")
    ParticipationFactory(project=project, organisation=lead)
    PlaceHereFactory(project=project)
    stored = Project.objects.get(pk=project.pk).description
    data = body(client.get(reverse("opendata:download", args=["projects", "csv"])))
    report = registry.get("projects").run(io.BytesIO(data), wet_run=True)
    assert report.counts[UNCHANGED] == 1, [*report.rejections, *report.details]
    assert Project.objects.get(pk=project.pk).description == stored


def test_json_ld_murmurations_and_geojson_carry_plain_text(client):
    org = OrganisationFactory(
        name="Ville d'Orléans & Co", description=RICH, mission="Coopérer « ici & là-bas »"
    )
    graph = json.loads(
        body(client.get(reverse("opendata:download", args=["organisations", "jsonld"])))
    )
    (node,) = graph["@graph"]
    assert node["description"] == AS_TEXT
    assert node["name"] == "Ville d'Orléans & Co"
    assert node["essglobal:mission"] == "Coopérer « ici & là-bas »"
    profile = client.get(reverse("opendata:murmurations", args=[org.slug])).json()
    assert profile["description"] == AS_TEXT and profile["name"] == "Ville d'Orléans & Co"
    features = json.loads(
        body(client.get(reverse("opendata:download", args=["organisations", "geojson"])))
    )["features"]
    properties = features[0]["properties"]
    for value in properties.values():
        if isinstance(value, str):
            assert_text(value)
    assert properties["name"] == "Ville d'Orléans & Co"


def test_iati_narratives_are_plain_text():
    ProjectFactory(title="L'eau & la terre", description=RICH)
    out = io.BytesIO()
    write_activities(Project.objects.all(), out)
    tree = etree.fromstring(out.getvalue())
    narratives = {
        n.getparent().tag: n.text for n in tree.iter("narrative") if n.getparent().tag != "location"
    }
    assert narratives["title"] == "L'eau & la terre"
    assert narratives["description"] == AS_TEXT


def _ical_components(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return [c for c in calendar.walk() if c.name == "VEVENT"]


def test_icalendar_descriptions_are_plain_text(client):
    event = EventFactory(
        title="Journée d'échanges & de rencontres", summary="", description=RICH, is_published=True
    )
    SessionFactory(
        event=event, title="Atelier « eau & terre »", description="<p>Débat &amp; jeu</p>"
    )
    components = _ical_components(client.get(reverse("events:ics", args=[event.slug])))
    summaries = [str(c["summary"]) for c in components]
    descriptions = [str(c.get("description", "")) for c in components]
    assert summaries[0] == "Journée d'échanges & de rencontres"
    assert descriptions[0] == AS_TEXT  # no summary: the presentation's text
    assert descriptions[1] == "Débat & jeu"
    for text in summaries + descriptions:
        assert_text(text)


@pytest.mark.parametrize("kind", ["organisations", "projects"])
def test_api_detail_keeps_sanitised_html_and_adds_plain_text(client, kind):
    if kind == "organisations":
        record = OrganisationFactory(description=RICH)
        url = f"/api/v1/organisations/{record.pk}"
    else:
        record = ProjectFactory(description=RICH)
        url = f"/api/v1/projects/{record.pk}"
    data = client.get(url).json()
    assert "<strong>Ouahigouya</strong>" in data["description"]
    assert data["description_text"] == AS_TEXT
