"""Exports: JSON-LD (schema.org CreativeWork) that parses, and a CSV of plain text, without
tags or HTML entities; only published sheets leave the site."""

import csv
import io
import json

import pytest
from django.urls import reverse

from tests.practices.factories import make_sheet
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheets():
    published = make_sheet(
        title="Pompe & forage « solaire »",
        problem="L'eau manquait <b>souvent</b> : 3 < 5.",
        what_was_done=(
            "<p>Une <strong>pompe</strong> &amp; un château d'eau.</p><ul><li>un</li></ul>"
        ),
        cost_amount=18000,
        cost_currency="EUR",
        cost_text="=SOMME(A1)",
        what_worked="La caisse d'entretien.",
    )
    pending = make_sheet(by=UserFactory(), title="Pas encore publiée")
    return published, pending


def test_jsonld_parses_and_describes_the_sheet(client, sheets):
    published, _pending = sheets
    response = client.get(reverse("practices:export_jsonld"))
    assert response["Content-Type"].startswith("application/ld+json")
    doc = json.loads(response.content)
    assert doc["@context"] == {"@vocab": "https://schema.org/"}
    [item] = doc["@graph"]
    assert item["@type"] == "CreativeWork" and item["name"] == "Pompe & forage « solaire »"
    assert item["url"].endswith(published.get_absolute_url())
    assert item["spatialCoverage"]["address"]["addressCountry"] == "BF"
    parts = {p["name"]: p["text"] for p in item["hasPart"]}
    assert parts["Ce qui a été fait"] == "Une pompe & un château d'eau.\n\nun"
    assert parts["Ce que cela a coûté"].startswith("18\u202f000 EUR")
    assert [t["termCode"] for t in item["about"]] == ["eau-assainissement"]


def test_the_sheet_page_embeds_its_jsonld(client, sheets):
    published, _pending = sheets
    html = client.get(published.get_absolute_url()).content.decode()
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    item = json.loads(html[start : html.index("</script>", start)])
    assert item["name"] == published.title


def test_csv_is_plain_text(client, sheets):
    response = client.get(reverse("practices:export_csv"))
    text = response.content.decode("utf-8-sig")
    assert "&amp;" not in text and "<" not in text.replace("3 < 5", "")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [r["titre"] for r in rows] == ["Pompe & forage « solaire »"]
    row = rows[0]
    assert row["probleme"] == "L'eau manquait souvent : 3 < 5."
    assert row["ce_qui_a_ete_fait"] == "Une pompe & un château d'eau.\n\nun"
    assert row["cout_montant"] == "18000" and row["cout_devise"] == "EUR"
    # A formula is written as text, never run by a spreadsheet.
    assert row["cout_texte"] == "'=SOMME(A1)"


def test_exports_follow_the_list_filters(client, sheets):
    response = client.get(reverse("practices:export_csv"), {"side": "here"})
    assert "Pompe" not in response.content.decode("utf-8-sig")
