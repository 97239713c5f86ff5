"""The national roll-up: the public indicators of one year in a shape a national federation
(CIRRMA's barometer) stacks across regions — one file per region, the same columns in every
file, one line per value, stable codes beside French labels (docs/observatory.md, "Export
national"; docs/decisions.md §35).

The figures always come from `yearly.year_results`, so a frozen year is exported from its
snapshot and never recomputed from today's rows. Only public indicators are exported: the
file is published and sent outside the network, and the staff indicators count unpublished
records and people."""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation

from passerelles.core import csvfiles
from passerelles.geo.models import Region
from passerelles.observatory.registry import EUR
from passerelles.observatory.yearly import year_results

SCHEMA = "passerelles-observatory-rollup"
SCHEMA_VERSION = 1
FORMATS = ("csv", "json")

# The columns of every file, in order (the CSV header, the keys of each JSON line).
COLUMNS = (
    "region_code",
    "region_name",
    "network",
    "year",
    "frozen",
    "indicator",
    "indicator_name",
    "category_code",
    "category_label",
    "measure",
    "measure_label",
    "value",
    "unit",
)


@dataclass
class Rollup:
    year: int
    frozen: bool
    region_code: str
    region_name: str
    network: str
    lines: list[dict]


def region() -> tuple[str, str]:
    """The site's region: its INSEE code (settings) and its name from the geo referential."""
    code = settings.PASSERELLES_REGION_CODE
    name = Region.objects.filter(code=code).values_list("name", flat=True).first()
    return code, name or ""


def _value(value, unit: str):
    """Counts as integers, euros as a decimal with cents (a point as separator)."""
    if unit == EUR:
        return (Decimal(value or 0)).quantize(Decimal("0.01"))
    return int(value or 0)


def build(year: int) -> Rollup:
    """The roll-up of `year`: labels in French whatever the caller's language, so that the
    files of every region read alike."""
    with translation.override("fr"):
        results = year_results(year, staff=False)
        code, name = region()
        network = settings.PASSERELLES_NETWORK_NAME
        lines = []
        for indicator, table in results.results:
            if indicator.staff_only:  # a frozen snapshot may hold them: never published
                continue
            for row in table.rows:
                for column, value in zip(table.columns, row.cells(table.columns), strict=True):
                    lines.append(
                        {
                            "region_code": code,
                            "region_name": name,
                            "network": network,
                            "year": year,
                            "frozen": results.frozen,
                            "indicator": indicator.key,
                            "indicator_name": str(indicator.name),
                            "category_code": str(row.code),
                            "category_label": str(row.label),
                            "measure": column.key,
                            "measure_label": str(column.label),
                            "value": _value(value, column.unit),
                            "unit": column.unit,
                        }
                    )
    return Rollup(year, results.frozen, code, name, network, lines)


def _csv_cell(value):
    # "true"/"false" rather than the site's "oui"/"non": a code, read by programs.
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_bytes(rollup: Rollup) -> bytes:
    rows = ([_csv_cell(line[key]) for key in COLUMNS] for line in rollup.lines)
    return csvfiles.text(list(COLUMNS), rows).encode("utf-8")


def as_json(rollup: Rollup) -> dict:
    def number(value):
        return float(value) if isinstance(value, Decimal) else value

    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "region": {"code": rollup.region_code, "name": rollup.region_name},
        "network": rollup.network,
        "year": rollup.year,
        "frozen": rollup.frozen,
        "figures": "snapshot" if rollup.frozen else "live",
        "columns": list(COLUMNS),
        "lines": [{key: number(line[key]) for key in COLUMNS} for line in rollup.lines],
    }


def json_bytes(rollup: Rollup) -> bytes:
    return json.dumps(as_json(rollup), ensure_ascii=False, indent=1).encode("utf-8")


def render(rollup: Rollup, fmt: str) -> bytes:
    return csv_bytes(rollup) if fmt == "csv" else json_bytes(rollup)


def filename(year: int, fmt: str) -> str:
    return f"observatoire-consolidation-{settings.PASSERELLES_REGION_CODE}-{year}.{fmt}"
