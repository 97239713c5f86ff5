"""The indicators as shown, in CSV, XLSX and JSON: the same tables, the same filters.

CSV: one line per value ("long" shape: indicator, category, measure, value, unit), `;`-separated
with a UTF-8 BOM as French spreadsheets expect (the project's CSV convention), amounts with a
point as decimal separator. XLSX: one sheet per indicator, laid out as the page's table, under
a line naming the filters. JSON: every indicator with its definition, columns and rows."""

import csv
import io
import json
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text a spreadsheet will not run as a formula; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def filters_text(parts: list[str]) -> str:
    """ "Filtres : année 2025, département Loir-et-Cher (41)" or "Aucun filtre"."""
    return _("Filtres : %(list)s") % {"list": ", ".join(parts)} if parts else _("Aucun filtre")


def csv_bytes(results) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [_("indicateur"), _("nom"), _("code"), _("libellé"), _("mesure"), _("valeur"), _("unité")]
    )
    for indicator, table in results:
        for row in table.rows:
            for column, value in zip(table.columns, row.cells(table.columns), strict=True):
                writer.writerow(
                    [
                        indicator.key,
                        safe_cell(str(indicator.name)),
                        safe_cell(row.code),
                        safe_cell(row.label),
                        safe_cell(str(column.label)),
                        value,
                        column.unit,
                    ]
                )
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(results, filters_line: str) -> bytes:
    workbook = Workbook(write_only=True)
    for indicator, table in results:
        # Sheet names: 31 characters at most, unique; the key is both.
        sheet = workbook.create_sheet(title=indicator.key[:31])
        sheet.append([safe_cell(str(indicator.name))])
        sheet.append([safe_cell(filters_line)])
        sheet.append(
            [safe_cell(str(table.category))] + [safe_cell(str(c.label)) for c in table.columns]
        )
        for row in table.rows:
            sheet.append([safe_cell(row.label)] + [_number(v) for v in row.cells(table.columns)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_json(results, filters, language: str) -> dict:
    return {
        "filters": filters.as_query(),
        "language": language,
        "indicators": [
            {
                "key": indicator.key,
                "name": str(indicator.name),
                "formula": str(indicator.formula),
                "counts": str(indicator.counts),
                "leaves_out": str(indicator.leaves_out),
                "unit": indicator.unit,
                "filters_applied": list(indicator.filters),
                "category": str(table.category),
                "columns": [
                    {"key": c.key, "label": str(c.label), "unit": c.unit} for c in table.columns
                ],
                "rows": [
                    {
                        "code": row.code,
                        "label": row.label,
                        "values": {
                            c.key: _number(v)
                            for c, v in zip(table.columns, row.cells(table.columns), strict=True)
                        },
                    }
                    for row in table.rows
                ],
            }
            for indicator, table in results
        ],
    }


def json_bytes(results, filters, language: str) -> bytes:
    return json.dumps(as_json(results, filters, language), ensure_ascii=False, indent=1).encode()
