"""The yearly report (issue 16, decisions §34): one HTML page for the general assembly and the
funders, printed by the browser or turned into a PDF by WeasyPrint (report_pdf.py).

Its figures always come from `yearly.year_results`, so a frozen year reads its snapshot and
the report, the roll-up and the API never disagree about a year."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passerelles.actors.models import Organisation
from passerelles.geo.models import Region
from passerelles.observatory import maps
from passerelles.observatory.registry import COUNTRIES_MAP, EUR, SECTIONS
from passerelles.observatory.yearly import year_results
from passerelles.projects.models import FundingLine, Project


class YearError(Exception):
    """A year the report cannot be made for; `status` is the HTTP answer (400 or 404)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


def first_year() -> int | None:
    """The year of the platform's first record: the earliest of an organisation or a project
    recorded, a project started (a project often started long before it was recorded) and a
    funding line. None on an empty platform."""
    years = []
    for model in (Organisation, Project):
        created = model.objects.aggregate(first=Min("created_at"))["first"]
        if created:
            years.append(timezone.localtime(created).year)
    started = Project.objects.aggregate(first=Min("start_date"))["first"]
    if started:
        years.append(started.year)
    funded = FundingLine.objects.aggregate(first=Min("year"))["first"]
    if funded:
        years.append(funded)
    return min(years) if years else None


def check_year(text: str) -> int:
    """The year in the address, or YearError saying in words why there is no report for it."""
    if not re.fullmatch(r"\d{4}", text or ""):
        raise YearError(
            _("« %(year)s » n'est pas une année : écrivez-la en quatre chiffres, par exemple 2025.")
            % {"year": (text or "")[:20]},
            400,
        )
    year = int(text)
    this_year = timezone.localdate().year
    if year > this_year:
        raise YearError(
            _("L'année %(year)s n'est pas encore commencée : il n'y a pas de rapport pour elle.")
            % {"year": year},
            404,
        )
    first = first_year()
    if first is None or year < first:
        message = (
            _("Il n'y a pas de rapport pour %(year)s : la plateforme n'a aucune donnée.")
            if first is None
            else _(
                "Il n'y a pas de rapport pour %(year)s : les premières données de la plateforme "
                "datent de %(first)s."
            )
        )
        raise YearError(message % {"year": year, "first": first}, 404)
    return year


def report_year() -> int:
    """The year the observatory's page offers a report for: the last year that has ended."""
    return timezone.localdate().year - 1


def region_name() -> str:
    region = Region.objects.filter(code=settings.PASSERELLES_REGION_CODE).first()
    return region.name if region else ""


# -- the key figures ------------------------------------------------------------------------


@dataclass
class Figure:
    label: str
    value: Decimal
    unit: str = ""
    previous: Decimal | None = None

    @property
    def is_money(self) -> bool:
        return self.unit == EUR

    @property
    def change(self) -> str:
        """The evolution against the previous year in words: "+12 %", "nouveau", "—"."""
        if self.previous is None:
            return ""
        if not self.previous:
            return _("nouveau") if self.value else "—"
        percent = (self.value - self.previous) / self.previous * 100
        rounded = int(percent.quantize(Decimal(1)))
        return f"{rounded:+d} %" if rounded else _("stable")


def _number(value) -> Decimal:
    # Snapshot figures may come back as strings (exact decimals kept in JSON).
    try:
        return Decimal(str(value or 0))
    except InvalidOperation:
        return Decimal(0)


def _tables(results) -> dict:
    return {indicator.key: table for indicator, table in results}


def _sum(table, key: str) -> Decimal:
    return sum((_number(row.values.get(key)) for row in table.rows), Decimal(0))


def _figures(year: int, tables: dict) -> dict[str, Decimal]:
    """The summary's figures from the year's tables, by name; a figure whose indicator is
    absent (renamed, left out of a snapshot) is left out."""
    out: dict[str, Decimal] = {}
    if sides := tables.get("actors_by_side"):
        values = {row.code: _number(row.values.get("total")) for row in sides.rows}
        out["here"], out["there"] = values.get("here", Decimal(0)), values.get("there", Decimal(0))
    if countries := tables.get("partner_countries"):
        out["countries"] = Decimal(len(countries.rows))
    if projects := tables.get("projects_by_status"):
        out["projects"] = _sum(projects, "projects")
    if funding := tables.get("funding_by_funder_type"):
        out["funding"] = _sum(funding, "amount")
        out["funding_lines"] = _sum(funding, "lines")
    if crossing := tables.get("crossing_partnerships"):
        # The series stops at the year: its last row is the year's (absent when none yet).
        row = next((r for r in crossing.rows if r.code == str(year)), None)
        out["bridges_new"] = _number(row.values.get("new")) if row else Decimal(0)
        last = crossing.rows[-1] if crossing.rows else None
        out["bridges_total"] = _number(last.values.get("cumulative")) if last else Decimal(0)
    return out


