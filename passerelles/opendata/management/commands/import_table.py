"""`passerelles import-table FILE --kind organisations|projects [--wet-run]`: import a CSV or
XLSX table made from the template of the import page.

Dry run by default: the report says, row by row, what would be created, updated, left
unchanged or rejected and why, and nothing is written. `--wet-run` applies it in one
transaction (rejected rows are left out, the others go in). The exit code is 1 when the file
is refused as a whole (unreadable, not a table, a required column missing); rejected rows alone
do not fail the command, they are in the report.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from passerelles.opendata import registry
from passerelles.opendata.report import CREATED, REJECTED, UPDATED, RowOutcome

TABLE_KINDS = ("organisations", "projects")


class Command(BaseCommand):
    help = "Importe un tableau CSV ou XLSX d'organisations ou de projets (simulation par défaut)."

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("fichier CSV ou XLSX"))
        parser.add_argument(
            "--kind", choices=TABLE_KINDS, required=True, help=_("ce que contient le tableau")
        )
        parser.add_argument(
            "--wet-run",
            action="store_true",
            help=_("écrire dans la base (sans cette option, simulation sans écriture)"),
        )
        parser.add_argument(
            "--all-rows", action="store_true", help=_("afficher aussi les lignes inchangées")
        )

    def handle(self, *args, file, kind, wet_run, all_rows, verbosity, **options):
        console = Console(file=self.stdout, highlight=False, soft_wrap=True)
        show_progress = sys.stderr.isatty() and verbosity > 0
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f} %"),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            disable=not show_progress,
            transient=True,
        )

        def on_row(outcome: RowOutcome) -> None:
            if verbosity == 0:
                return
            if outcome.outcome in (CREATED, UPDATED, REJECTED) or all_rows or verbosity > 1:
                line = _("ligne %(n)s") % {"n": outcome.row}
                line += f"\t{outcome.outcome_label}\t{outcome.label}"
                if outcome.reason:
                    line += f"\t{outcome.reason}"
                (progress.console if show_progress else console).print(line, markup=False)

        source = registry.get(kind)
        with progress:
            task = progress.add_task(_("Lecture"), total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total or None)

            report = source.run(file, wet_run=wet_run, on_row=on_row, progress=advance)

        if report.error:
            raise CommandError(
                _("Fichier refusé, rien n'a été écrit : %(error)s") % {"error": report.error}
            )
        console.print(report.summary(), markup=False)
        if wet_run:
            console.print(_("Import appliqué."), markup=False)
        else:
            console.print(
                _("Simulation : rien n'a été écrit. Relancez avec --wet-run pour appliquer."),
                markup=False,
            )
