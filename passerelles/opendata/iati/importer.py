"""Import an IATI activity file: reader → mapper, in one transaction, with a report.

Dry run by default: the import performs exactly the writes a wet run would (so the report
cannot drift from what `--wet-run` will do), then rolls them back. A file the reader refuses
(not XML, not IATI, truncated) rolls everything back, wet run or not: nothing is ever
half-written.

Like the demo builder, the import is a bulk writer: projects and organisations are inserted
without per-row signals, and the search indexes and suggestion profiles of what was written
are brought up to date once at the end (ActivityMapper.finish), in the same transaction.
"""

import os
from collections.abc import Callable
from pathlib import Path
from typing import IO

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from passerelles.opendata.iati.mapper import ActivityMapper
from passerelles.opendata.iati.reader import IatiFileError, read_activities
from passerelles.opendata.iati.records import RejectedActivity
from passerelles.opendata.report import REJECTED, ImportReport, RowOutcome, run_atomically

Progress = Callable[[int, int], None]  # (bytes read, total bytes or 0 when unknown)


class _CountingReader:
    """A binary file wrapper telling how far the parser has read, for a progress bar."""

    def __init__(self, raw: IO[bytes], total: int, progress: Progress):
        self.raw, self.total, self.progress, self.done = raw, total, progress, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.done += len(chunk)
        self.progress(self.done, self.total)
        return chunk


def import_iati(
    source: str | Path | IO[bytes],
    *,
    wet_run: bool = False,
    on_row: Callable[[RowOutcome], None] | None = None,
    progress: Progress | None = None,
    name: str = "",
) -> ImportReport:
    """Import `source` (a path or a binary file object); returns the report. Never raises for
    bad input: a refused file comes back with `report.error` set."""
    label = name or (str(source) if isinstance(source, str | Path) else "IATI")
    report = ImportReport(source=label, wet_run=wet_run, on_row=on_row)
    try:
        if isinstance(source, str | Path):
            with open(source, "rb") as handle:
                _run(report, handle, os.fstat(handle.fileno()).st_size, progress)
        else:
            _run(report, source, 0, progress)
    except IatiFileError as error:
        report.error = str(error)
    except OSError as error:
        report.error = _("Le fichier est illisible : %(error)s") % {"error": error}
    return report


def _run(report: ImportReport, handle: IO[bytes], total: int, progress: Progress | None) -> None:
    stream = _CountingReader(handle, total, progress) if progress else handle

    def apply(report: ImportReport) -> None:
        mapper = ActivityMapper()
        for item in read_activities(stream):
            if isinstance(item, RejectedActivity):
                label = item.identifier or _("activité n° %(n)s") % {"n": item.position}
                report.add(RowOutcome(item.position, REJECTED, label, item.reason, "project"))
                continue
            # Like report.apply_rows, one savepoint per activity, but an activity can give
            # several outcomes (the project, the organisations it created): they are added
            # only once the savepoint holds.
            try:
                with transaction.atomic():
                    outcomes = mapper.handle(item)
            except DatabaseError as error:
                mapper.forget()
                outcomes = [
                    RowOutcome(
                        item.position,
                        REJECTED,
                        f"{item.identifier} — {item.title}"[:300],
                        _("refusée par la base de données : %(error)s") % {"error": error},
                        "project",
                    )
                ]
            for outcome in outcomes:
                report.add(outcome)
        mapper.finish()

    run_atomically(report, apply)
