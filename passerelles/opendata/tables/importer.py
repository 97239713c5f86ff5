"""Import a table (CSV or XLSX): reader → mapper, in one transaction, with a report.

Dry run by default: the import performs exactly the writes a wet run would, then rolls them
back (report.run_atomically). A file refused as a whole — unreadable, not a table, a missing
required column, an encoding error deep in the file — rolls everything back, wet run or not:
nothing is ever half-written.

Rows are applied inside `core.indexing.deferred_indexing()`: the search indexes (and every
derived table routed through `indexing.request`) are brought up to date once per
`FLUSH_EVERY` rows, in batches, instead of once per save — inside the import's transaction,
so a dry run still rolls them back with everything else."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from passerelles.core import indexing
from passerelles.opendata.report import ImportReport, RowOutcome, apply_rows, run_atomically
from passerelles.opendata.tables.reader import Progress, TableFileError, read_table

FLUSH_EVERY = 1000  # rows between two index batches: bounded memory, few large batches


def import_table(
    source: str | Path | IO[bytes],
    mapper_factory: Callable,
    *,
    wet_run: bool = False,
    on_row: Callable[[RowOutcome], None] | None = None,
    progress: Progress | None = None,
    user=None,
    name: str = "",
) -> ImportReport:
    """Import `source` (a path or a seekable binary file) with the mapper `mapper_factory(user=)`
    builds; returns the report. Never raises for bad input: a refused file comes back with
    `report.error` set and nothing written."""
    label = name or (str(source) if isinstance(source, str | Path) else _("tableau"))
    report = ImportReport(source=label, wet_run=wet_run, on_row=on_row)
    try:
        if isinstance(source, str | Path):
            if os.path.isdir(source):
                raise TableFileError(_("« %(path)s » est un dossier.") % {"path": source})
            with open(source, "rb") as handle:
                _run(report, handle, mapper_factory, progress, user)
        else:
            _run(report, source, mapper_factory, progress, user)
    except TableFileError as error:
        _refuse(report, str(error))
    except OSError as error:
        _refuse(report, _("Le fichier est illisible : %(error)s") % {"error": error})
    return report


def _refuse(report: ImportReport, message: str) -> None:
    # The rows counted before the refusal were rolled back: the report must not claim them.
    report.error = message
    report.counts = dict.fromkeys(report.counts, 0)
    report.details.clear()
    report.rejections.clear()


def _run(report, handle, mapper_factory, progress, user) -> None:
    def apply(report: ImportReport) -> None:
        mapper = mapper_factory(user=user)
        rows = read_table(handle, mapper.columns, progress=progress)
        with indexing.deferred_indexing():
            apply_rows(report, _flushing(rows, FLUSH_EVERY), mapper.handle)

    run_atomically(report, apply)


def _flushing(rows, every: int):
    """Yield the rows, running the deferred index work between chunks of `every` rows (after
    a row's savepoint is released, never inside it)."""
    for count, row in enumerate(rows, start=1):
        yield row
        if count % every == 0:
            indexing.flush()
