"""A year's tables in and out of a Snapshot's JSON (docs/decisions.md §33).

Freezing computes every indicator twice, in French and in English, so that a snapshot reads
the same in both languages after an indicator's wording changes; the values come from the
French pass (they are the same). Reading rebuilds registry `Indicator`, `Table`, `Row` and
`Column` objects, so the page, the downloads, the yearly report and the API draw a frozen
year with the code that draws a live one.

Shape of `Snapshot.tables`:

    {"version": 1, "indicators": [
      {"key", "section", "unit", "chart", "filters": [...], "staff_only",
       "name": {"fr", "en"}, "formula": {...}, "counts": {...}, "leaves_out": {...},
       "table": {"category": {"fr", "en"}, "chart_columns": [...],
                 "columns": [{"key", "unit", "label": {"fr", "en"}}],
                 "rows": [{"code", "label": {"fr", "en"}, "values": {column: value}}]}}]}

Values are integers, or exact decimal amounts written as strings ("1234.50"). Beside the
indicators, `"new_actors": {"total", "here", "there"}` counts the published organisations
recorded during the year, for the comparison of years."""

from decimal import Decimal

from django.db.models import Count, Q
from django.utils import translation

from passerelles.actors.enums import Side
from passerelles.actors.models import Organisation
from passerelles.observatory.registry import REGISTRY, Column, Indicator, Row, Table
from passerelles.observatory.scope import Filters, Scope, end_of, start_of

VERSION = 1
LANGUAGES = ("fr", "en")
TEXTS = ("name", "formula", "counts", "leaves_out")


def _value_in(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def _value_out(value):
    # Amounts were written as strings: read them back as the exact Decimal they were.
    return Decimal(value) if isinstance(value, str) else value


def compute(year: int, on_indicator=None) -> dict:
    """Every indicator of `year` (no other filter), staff ones included, as JSON-ready data.
    `on_indicator(done, total, name)` is told after each indicator."""
    indicators = list(REGISTRY.values())
    scope = Scope(Filters(year=year))
    by_language: dict[str, dict] = {}
    total = len(indicators) * len(LANGUAGES)
    done = 0
    for language in LANGUAGES:
        with translation.override(language):
            tables = {}
            for ind in indicators:
                tables[ind.key] = in_words(ind.compute(scope))
                done += 1
                if on_indicator:
                    on_indicator(done, total, str(ind.name))
            texts = {
                ind.key: {name: str(getattr(ind, name)) for name in TEXTS} for ind in indicators
            }
            by_language[language] = {"tables": tables, "texts": texts}
    return {
        "version": VERSION,
        "indicators": [_frozen(ind, by_language) for ind in indicators],
        "new_actors": new_actors(year),
    }


def in_words(table: Table) -> Table:
    """The table with its lazy texts turned into strings while the language is active."""
    return Table(
        category=str(table.category),
        columns=[Column(c.key, str(c.label), c.unit) for c in table.columns],
        rows=[Row(row.code, str(row.label), row.values) for row in table.rows],
        chart_columns=tuple(table.chart_columns),
    )


def _frozen(ind: Indicator, by_language: dict) -> dict:
    fr = by_language["fr"]["tables"][ind.key]
    others = {lang: by_language[lang]["tables"][ind.key] for lang in LANGUAGES}
    # Rows are matched by code: a language may order ties differently (labels sort them).
    row_labels = {
        lang: {row.code: row.label for row in table.rows} for lang, table in others.items()
    }
    column_labels = {
        lang: {c.key: str(c.label) for c in table.columns} for lang, table in others.items()
    }
    item = {
        "key": ind.key,
        "section": ind.section,
        "unit": ind.unit,
        "chart": ind.chart,
        "filters": list(ind.filters),
        "staff_only": ind.staff_only,
    }
    for name in TEXTS:
        item[name] = {lang: by_language[lang]["texts"][ind.key][name] for lang in LANGUAGES}
    item["table"] = {
        "category": {lang: str(others[lang].category) for lang in LANGUAGES},
        "chart_columns": list(fr.chart_columns),
        "columns": [
            {
                "key": c.key,
                "unit": c.unit,
                "label": {lang: column_labels[lang].get(c.key, str(c.label)) for lang in LANGUAGES},
            }
            for c in fr.columns
        ],
        "rows": [
            {
                "code": row.code,
                "label": {lang: row_labels[lang].get(row.code, row.label) for lang in LANGUAGES},
                "values": {key: _value_in(value) for key, value in row.values.items()},
            }
            for row in fr.rows
        ],
    }
    return item


def _text(texts: dict, language: str) -> str:
    return texts.get(language) or texts.get("fr") or ""


def current_language() -> str:
    return "en" if (translation.get_language() or "fr").startswith("en") else "fr"


def _not_computed(scope):  # pragma: no cover - a frozen indicator is never computed
    raise RuntimeError("a frozen indicator is read from its snapshot, never computed")


def rebuild(data: dict, *, staff: bool, language: str | None = None) -> list[tuple]:
    """(Indicator, Table) pairs from a snapshot's `tables`, in the order they were frozen,
    without the staff-only indicators unless `staff`."""
    language = language or current_language()
    results = []
    for item in data.get("indicators", []):
        if item.get("staff_only") and not staff:
            continue
        ind = Indicator(
            key=item["key"],
            section=item["section"],
            name=_text(item["name"], language),
            formula=_text(item["formula"], language),
            counts=_text(item["counts"], language),
            leaves_out=_text(item["leaves_out"], language),
            unit=item["unit"],
            chart=item["chart"],
            filters=tuple(item["filters"]),
            compute=_not_computed,
            staff_only=bool(item.get("staff_only")),
        )
        frozen = item["table"]
        table = Table(
            category=_text(frozen["category"], language),
            columns=[
                Column(c["key"], _text(c["label"], language), c["unit"]) for c in frozen["columns"]
            ],
            rows=[
                Row(
                    r["code"],
                    _text(r["label"], language),
                    {k: _value_out(v) for k, v in r["values"].items()},
                )
                for r in frozen["rows"]
            ],
            chart_columns=tuple(frozen["chart_columns"]),
        )
        results.append((ind, table))
    return results


def new_actors(year: int) -> dict:
    """The published organisations recorded in the directory during `year`, here and there."""
    start, end = start_of(year), end_of(year)
    counts = (
        Organisation.objects.published()
        .filter(created_at__gte=start, created_at__lt=end)
        .aggregate(
            total=Count("pk"),
            here=Count("pk", filter=Q(side=Side.HERE)),
            there=Count("pk", filter=Q(side=Side.THERE)),
        )
    )
    return dict(counts)
