"""The observatory's page and its downloads (issue 16)."""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from passerelles.observatory import charts, computed, exports, maps, report, rollup, yearly
from passerelles.observatory.forms import FIRST_YEAR, LAST_YEAR, FilterForm
from passerelles.observatory.models import Snapshot
from passerelles.observatory.perms import can_view_observatory, sees_staff_indicators
from passerelles.observatory.registry import (
    BAR,
    COUNTRIES_MAP,
    DEPARTMENTS_MAP,
    FILTER_NAMES,
    LINE,
    REGISTRY,
    SECTIONS,
)

DRAW = {
    BAR: charts.bar_chart,
    LINE: charts.line_chart,
    DEPARTMENTS_MAP: maps.departments_map,
    COUNTRIES_MAP: maps.countries_map,
}
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def filter_parts(form) -> list[str]:
    """The filters in words, with the chosen options' labels: "année 2025", "pays Mali"."""
    parts = []
    for name, value in form.filters().as_query().items():
        field = form.fields[name]
        shown = dict(field.choices).get(value, value) if hasattr(field, "choices") else value
        parts.append(f"{FILTER_NAMES[name]} {shown}")
    return parts


def _snapshot(filters):
    """The snapshot of the year asked when the year is the only filter (a snapshot holds the
    unfiltered year only), and that year is frozen."""
    if not filters.year or set(filters.as_query()) != {"year"}:
        return None
    return Snapshot.objects.filter(year=filters.year).select_related("frozen_by").first()


def _results(request, form, only: str = "", *, wait: bool = True):
    """(indicator, table) for what the person may see, narrowed to `only` when given, the
    snapshot they come from (None when live) and, when live, the kept figures' computed.Computed
    (when they were computed, whether newer ones are being computed)."""
    filters = form.filters()
    staff = sees_staff_indicators(request.user)
    snapshot = _snapshot(filters)
    kept = None
    if snapshot is not None:
        results = yearly.frozen_results(snapshot, staff=staff)
    else:
        kept = computed.live(filters, staff=staff, wait=wait)
        results = kept.results
    results = [(ind, table) for ind, table in results if not only or ind.key == only]
    return results, snapshot, kept


@require_GET
def index(request):
    if not can_view_observatory(request.user):  # pragma: no cover - everyone may
        return HttpResponse(status=403)
    form = FilterForm(request.GET or None)
    context = {
        "form": form,
        "section": "observatory",
        "staff": sees_staff_indicators(request.user),
        "report_year": report.report_year(),
    }
    if form.is_bound and not form.is_valid():
        return render(request, "observatory/index.html", context, status=400)
    sections: dict[str, list] = {}
    results, snapshot, kept = _results(request, form, wait=False)
    for indicator, table in results:
        draw = DRAW.get(indicator.chart)
        chart = draw(f"chart-{indicator.key}", str(indicator.name), table) if draw else None
        rows = [(row, row.cells(table.columns)) for row in table.rows]
        sections.setdefault(indicator.section, []).append(
            {"indicator": indicator, "table": table, "rows": rows, "chart": chart}
        )
    drawn = {item["indicator"].chart for items in sections.values() for item in items}
    context.update(
        country_defs=maps.country_defs() if COUNTRIES_MAP in drawn else "",
        sections=[(key, SECTIONS[key], sections[key]) for key in SECTIONS if key in sections],
        query_string=urlencode(form.filters().as_query()),
        filter_parts=filter_parts(form),
        rollup_year=rollup_year(form),
        snapshot=snapshot,
        kept=kept,
        # The year is frozen, but other filters ask for figures a snapshot does not hold.
        live_despite_snapshot=snapshot is None
        and form.filters().year
        and Snapshot.objects.filter(year=form.filters().year).exists(),
    )
    return render(request, "observatory/index.html", context)


@require_GET
def download(request, fmt: str):
    form = FilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages = [str(e) for errors in form.errors.values() for e in errors]
        return _bad_request(" ".join(messages))
    only = request.GET.get("indicator", "")
    staff = sees_staff_indicators(request.user)
    if only and (only not in REGISTRY or REGISTRY[only].staff_only and not staff):
        return _bad_request(
            _("« %(key)s » n'est pas un indicateur de l'observatoire.") % {"key": only[:60]}
        )
    results, _snapshot_used, _kept = _results(request, form, only)
    name = f"observatoire-{only or 'indicateurs'}"
    if fmt == "csv":
        body = exports.csv_bytes(results)
    elif fmt == "xlsx":
        body = exports.xlsx_bytes(results, exports.filters_text(filter_parts(form)))
    else:
        body = exports.json_bytes(results, form.filters(), get_language() or "fr")
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def rollup_year(form) -> int:
    """The year the national roll-up link offers: the year chosen, else the last whole year
    (the one a federation gathers)."""
    return form.filters().year or report.report_year()


@require_GET
def rollup_download(request, year: str, fmt: str):
    """The national roll-up of a year (observatory/rollup.py): public data, for everyone."""
    if not can_view_observatory(request.user):  # pragma: no cover - everyone may
        return HttpResponse(status=403)
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        return _bad_request(
            _("L'année doit être entre %(first)s et %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    body = rollup.render(rollup.build(int(year)), fmt)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{rollup.filename(int(year), fmt)}"'
    return response


def _bad_request(message: str) -> HttpResponse:
    text = _("Erreur : %(message)s") % {"message": message}
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
