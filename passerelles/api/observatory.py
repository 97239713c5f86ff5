"""API v1: the observatory's indicators, with their definitions and their tables.

GET /api/v1/observatory/indicators?year=&department=&country=&theme=&indicator=

The filters are checked by the page's own form (observatory/forms.py), so the API and the page
accept and refuse the same values with the same sentences. A year alone reads
`yearly.year_results` (a frozen year's snapshot once it exists); any other filter computes
live. Staff-only indicators are returned to the network's staff and admins only."""

from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from passerelles.api.errors import errors, shown
from passerelles.observatory.forms import FIRST_YEAR, LAST_YEAR, FilterForm
from passerelles.observatory.perms import can_view_observatory, sees_staff_indicators
from passerelles.observatory.registry import REGISTRY
from passerelles.observatory.scope import Scope
from passerelles.observatory.yearly import live_results, year_results

router = Router(tags=["observatoire"])


class IndicatorQuery(Schema):
    year: int | None = Field(
        None,
        ge=FIRST_YEAR,
        le=LAST_YEAR,
        description="Année (ex. 2025) : les chiffres de cette année-là.",
    )
    department: str | None = Field(
        None, max_length=3, description="Code d'un département de la région, ex. 41."
    )
    country: str | None = Field(
        None, max_length=10, description="Code ISO 3166 alpha-2 d'un pays, ex. BF (casse libre)."
    )
    theme: str | None = Field(None, max_length=100, description="Slug d'un thème, ex. sante.")
    indicator: str | None = Field(
        None, max_length=100, description="Clé d'un indicateur, pour n'obtenir que lui."
    )


class ObservatoryColumnOut(Schema):
    key: str
    label: str
    unit: str = Field(description="count (nombre) ou eur (euros).")


class ObservatoryRowOut(Schema):
    code: str = Field(description="Code stable de la catégorie (département, pays, slug…).")
    label: str
    values: dict[str, float | int] = Field(description="Valeur par clé de colonne.")


class ObservatoryTableOut(Schema):
    category: str
    columns: list[ObservatoryColumnOut]
    rows: list[ObservatoryRowOut]


class ObservatoryIndicatorOut(Schema):
    key: str
    section: str
    name: str
    formula: str
    counts: str
    leaves_out: str
    unit: str
    filters: list[str] = Field(description="Les filtres qui s'appliquent à cet indicateur.")
    staff_only: bool
    table: ObservatoryTableOut


class ObservatoryIndicatorsOut(Schema):
    filters: dict[str, str | int] = Field(description="Les filtres appliqués.")
    frozen: bool = Field(description="Vrai quand les chiffres viennent d'une année figée.")
    items: list[ObservatoryIndicatorOut]


def _number(value):
    return float(value) if isinstance(value, Decimal) else (value or 0)


def _item(indicator, table) -> dict:
    return {
        "key": indicator.key,
        "section": indicator.section,
        "name": str(indicator.name),
        "formula": str(indicator.formula),
        "counts": str(indicator.counts),
        "leaves_out": str(indicator.leaves_out),
        "unit": indicator.unit,
        "filters": list(indicator.filters),
        "staff_only": indicator.staff_only,
        "table": {
            "category": str(table.category),
            "columns": [
                {"key": c.key, "label": str(c.label), "unit": c.unit} for c in table.columns
            ],
            "rows": [
                {
                    "code": str(row.code),
                    "label": row.label,
                    "values": {
                        c.key: _number(v)
                        for c, v in zip(table.columns, row.cells(table.columns), strict=True)
                    },
                }
                for row in table.rows
            ],
        },
    }


@router.get(
    "/observatory/indicators",
    response={200: ObservatoryIndicatorsOut, **errors(422)},
    summary="Les indicateurs de l'observatoire",
)
def list_indicators(request: HttpRequest, query: Query[IndicatorQuery]):
    """Chaque indicateur que l'appelant peut voir (ceux de l'équipe du réseau seulement pour
    l'équipe et les administrateurs), avec sa définition et son tableau : une ligne par
    catégorie (code stable et libellé dans la langue de la requête), une valeur par colonne.
    Les filtres sont ceux de la page /observatoire/ ; une valeur inconnue répond 422."""
    if not can_view_observatory(request.user):  # pragma: no cover - everyone may
        raise HttpError(403, _("Accès refusé."))
    data = {
        name: str(value)
        for name, value in query.dict().items()
        if name != "indicator" and value not in (None, "")
    }
    form = FilterForm(data)
    if not form.is_valid():
        raise HttpError(422, _form_errors(form))
    staff = sees_staff_indicators(request.user)
    only = query.indicator or ""
    if only and (only not in REGISTRY or REGISTRY[only].staff_only and not staff):
        raise HttpError(
            422, _("« %(key)s » n'est pas un indicateur de l'observatoire.") % {"key": shown(only)}
        )
    filters = form.filters()
    frozen = False
    if filters.year and not (filters.department or filters.country or filters.theme):
        year = year_results(filters.year, staff=staff)
        results, frozen = year.results, year.frozen
    elif only:
        # One indicator asked for: compute that one only.
        results = [(REGISTRY[only], REGISTRY[only].compute(Scope(filters)))]
    else:
        results = live_results(filters, staff=staff)
    # A snapshot may hold staff indicators: the caller's rights decide, not the source.
    results = [
        (ind, table)
        for ind, table in results
        if (staff or not ind.staff_only) and (not only or ind.key == only)
    ]
    return {
        "filters": filters.as_query(),
        "frozen": frozen,
        "items": [_item(ind, table) for ind, table in results],
    }


def _form_errors(form) -> str:
    """The form's sentences, each after the parameter it is about."""
    return " ".join(
        _("Le paramètre « %(name)s » : %(message)s") % {"name": name, "message": message}
        for name, messages in form.errors.items()
        for message in messages
    )
