"""Downloads hold exactly what the page shows, with the same filters, in CSV, XLSX and JSON."""

import csv
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest

pytestmark = pytest.mark.django_db
URL = "/observatoire/"


def shown_tables(html: str) -> dict:
    """indicator → {row label: [cell texts]} as the page shows them."""
    tables = {}
    for key, article in re.findall(
        r'<article class="indicator" id="([a-z_]+)"(.*?)</article>', html, re.S
    ):
        rows = re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', article, re.S)
        tables[key] = {
            label: re.findall(r'<td class="number">(.*?)</td>', cells) for label, cells in rows
        }
    return tables


def as_shown(value) -> str:
    """A number written as the French page writes it (no-break space between thousands)."""
    whole = int(Decimal(str(value)).quantize(Decimal(1)))
    return f"{whole:,}".replace(",", "\xa0")


def unescape(text: str) -> str:
    return text.replace("&#x27;", "'").replace("&amp;", "&")


@pytest.mark.parametrize("params", [{}, {"year": "2025"}, {"country": "ML"}])
def test_csv_json_and_xlsx_hold_what_the_page_shows(client, network, params):
    page = shown_tables(client.get(URL, params).content.decode())
    assert page["actors_by_side"]  # the page shows tables to compare with

    raw = client.get(URL + "indicateurs.csv", params)
    assert raw["Content-Type"].startswith("text/csv")
    text = raw.content.decode("utf-8")
    assert text.startswith("\ufeff")  # the BOM French spreadsheets need
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == ["indicateur", "nom", "code", "libellé", "mesure", "valeur", "unité"]
    from_csv: dict = {}
    for key, _name, _code, label, _measure, value, _unit in lines[1:]:
        from_csv.setdefault(key, {}).setdefault(label, []).append(as_shown(value))

    data = json.loads(client.get(URL + "indicateurs.json", params).content)
    assert {k: str(v) for k, v in data["filters"].items()} == {
        k: v.upper() if k == "country" else v for k, v in params.items()
    }
    from_json = {
        ind["key"]: {
            row["label"]: [as_shown(row["values"][c["key"]]) for c in ind["columns"]]
            for row in ind["rows"]
        }
        for ind in data["indicators"]
    }

    book = openpyxl.load_workbook(io.BytesIO(client.get(URL + "indicateurs.xlsx", params).content))
    from_xlsx = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        from_xlsx[sheet.title] = {row[0]: [as_shown(v) for v in row[1:]] for row in rows[3:]}

    expected = {
        key: {unescape(label): cells for label, cells in rows.items()} for key, rows in page.items()
    }
    assert from_json == expected
    assert from_xlsx == expected
    # The CSV leaves out nothing but empty tables (a table without rows has no line).
    assert from_csv == {key: rows for key, rows in expected.items() if rows}


def test_one_indicator_alone(client, network):
    data = json.loads(client.get(URL + "indicateurs.json", {"indicator": "actors_by_side"}).content)
    assert [ind["key"] for ind in data["indicators"]] == ["actors_by_side"]
    assert data["indicators"][0]["rows"] == [
        {"code": "here", "label": "ici", "values": {"total": 3}},
        {"code": "there", "label": "là-bas", "values": {"total": 2}},
    ]
    response = client.get(URL + "indicateurs.csv", {"indicator": "actors_by_side", "year": 2026})
    assert response["Content-Disposition"] == (
        'attachment; filename="observatoire-actors_by_side.csv"'
    )
    book = openpyxl.load_workbook(
        io.BytesIO(
            client.get(
                URL + "indicateurs.xlsx", {"indicator": "actors_by_side", "department": "41"}
            ).content
        )
    )
    assert book.sheetnames == ["actors_by_side"]
    rows = list(book["actors_by_side"].iter_rows(values_only=True))
    assert rows[1][0] == "Filtres : département Loir-et-Cher (41)"
    assert rows[3:] == [("ici", 1), ("là-bas", 0)]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "abc"}, "Erreur : L'année doit être un nombre, par exemple 2025."),
        ({"indicator": "nope"}, "Erreur : « nope » n'est pas un indicateur de l'observatoire."),
        ({"indicator": "records_by_status"}, "n'est pas un indicateur de l'observatoire"),
    ],
)
def test_bad_download_requests_are_told_in_words(client, network, params, message):
    response = client.get(URL + "indicateurs.csv", params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_unknown_format_is_not_found(client, db):
    assert client.get(URL + "indicateurs.pdf").status_code == 404