FIGURES = [
    ("here", gettext_lazy("acteurs ici (siège dans la région et en France)"), ""),
    ("there", gettext_lazy("acteurs là-bas (siège à l'étranger)"), ""),
    ("countries", gettext_lazy("pays partenaires"), ""),
    ("projects", gettext_lazy("projets menés dans l'année"), ""),
    ("funding", gettext_lazy("financements de l'année (€)"), EUR),
    ("funding_lines", gettext_lazy("lignes de financement"), ""),
    ("bridges_new", gettext_lazy("nouveaux partenariats ESS ↔ solidarité internationale"), ""),
    ("bridges_total", gettext_lazy("partenariats ESS ↔ solidarité internationale, en tout"), ""),
]


def key_figures(year: int, results, previous_results=None) -> list[Figure]:
    now = _figures(year, _tables(results))
    before = _figures(year - 1, _tables(previous_results)) if previous_results else {}
    return [
        Figure(str(label), now[name], unit, before.get(name) if previous_results else None)
        for name, label, unit in FIGURES
        if name in now
    ]


# -- the whole report -----------------------------------------------------------------------


def _inline_countries(svg: str) -> str:
    """A countries' map with its outlines drawn inside it rather than <use>d from the page's
    shared <defs>: WeasyPrint draws each SVG on its own and cannot reach another's defs."""
    shapes = maps.country_shapes()

    def path(match):
        code, fill = match.group(1), match.group(2)
        if code not in shapes:
            return ""
        return (
            f'<path d="{shapes[code][0]}" fill="{fill}" stroke="{maps.STROKE}" '
            f'stroke-width="0.5" vector-effect="non-scaling-stroke"/>'
        )

    pattern = rf'<use href="#{re.escape(maps.COUNTRY_ID)}(\w+)" fill="([^"]*)"/>'
    return re.sub(pattern, path, svg)


def _printable(svg: str) -> str:
    """A chart as WeasyPrint draws it right: it knows neither `vector-effect` (a hairline
    border in map units would swallow the map) nor `paint-order` (a text's white halo would
    cover its letters), so borders get a width in the drawing's own units, about one point
    once printed, and labels lose their halo (the map's table holds every value anyway)."""
    box = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) [\d.]+"', svg)
    unit = float(box.group(1)) / 360 if box else 1.0
    svg = re.sub(
        r'stroke-width="([\d.]+)" vector-effect="non-scaling-stroke"',
        lambda m: f'stroke-width="{float(m.group(1)) * unit:.3f}"',
        svg,
    )
    return re.sub(r' stroke="#ffffff" stroke-width="[\d.]+" paint-order="stroke"', "", svg)


def build(year: int, *, staff: bool, for_pdf: bool = False) -> dict:
    """The report's template context for `year`; `staff` adds the staff-only indicators."""
    # Imported here: views imports this module for its links.
    from django.utils.safestring import mark_safe

    from passerelles.observatory.views import DRAW

    current = year_results(year, staff=staff)
    first = first_year()
    previous = year_results(year - 1, staff=False) if first and year - 1 >= first else None
    sections: dict[str, list] = {}
    for indicator, table in current.results:
        draw = DRAW.get(indicator.chart)
        chart = draw(f"chart-{indicator.key}", str(indicator.name), table) if draw else None
        if chart and for_pdf:
            chart = mark_safe(_printable(_inline_countries(str(chart))))
        rows = [(row, row.cells(table.columns)) for row in table.rows]
        sections.setdefault(indicator.section, []).append(
            {"indicator": indicator, "table": table, "rows": rows, "chart": chart}
        )
    drawn = {item["indicator"].chart for items in sections.values() for item in items}
    snapshot = current.snapshot
    return {
        "year": year,
        "staff_report": staff,
        "for_pdf": for_pdf,
        "region_name": region_name(),
        "frozen": current.frozen,
        "frozen_at": getattr(snapshot, "frozen_at", None),
        "generated_at": timezone.now(),
        "in_progress": year == timezone.localdate().year,
        "figures": key_figures(year, current.results, previous.results if previous else None),
        "previous_year": year - 1 if previous else None,
        "previous_frozen": bool(previous and previous.frozen),
        "country_defs": maps.country_defs() if COUNTRIES_MAP in drawn and not for_pdf else "",
        "sections": [(key, SECTIONS[key], sections[key]) for key in SECTIONS if key in sections],
        "indicators": [indicator for indicator, _table in current.results],
        "last_day": datetime.date(year, 12, 31),
    }
