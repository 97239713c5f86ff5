"""`passerelles observatory export YEAR --output FILE [--format csv|json]`: write the national
roll-up of a year (observatory/rollup.py), the format read from the file's extension unless
given. Errors (a bad year, an unknown format, a path that cannot be written) end with a
sentence and a non-zero exit code, never a traceback."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from passerelles.observatory import rollup
from passerelles.observatory.forms import FIRST_YEAR, LAST_YEAR


class Command(BaseCommand):
    help = "Observatoire : export national des indicateurs d'une année (consolidation)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="export")
        export = actions.add_parser(
            "export",
            help=_("écrit les indicateurs publics d'une année pour la consolidation nationale"),
        )
        export.add_argument("year", help=_("l'année, par exemple 2025"))
        export.add_argument("--output", "-o", required=True, help=_("fichier à écrire"))
        export.add_argument(
            "--format", dest="fmt", help=_("csv ou json (sinon d'après l'extension du fichier)")
        )

    def handle(self, *args, action, year, output, fmt=None, **options):
        year = _year(year)
        path = Path(output)
        if path.is_dir():
            raise CommandError(
                _("%(file)s est un dossier : donnez un nom de fichier.") % {"file": output}
            )
        fmt = _format(fmt, output)
        console = Console(file=self.stdout._out, stderr=False)
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
            task = bar.add_task(_("Calcul des indicateurs de %(year)s") % {"year": year}, total=2)
            figures = rollup.build(year)
            bar.update(task, advance=1, description=_("Écriture de %(file)s") % {"file": output})
            _write(path, rollup.render(figures, fmt))
            bar.update(task, advance=1)
        state = _("figées") if figures.frozen else _("calculées en direct")
        self.stdout.write(
            _("%(count)s valeurs de %(year)s (%(state)s) écrites dans %(file)s.")
            % {"count": len(figures.lines), "year": year, "state": state, "file": output}
        )


def _year(text: str) -> int:
    try:
        year = int(str(text).strip())
    except ValueError:
        raise CommandError(
            _("« %(value)s » n'est pas une année : donnez un nombre, par exemple 2025.")
            % {"value": str(text)[:40]}
        ) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CommandError(
            _("L'année doit être entre %(first)s et %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return year


def _format(fmt: str | None, output: str) -> str:
    chosen = (fmt or Path(output).suffix.lstrip(".")).lower()
    if chosen not in rollup.FORMATS:
        raise CommandError(
            _(
                "Format inconnu « %(format)s » : choisissez csv ou json (--format, ou "
                "l'extension du fichier)."
            )
            % {"format": chosen or "?"}
        )
    return chosen


def _write(path: Path, body: bytes) -> None:
    """Written next to its place then renamed: a failure never leaves half a file, and a
    second run replaces the first file whole."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.replace(temporary, path)
    except OSError as error:
        raise CommandError(
            _("Impossible d'écrire %(file)s : %(error)s")
            % {"file": path, "error": error.strerror or error}
        ) from None
