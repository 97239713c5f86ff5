"""The observatory's indicators, each defined once: key, name, formula, unit, what it counts
and what it leaves out. The page, the downloads and docs/observatory.md all read this
registry (tests/observatory/test_docs.py checks that every indicator is documented)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# What a filter is called in the definitions (the form's own labels are in forms.py).
FILTER_NAMES = {
    "year": _("année"),
    "department": _("département"),
    "country": _("pays"),
    "theme": _("thème"),
}

# Units of a value column.
COUNT = "count"
EUR = "eur"
UNIT_NAMES = {COUNT: _("nombre"), EUR: _("euros")}

# How an indicator is drawn: a bar chart, a line chart (a series by year), a map of the
# region's departments, a map of the countries, or only its table.
BAR, LINE, DEPARTMENTS_MAP, COUNTRIES_MAP, TABLE = "bar", "line", "departments", "countries", ""

# Sections of the page, in order.
SECTIONS = {
    "actors": _("Les acteurs"),
    "links": _("Ici et là-bas"),
    "projects": _("Les projets"),
    "funding": _("Les financements"),
    "bridges": _("Passerelles et réciprocité"),
    "events": _("Les événements"),
    "staff": _("Pour l'équipe du réseau"),
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: str = COUNT


@dataclass
class Row:
    code: str
    label: str
    values: dict

    def cells(self, columns) -> list:
        return [self.values.get(column.key, 0) for column in columns]


@dataclass
class Table:
    """What an indicator shows: one row per category, one column per measure."""

    category: str  # the heading of the category column ("Famille", "Pays"…)
    columns: list[Column]
    rows: list[Row]
    # The columns the chart draws (the first one by default).
    chart_columns: tuple[str, ...] = ()

    @property
    def drawn(self) -> list[Column]:
        keys = self.chart_columns or (self.columns[0].key,)
        return [column for column in self.columns if column.key in keys]

    def total(self, key: str):
        return sum(row.values.get(key) or 0 for row in self.rows)


@dataclass(frozen=True)
class Indicator:
    key: str
    section: str
    name: str
    formula: str
    counts: str
    leaves_out: str
    unit: str
    chart: str
    filters: tuple[str, ...]
    compute: Callable = field(repr=False)
    # Shown to the network's staff and admins only (perms.sees_staff_indicators).
    staff_only: bool = False

    @property
    def unit_name(self) -> str:
        return str(UNIT_NAMES[self.unit])

    @property
    def filter_names(self) -> list[str]:
        return [str(FILTER_NAMES[name]) for name in self.filters]


REGISTRY: dict[str, Indicator] = {}


def indicator(
    key,
    *,
    section,
    name,
    formula,
    counts,
    leaves_out,
    unit=COUNT,
    chart=BAR,
    filters=("year", "department", "country", "theme"),
    staff_only=False,
):
    """Registers the decorated function `compute(scope) -> Table` as an indicator."""

    def register(compute):
        if key in REGISTRY:
            raise ValueError(f"indicator {key!r} is registered twice")
        REGISTRY[key] = Indicator(
            key=key,
            section=section,
            name=name,
            formula=formula,
            counts=counts,
            leaves_out=leaves_out,
            unit=unit,
            chart=chart,
            filters=tuple(filters),
            compute=compute,
            staff_only=staff_only,
        )
        return compute

    return register


def visible(*, staff: bool) -> list[Indicator]:
    """The indicators a person sees, in the registry's order."""
    return [ind for ind in REGISTRY.values() if staff or not ind.staff_only]
