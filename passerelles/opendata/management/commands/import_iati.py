"""`passerelles import-iati FILE [--wet-run]`: import IATI activities as projects, or an IATI
organisation file (`iati-organisations`) as organisations (told by the root element).

Dry run by default: the report says, activity by activity, what would be created, updated,
left unchanged or rejected and why, and nothing is written. `--wet-run` applies it in one
transaction. The exit code is 1 when the file is refused (not XML, not IATI); rejected
activities alone do not fail the command, they are in the report.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from passerelles.opendata.iati.importer import import_iati
from passerelles.opendata.report import CREATED, REJECTED, UPDATED, RowOutcome


class Command(BaseCommand):
    help = (
        "Importe un fichier IATI (2.01 à 2.03) : activités (projets et organisations) ou "
        "organisations."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("fichier XML IATI (activités ou organisations)"))
        parser.add_argument(
            "--wet-run",
            action="store_true",
            help=_("écrire dans la base (sans cette option, simulation sans écriture)"),
        )
        parser.add_argument(
            "--all-rows",
            action="store_true",
            help=_("afficher aussi les activités inchangées"),
        )

    def handle(self, *args, file, wet_run, all_rows, verbosity, **options):
        console = Console(file=self.stdout, highlight=False, soft_wrap=True)
        show_progress = sys.stderr.isatty() and verbosity > 0
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            disable=not show_progress,
            transient=True,
        )

        def on_row(outcome: RowOutcome) -> None:
            if verbosity == 0:
                return
            if outcome.outcome in (CREATED, UPDATED, REJECTED) or all_rows or verbosity > 1:
                line = f"{outcome.row}\t{outcome.outcome_label}\t{outcome.label}"
                if outcome.reason:
                    line += f"\t{outcome.reason}"
                if show_progress:
                    progress.console.print(line, markup=False)
                else:
                    console.print(line, markup=False)

        with progress:
            task = progress.add_task(_("Lecture"), total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total or None)

            report = import_iati(file, wet_run=wet_run, on_row=on_row, progress=advance)

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
