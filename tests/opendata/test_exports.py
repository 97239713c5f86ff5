"""Exports: formula injection, round trip, GeoJSON, JSON-LD, Murmurations, only published
records, the command, the page and the API."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from passerelles.actors.enums import Status
from passerelles.opendata import export, registry
from passerelles.opendata.formats import tabular
from passerelles.opendata.report import CREATED, REJECTED, UNCHANGED, UPDATED
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.opendata.murmurations_check import profile_errors
from tests.projects.factories import (
    ParticipationFactory,
    PlaceHereFactory,
    PlaceThereFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("value", ["=1+1", "+33 2 54", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_safe_cell_quotes_formula_triggers(value):
    assert tabular.safe_cell(value) == "'" + value
    assert tabular.safe_cell("Bonjour =") == "Bonjour ="


def test_csv_and_xlsx_exports_neutralise_formulas(client):
    OrganisationFactory(name='=HYPERLINK("http://evil","x")', phone="+33 2 54 00 00 00")
    response = client.get(reverse("opendata:download", args=["organisations", "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    text = body(response).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows[0]["name"].startswith("'=HYPERLINK")
    assert rows[0]["phone"] == "'+33 2 54 00 00 00"
    response = client.get(reverse("opendata:download", args=["organisations", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    assert values[1][header.index("name")].startswith("'=")
    assert sheet.cell(row=2, column=header.index("name") + 1).data_type == "s"


def test_only_published_records_are_exported(client):
    OrganisationFactory(name="Publiée")
    OrganisationFactory(name="En attente", status=Status.PENDING)
    ProjectFactory(title="Projet brouillon", status=Status.DRAFT)
    text = body(client.get(reverse("opendata:download", args=["organisations", "csv"]))).decode()
    assert "Publiée" in text and "En attente" not in text
    text = body(client.get(reverse("opendata:download", args=["projects", "csv"]))).decode()
    assert "Projet brouillon" not in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_organisations_export_reimports_unchanged(client, fmt):
    OrganisationFactory(
        name="Terres Solidaires",
        acronym="TS",
        siren="732829320",
        description="<p>Jumelage &amp; échanges</p>",
        phone="+33 2 54 00 00 00",
        website="https://ts.example.org",
        themes=[],
    )
    OrganisationFactory(name="Sans identifiant", mission="-- une mission --")
    AbroadOrganisationFactory(name="Wend Panga")
    data = body(client.get(reverse("opendata:download", args=["organisations", fmt])))
    report = registry.get("organisations").run(io.BytesIO(data), wet_run=True)
    assert report.counts == {CREATED: 0, UPDATED: 0, UNCHANGED: 3, REJECTED: 0}, [
        *report.rejections,
        *report.details,
    ]


def test_projects_export_reimports_unchanged(client):
    lead = OrganisationFactory(name="Porteur", siren="732829320")
    partner = AbroadOrganisationFactory(name="Partenaire")
    project = ProjectFactory(title="Eau pour Koudougou", start_date="2025-01-01")
    ParticipationFactory(project=project, organisation=lead)
    ParticipationFactory(project=project, organisation=partner, role="partner_there")
    PlaceHereFactory(project=project)
    PlaceThereFactory(project=project)
    data = body(client.get(reverse("opendata:download", args=["projects", "csv"])))
    report = registry.get("projects").run(io.BytesIO(data), wet_run=True)
    assert report.counts[UNCHANGED] == 1, [*report.rejections, *report.details]


def test_geojson_is_a_feature_collection_in_lon_lat_order(client):
    org = AbroadOrganisationFactory(name="Ouaga", lat=12.36, lon=-1.53)
    OrganisationFactory(name="Sans point", commune_id=None, locality="Quelque part", lat=None)
    project = ProjectFactory(title="Projet situé")
    PlaceThereFactory(project=project, lat=12.36, lon=-1.53)
    data = json.loads(
        body(client.get(reverse("opendata:download", args=["organisations", "geojson"])))
    )
    assert data["type"] == "FeatureCollection"
    feature = next(f for f in data["features"] if f["id"] == org.slug)
    assert feature["geometry"] == {"type": "Point", "coordinates": [-1.53, 12.36]}
    assert feature["properties"]["name"] == "Ouaga" and feature["properties"]["country"] == "BF"
    assert all(f["properties"]["name"] != "Sans point" for f in data["features"])
    data = json.loads(body(client.get(reverse("opendata:download", args=["projects", "geojson"]))))
    (feature,) = data["features"]
    assert feature["geometry"]["type"] == "MultiPoint"
    assert [-1.53, 12.36] in feature["geometry"]["coordinates"]


def test_json_ld_uses_schema_org_and_essglobal(client):
    from passerelles.vocab.models import Theme

    health = Theme.objects.get(slug="sante")
    OrganisationFactory(
        name="Santé Solidaire",
        siren="732829320",
        is_ess=True,
        is_si=True,
        website="https://ss.example.org",
        mission="Soigner",
        themes=[health],
    )
    response = client.get(reverse("opendata:download", args=["organisations", "jsonld"]))
    assert response["Content-Type"] == "application/ld+json"
    data = json.loads(body(response))
    assert data["@context"]["@vocab"] == "https://schema.org/"
    assert data["@context"]["essglobal"] == "http://purl.org/essglobal/vocab/"
    (node,) = data["@graph"]
    assert node["@type"] == ["NGO", "essglobal:SSEInitiative"]
    assert node["@id"].startswith("http://testserver/")
    assert node["address"]["@type"] == "PostalAddress"
    assert node["address"]["addressLocality"] == "Blois"
    assert node["geo"]["@type"] == "GeoCoordinates"
    assert node["sameAs"] == ["https://ss.example.org"]
    assert node["knowsAbout"] == ["Santé"]
    assert node["essglobal:mission"] == "Soigner"
    themes = "http://purl.org/essglobal/standard/themes/"
    assert node["dcterms:subject"] == [themes + health.essglobal_code, themes + "T11"]
    assert {"@type": "PropertyValue", "propertyID": "SIREN", "value": "732829320"} in node[
        "identifier"
    ]


def test_murmurations_profile_validates_against_the_schema(client):
    org = OrganisationFactory(name="Terres", acronym="TS", email="a@b.org", is_ess=True)
    abroad = AbroadOrganisationFactory(name="Partenaire")
    for each in (org, abroad):
        response = client.get(reverse("opendata:murmurations", args=[each.slug]))
        assert response.status_code == 200
        profile = response.json()
        assert profile_errors(profile) == []
        assert profile["linked_schemas"] == ["organizations_schema-v1.0.0"]
    assert profile["country_iso_3166"] == "BF"
    assert profile["geolocation"] == {"lat": abroad.lat, "lon": abroad.lon}


def test_murmurations_checker_catches_errors():
    assert "missing required linked_schemas" in " ".join(profile_errors({"name": "x"}))
    bad = {"linked_schemas": ["Bad"], "name": "x", "primary_url": "ftp://x"}
    assert len(profile_errors(bad)) == 2


def test_murmurations_of_unpublished_is_404(client):
    org = OrganisationFactory(status=Status.PENDING)
    assert client.get(reverse("opendata:murmurations", args=[org.slug])).status_code == 404


def test_index_lists_every_export_with_format_and_licence(client, django_assert_max_num_queries):
    OrganisationFactory()
    with django_assert_max_num_queries(5):
        response = client.get(reverse("opendata:index"))
    text = response.content.decode()
    for entry in export.EXPORTS:
        assert reverse("opendata:download", args=[entry.kind, entry.format]) in text
    assert "Licence Ouverte" in text
    assert reverse("opendata:import") not in text  # visitors do not see the import


def test_unknown_export_is_404(client):
    assert client.get("/donnees/exports/projects.jsonld").status_code == 404


def test_export_command(tmp_path):
    OrganisationFactory(name="Par la commande")
    out = io.StringIO()
    call_command("export", "csv", stdout=out)
    assert "Par la commande" in out.getvalue()
    path = tmp_path / "orgs.xlsx"
    call_command("export", "xlsx", "--output", str(path), stdout=io.StringIO())
    assert openpyxl.load_workbook(path).active.cell(row=2, column=1).value == "Par la commande"
    path = tmp_path / "projects.xml"
    call_command("export", "iati", "--output", str(path), stdout=io.StringIO())
    assert path.read_bytes().startswith(b"<?xml")
    with pytest.raises(CommandError, match="Pas d'export"):
        call_command("export", "jsonld", "--kind", "projects")


def test_api_lists_and_serves_exports(client):
    OrganisationFactory(name="Par l'API")
    listing = client.get("/api/v1/exports").json()
    assert {(e["kind"], e["format"]) for e in listing} >= {("organisations", "geojson")}
    response = client.get("/api/v1/exports/organisations/geojson")
    assert json.loads(body(response))["features"][0]["properties"]["name"] == "Par l'API"
    response = client.get("/api/v1/exports/projects/jsonld")
    assert response.status_code == 404 and "Pas d'export" in response.json()["detail"]
