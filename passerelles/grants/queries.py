"""The jury's ranking: each juror's weighted mean (Σ note × poids / Σ poids, on 0–5), then the
mean over the jurors who scored, computed in Python over two queries."""

from collections import defaultdict
from decimal import Decimal

from passerelles.grants.models import Application, Score


def weighted_totals(grant_round) -> dict[int, tuple[Decimal, int]]:
    """Application id → (weighted total on 5, number of jurors who scored it)."""
    weights = {c.pk: c.weight for c in grant_round.criteria.all()}
    total_weight = sum(weights.values()) or 1
    sums: dict[tuple[int, int], int] = defaultdict(int)
    scores = Score.objects.filter(application__round=grant_round).values_list(
        "application_id", "juror_id", "criterion_id", "value"
    )
    for application, juror, criterion, value in scores:
        sums[(application, juror)] += value * weights.get(criterion, 0)
    per_application: dict[int, list[Decimal]] = defaultdict(list)
    for (application, _juror), value in sums.items():
        per_application[application].append(Decimal(value) / total_weight)
    return {
        pk: ((sum(values) / len(values)).quantize(Decimal("0.01")), len(values))
        for pk, values in per_application.items()
    }


def ranking(grant_round) -> list[tuple[Application, Decimal | None, int]]:
    """Submitted applications, best weighted total first (unscored ones last)."""
    totals = weighted_totals(grant_round)
    applications = (
        grant_round.applications.submitted()
        .select_related("organisation", "partner")
        .prefetch_related("lines")
    )
    rows = [(a, *totals.get(a.pk, (None, 0))) for a in applications]
    rows.sort(key=lambda row: (row[1] is None, -(row[1] or 0), row[0].title.casefold()))
    return rows
