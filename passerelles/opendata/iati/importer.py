"""Import an IATI activity file: reader → mapper, in one transaction, with a report.

Dry run by default: the import performs exactly the writes a wet run would (so the report
cannot drift from what `--wet-run` will do), then rolls them back. A file the reader refuses
(not XML, not IATI, truncated) rolls everything back, wet run or not: nothing is ever
half-written.

Activities are handled in chunks (CHUNK): a chunk's existing projects and organisations are
read in a few queries and its changes written in bulk, inside a savepoint; a chunk the
database refuses is replayed activity by activity, so one bad activity is rejected alone.
Memory stays flat: nothing of a chunk is kept once it is written but counts and ids.

Projects and organisations are written through their bulk actions (one change record each,
source "iati", action "imported"); the index work those actions report is deferred to the end
of the file and done once (ActivityMapper.finish), in the same transaction.
"""

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from passerelles.core import indexing
from passerelles.opendata.iati.mapper import ActivityMapper
from passerelles.opendata.iati.reader import IatiFileError, read_activities
from passerelles.opendata.iati.records import RejectedActivity
from passerelles.opendata.report import REJECTED, ImportReport, RowOutcome, run_atomically

CHUNK = 500  # activities per chunk: read, matched and written together
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
        with indexing.deferred_indexing():
            _apply(report)

    def _apply(report: ImportReport) -> None:
        mapper = ActivityMapper()
        for chunk in _chunks(read_activities(stream), CHUNK):
            records = [item for item in chunk if not isinstance(item, RejectedActivity)]
            outcomes = iter(_handle_chunk(mapper, records))
            for item in chunk:
                if isinstance(item, RejectedActivity):
                    label = item.identifier or _("activité n° %(n)s") % {"n": item.position}
                    report.add(RowOutcome(item.position, REJECTED, label, item.reason, "project"))
                    continue
                for outcome in next(outcomes):
                    report.add(outcome)
        mapper.finish()

    run_atomically(report, apply)


def _handle_chunk(mapper: ActivityMapper, records: list) -> list[list[RowOutcome]]:
    """The outcomes of each record of the chunk. One savepoint for the chunk; when the
    database refuses something in it, the chunk is rolled back and replayed with a savepoint
    per activity, so the bad activity is rejected on its own and the others go in."""
    if not records:
        return []
    checkpoint = mapper.checkpoint()
    try:
        with transaction.atomic():
            return mapper.handle_chunk(records)
    except DatabaseError:
        mapper.forget(checkpoint)
    results = []
    for record in records:
        checkpoint = mapper.checkpoint()
        try:
            with transaction.atomic():
                results.append(mapper.handle(record))
        except DatabaseError as error:
            mapper.forget(checkpoint)
            reason = _("refusée par la base de données : %(error)s") % {"error": error}
            results.append(
                [RowOutcome(record.position, REJECTED, _label(record), reason, "project")]
            )
    return results


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _label(record) -> str:
    return f"{record.identifier} — {record.title}"[:300]
