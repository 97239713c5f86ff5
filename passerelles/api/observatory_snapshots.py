"""API v1: the observatory's frozen years (docs/decisions.md §33).

GET /api/v1/observatory/snapshots          the frozen years, newest first
GET /api/v1/observatory/snapshots/{year}   one year's frozen tables

A frozen year's tables are those of the page `/observatoire/?year=Y`: the staff-only indicators
only for the network's staff and admins, names in the request's language, amounts exact (a
decimal string)."""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from passerelles.api.errors import errors
from passerelles.observatory.models import Snapshot
from passerelles.observatory.perms import sees_staff_indicators
from passerelles.observatory.yearly import frozen_results

router = Router(tags=["observatory"])


class SnapshotOut(Schema):
    year: int
    frozen_at: datetime
    url: str = Field(description="Adresse de cette année figée dans l'API.")
    page_url: str = Field(description="La page de l'observatoire pour cette année.")


class SnapshotList(Schema):
    count: int
    items: list[SnapshotOut]


class SnapshotColumnOut(Schema):
    key: str
    label: str
    unit: str = Field(description="count (nombre) ou eur (euros).")


class SnapshotRowOut(Schema):
    code: str
    label: str
    values: dict[str, int | Decimal] = Field(
        description="Valeur par colonne ; les montants en euros sont des décimaux exacts."
    )


class SnapshotIndicatorOut(Schema):
    key: str
    section: str
    name: str
    formula: str
    counts: str
    leaves_out: str
    unit: str
    chart: str
    staff_only: bool
    category: str
    columns: list[SnapshotColumnOut]
    rows: list[SnapshotRowOut]
    chart_columns: list[str]


class SnapshotDetail(SnapshotOut):
    frozen_by: str = Field(description="Le nom de la personne qui a figé l'année, s'il est connu.")
    indicators: list[SnapshotIndicatorOut]


def _item(request: HttpRequest, snapshot: Snapshot) -> dict:
    return {
        "year": snapshot.year,
        "frozen_at": snapshot.frozen_at,
        "url": request.build_absolute_uri(f"/api/v1/observatory/snapshots/{snapshot.year}"),
        "page_url": request.build_absolute_uri(snapshot.get_absolute_url()),
    }


@router.get(
    "/observatory/snapshots",
    response={200: SnapshotList, **errors()},
    summary="Lister les années figées de l'observatoire",
)
def list_snapshots(request: HttpRequest):
    """Les années dont l'équipe du réseau a figé les chiffres, de la plus récente à la plus
    ancienne. Leurs chiffres ne changent plus."""
    snapshots = list(Snapshot.objects.order_by("-year").only("year", "frozen_at"))
    return {"count": len(snapshots), "items": [_item(request, s) for s in snapshots]}


@router.get(
    "/observatory/snapshots/{int:year}",
    response={200: SnapshotDetail, **errors(404)},
    summary="Les chiffres figés d'une année",
)
def get_snapshot(request: HttpRequest, year: int):
    """Les tableaux de tous les indicateurs d'une année figée, tels qu'ils étaient le jour où
    elle a été figée ; les indicateurs réservés à l'équipe du réseau seulement pour elle. 404
    si l'année n'est pas figée."""
    snapshot = Snapshot.objects.filter(year=year).first()
    if snapshot is None:
        raise HttpError(
            404,
            _(
                "L'année %(year)s n'est pas figée. La liste des années figées est à "
                "/api/v1/observatory/snapshots."
            )
            % {"year": year},
        )
    staff = sees_staff_indicators(request.user)
    indicators = [
        {
            "key": ind.key,
            "section": ind.section,
            "name": str(ind.name),
            "formula": str(ind.formula),
            "counts": str(ind.counts),
            "leaves_out": str(ind.leaves_out),
            "unit": ind.unit,
            "chart": ind.chart,
            "staff_only": ind.staff_only,
            "category": str(table.category),
            "columns": [
                {"key": c.key, "label": str(c.label), "unit": c.unit} for c in table.columns
            ],
            "rows": [{"code": r.code, "label": r.label, "values": r.values} for r in table.rows],
            "chart_columns": list(table.chart_columns),
        }
        for ind, table in frozen_results(snapshot, staff=staff)
    ]
    return {
        **_item(request, snapshot),
        "frozen_by": snapshot.frozen_by_name,
        "indicators": indicators,
    }
