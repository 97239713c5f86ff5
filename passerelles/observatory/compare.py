"""The comparison of years (`/observatoire/annees/`, docs/decisions.md §33): every frozen year,
read from its snapshot, and the current year computed live, side by side.

For each indicator the total of its first measure per year and the evolution against the
previous column in %; the organisations recorded during each year; the partner countries of
each year absent from the previous one. An evolution from 0 is "new", from nothing "—": never
a division by zero."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from passerelles.observatory import snapshots, yearly
from passerelles.observatory.models import Snapshot
from passerelles.observatory.registry import Column, Indicator, Table
from passerelles.observatory.scope import Filters

# The indicator whose rows are the partner countries of a year.
COUNTRIES = "partner_countries"


@dataclass
class Evolution:
    kind: str  # "percent", "new" (from 0 to more), "none" (nothing to compare with)
    percent: Decimal | None = None


@dataclass
class YearColumn:
    year: int
    snapshot: Snapshot | None
    results: dict[str, tuple[Indicator, Table]]
    new_actors: dict
    countries: dict[str, str]  # code → name
    new_countries: list[tuple[str, str]] = field(default_factory=list)
    previous: int | None = None

    @property
    def live(self) -> bool:
        return self.snapshot is None


@dataclass
class Line:
    """One indicator across the years: its name, its measure and a cell per year."""

    key: str
    name: str
    measure: Column
    cells: list[tuple[object, Evolution]]  # (total or None, evolution) per year


def evolution(previous, current) -> Evolution:
    if previous is None or current is None:
        return Evolution("none")
    if previous == 0:
        return Evolution("new") if current else Evolution("none")
    change = (Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)
    return Evolution("percent", change.quantize(Decimal("0.1")))


def _countries(results: dict) -> dict[str, str]:
    pair = results.get(COUNTRIES)
    if pair is None:
        return {}
    return {row.code: row.label for row in pair[1].rows if any(row.values.values())}


def columns(*, staff: bool) -> list[YearColumn]:
    """The frozen years in order, then the current year live (unless it is frozen)."""
    out = []
    for snapshot in Snapshot.objects.order_by("year").select_related("frozen_by"):
        frozen = yearly.frozen_results(snapshot, staff=staff)
        results = {ind.key: (ind, table) for ind, table in frozen}
        new_actors = snapshot.tables.get("new_actors") or {}
        out.append(YearColumn(snapshot.year, snapshot, results, new_actors, _countries(results)))
    current = timezone.localdate().year
    if not any(column.year == current for column in out):
        live = yearly.live_results(Filters(year=current), staff=staff)
        results = {ind.key: (ind, table) for ind, table in live}
        out.append(
            YearColumn(current, None, results, snapshots.new_actors(current), _countries(results))
        )
    for before, column in zip(out, out[1:], strict=False):
        column.previous = before.year
        appeared = [(c, name) for c, name in column.countries.items() if c not in before.countries]
        column.new_countries = sorted(appeared, key=lambda item: item[1].casefold())
    return out


def lines(years: list[YearColumn]) -> list[Line]:
    """One line per indicator present in any year, in the newest year's order first."""
    order: list[str] = []
    for column in reversed(years):
        order += [key for key in column.results if key not in order]
    out = []
    for key in order:
        newest = next(c.results[key] for c in reversed(years) if key in c.results)
        ind, table = newest
        if not table.columns:
            continue
        measure = table.columns[0]
        cells, previous = [], None
        for index, column in enumerate(years):
            pair = column.results.get(key)
            total = None
            if pair is not None and any(c.key == measure.key for c in pair[1].columns):
                total = pair[1].total(measure.key)
            cells.append((total, evolution(previous, total) if index else Evolution("none")))
            previous = total
        out.append(Line(key, ind.name, measure, cells))
    return out


def actors_line(years: list[YearColumn]) -> list[tuple[object, Evolution]]:
    cells, previous = [], None
    for index, column in enumerate(years):
        total = column.new_actors.get("total")
        cells.append((total, evolution(previous, total) if index else Evolution("none")))
        previous = total
    return cells
