"""Reads of the case files with business names, shared by the staff pages and the observatory
(which sits above this app and reads it, never the other way round)."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.accompaniment.enums import CaseKind
from passerelles.accompaniment.models import Case
from passerelles.actors.enums import Side


def counts_by_department_and_kind(year: int | None, department: str | None = None) -> list[dict]:
    """Cases opened in `year` (every year when None), per department of the organisation
    (partners abroad together as "là-bas", organisations here without a commune as "sans
    département") and per kind: one aggregate query. Rows: {"code", "label", "total",
    <kind>: n, …}, sorted by code."""
    cases = Case.objects.all()
    if year:
        cases = cases.filter(opened_on__year=year)
    if department:
        cases = cases.filter(organisation__department_id=department)
    counts = (
        cases.order_by()
        .values_list(
            "organisation__side", "organisation__department_id", "organisation__department__name"
        )
        .annotate(
            **{kind.value: Count("pk", filter=Q(kind=kind)) for kind in CaseKind}, total=Count("pk")
        )
    )
    rows = []
    for side, code, name, *numbers in counts:
        if code:
            key, label = code, f"{name} ({code})"
        elif side == Side.THERE:
            key, label = "zz-there", str(Side.THERE.label)
        else:
            key, label = "zz-none", _("Sans département")
        row = {"code": key, "label": label}
        row.update(zip([k.value for k in CaseKind] + ["total"], numbers, strict=True))
        rows.append(row)
    rows.sort(key=lambda row: row["code"])
    return rows


def totals_by_kind(rows: list[dict]) -> dict:
    return {
        kind: sum(row[kind] for row in rows) for kind in [k.value for k in CaseKind] + ["total"]
    }


def staff_summary(user, today=None) -> dict:
    """For "Mon espace": the person's active cases and how many next steps are overdue."""
    today = today or timezone.localdate()
    return (
        Case.objects.active()
        .in_charge_of(user)
        .aggregate(active=Count("pk"), overdue=Count("pk", filter=Q(next_step_due__lt=today)))
    )
