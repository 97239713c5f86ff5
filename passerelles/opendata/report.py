"""What every import says at the end: row by row, what was (or would be) created, updated,
left unchanged or rejected, and why. Shared by every reader/mapper (IATI, tables, …).

Memory stays flat on big files: outcomes are counted, streamed to an optional callback (the
CLI prints them, the web preview keeps them), and only rejections plus the first
`KEEP_DETAILS` other rows are kept in the report itself.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
OUTCOME_LABELS = {
    CREATED: _("créé"),
    UPDATED: _("mis à jour"),
    UNCHANGED: _("inchangé"),
    REJECTED: _("rejeté"),
}
KEEP_DETAILS = 2000
MAX_REJECTIONS_KEPT = 10_000


@dataclass(frozen=True)
class RowOutcome:
    row: int | str  # line number in a table, or the position/identifier of an IATI activity
    outcome: str  # one of CREATED, UPDATED, UNCHANGED, REJECTED
    label: str = ""  # what the row is (a name, a title)
    reason: str = ""  # why it was rejected, or what changed
    kind: str = ""  # "organisation", "project"… when a row touches several models

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])


@dataclass
class ImportReport:
    source: str
    wet_run: bool = False
    counts: dict[str, int] = field(
        default_factory=lambda: {CREATED: 0, UPDATED: 0, UNCHANGED: 0, REJECTED: 0}
    )
    details: list[RowOutcome] = field(default_factory=list)
    rejections: list[RowOutcome] = field(default_factory=list)
    error: str = ""  # the whole file was refused (unreadable, wrong format)
    # What a wet run created, by kind ("organisation", "project": pks), for staff to publish
    # the run's records at once (opendata.actions.publish_run).
    created_ids: dict[str, list[int]] = field(default_factory=dict)
    on_row: Callable[[RowOutcome], None] | None = None

    def add(self, outcome: RowOutcome) -> None:
        self.counts[outcome.outcome] += 1
        if outcome.outcome == REJECTED:
            if len(self.rejections) < MAX_REJECTIONS_KEPT:
                self.rejections.append(outcome)
        elif len(self.details) < KEEP_DETAILS:
            self.details.append(outcome)
        if self.on_row is not None:
            self.on_row(outcome)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def ok(self) -> bool:
        return not self.error

    def summary(self) -> str:
        # One plural per count: "1 ligne : 1 créée, 0 mise à jour…" (French singular for 0 and 1).
        counts = {"total": self.total, **self.counts}
        parts = [
            ngettext("%(created)s créée", "%(created)s créées", counts["created"]),
            ngettext("%(updated)s mise à jour", "%(updated)s mises à jour", counts["updated"]),
            ngettext("%(unchanged)s inchangée", "%(unchanged)s inchangées", counts["unchanged"]),
            ngettext("%(rejected)s rejetée", "%(rejected)s rejetées", counts["rejected"]),
        ]
        total = ngettext("%(total)s ligne", "%(total)s lignes", counts["total"]) % counts
        details = ", ".join(parts) % counts
        return str(_("%(lines)s : %(details)s.")) % {"lines": total, "details": details}


class DryRunRollback(Exception):
    """Raised inside the transaction to undo a dry run after its report is complete."""


def run_atomically(report: ImportReport, apply: Callable[[ImportReport], None]) -> ImportReport:
    """Run `apply(report)` in one transaction; keep it with `report.wet_run`, else roll back.

    A dry run performs exactly the writes a wet run would, so its report cannot drift from
    what `--wet-run` will do; the rollback then leaves the database untouched. Any exception
    from `apply` rolls everything back as well (nothing is ever half-written)."""
    try:
        with transaction.atomic():
            apply(report)
            if not report.wet_run:
                raise DryRunRollback
    except DryRunRollback:
        pass
    return report


def apply_rows(report: ImportReport, rows: Iterable, handle_row) -> None:
    """Feed each row to `handle_row(row) -> RowOutcome` inside a savepoint, so a row that
    fails at the database level is rejected on its own without spoiling the others."""
    for row in rows:
        try:
            with transaction.atomic():
                outcome = handle_row(row)
        except RowRejected as rejected:
            outcome = rejected.outcome
        report.add(outcome)


class RowRejected(Exception):
    def __init__(self, outcome: RowOutcome):
        super().__init__(outcome.reason)
        self.outcome = outcome
