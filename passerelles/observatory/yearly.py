"""The indicators of one year, in one place: the yearly report, the national roll-up export,
the API and the comparison of years all ask this module, so that a frozen year (a snapshot,
docs/decisions.md §33) is read the same way by all of them and never recomputed from today's
rows."""

from dataclasses import dataclass, field

from passerelles.observatory import computed, snapshots
from passerelles.observatory.models import Snapshot
from passerelles.observatory.registry import Indicator, Table
from passerelles.observatory.scope import Filters


@dataclass
class YearResults:
    year: int
    # (indicator, table) in the registry's order, as the page shows them.
    results: list[tuple[Indicator, Table]] = field(default_factory=list)
    # The snapshot the figures come from, or None when they are computed live.
    snapshot: Snapshot | None = None

    @property
    def frozen(self) -> bool:
        return self.snapshot is not None


def live_results(filters: Filters, *, staff: bool) -> list[tuple[Indicator, Table]]:
    """The live figures as kept by computed.live (recomputed after a change by a job)."""
    return computed.live(filters, staff=staff).results


def frozen_results(snapshot: Snapshot, *, staff: bool) -> list[tuple[Indicator, Table]]:
    """The snapshot's tables, without the staff-only indicators for others than staff."""
    return snapshots.rebuild(snapshot.tables, staff=staff)


def year_results(year: int, *, staff: bool) -> YearResults:
    """The indicators of `year` for a person who sees staff indicators or not: the frozen
    tables when the year has a snapshot, else computed live with `Filters(year=year)`."""
    snapshot = Snapshot.objects.filter(year=year).select_related("frozen_by").first()
    if snapshot is not None:
        return YearResults(
            year=year, results=frozen_results(snapshot, staff=staff), snapshot=snapshot
        )
    return YearResults(year=year, results=live_results(Filters(year=year), staff=staff))
