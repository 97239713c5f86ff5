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
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from passerelles.core import indexing
from passerelles.opendata.iati.mapper import ActivityMapper
from passerelles.opendata.iati.org_import import OrganisationFileMapper
from passerelles.opendata.iati.org_reader import read_organisations
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


class _Prefixed:
    """A binary stream whose first bytes were read already (to tell the kind of file)."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self.head, self.rest = head, rest

    def read(self, size: int = -1) -> bytes:
        if self.head:
            if size is None or size < 0:
                data, self.head = self.head + self.rest.read(), b""
                return data
            data, self.head = self.head[:size], self.head[size:]
            return data
        return self.rest.read(size)


_ORGANISATIONS_ROOT = re.compile(rb"<\s*iati-organisations[\s>/]")
_ACTIVITIES_ROOT = re.compile(rb"<\s*iati-activities[\s>/]")


def sniff(handle: IO[bytes]) -> tuple[str, IO[bytes]]:
    """("organisations" or "activities", a stream reading the whole file): an IATI file is
    one or the other, told by its root element, in its first bytes."""
    head = handle.read(8192)
    organisations = _ORGANISATIONS_ROOT.search(head)
    activities = _ACTIVITIES_ROOT.search(head)
    kind = "activities"
    if organisations and (not activities or organisations.start() < activities.start()):
        kind = "organisations"
    return kind, _Prefixed(head, handle)


def read_any(source) -> Iterator:
    """The records of an activity or an organisation file (the registry counts them)."""
    kind, stream = sniff(source)
    reader = read_organisations if kind == "organisations" else read_activities
    yield from reader(stream)


def _run(report: ImportReport, handle: IO[bytes], total: int, progress: Progress | None) -> None:
    stream = _CountingReader(handle, total, progress) if progress else handle
    kind, stream = sniff(stream)

    def apply(report: ImportReport) -> None:
        with indexing.deferred_indexing():
            _apply(report)

    def _apply(report: ImportReport) -> None:
        if kind == "organisations":
            mapper, records = OrganisationFileMapper(), read_organisations(stream)
        else:
            mapper, records = ActivityMapper(), read_activities(stream)
        for chunk in _chunks(records, CHUNK):
            records = [item for item in chunk if not isinstance(item, RejectedActivity)]
            outcomes = iter(_handle_chunk(mapper, records))
            for item in chunk:
                if isinstance(item, RejectedActivity):
                    what = "organisation" if kind == "organisations" else "project"
                    number = (
                        _("organisation n° %(n)s")
                        if what == "organisation"
                        else _("activité n° %(n)s")
                    )
                    label = item.identifier or number % {"n": item.position}
                    report.add(RowOutcome(item.position, REJECTED, label, item.reason, what))
                    continue
                for outcome in next(outcomes):
                    report.add(outcome)
        indexing.flush()
        if report.wet_run:
            report.created_ids = {
                "organisation": list(
                    mapper.created if kind == "organisations" else mapper.organisations.created
                ),
                "project": [] if kind == "organisations" else list(mapper.created_projects),
            }

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
                [RowOutcome(record.position, REJECTED, _label(record), reason, _kind(record))]
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
    return f"{record.identifier} — {getattr(record, 'title', None) or record.name}"[:300]


def _kind(record) -> str:
    return "project" if hasattr(record, "title") else "organisation"
