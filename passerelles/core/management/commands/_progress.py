"""A rich progress bar for the backup commands, shown only on a terminal."""

from contextlib import contextmanager

from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def labels():
    return {"database": _("Base de données"), "media": _("Fichiers déposés")}


@contextmanager
def progress_bar(stream):
    console = Console(file=stream, stderr=False)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(
        *columns, TimeElapsedColumn(), console=console, disable=not console.is_terminal
    ) as bar:
        tasks = {}
        names = labels()

        def progress(step, done, total):
            if step not in tasks:
                tasks[step] = bar.add_task(names.get(step, step), total=total or 1)
            bar.update(tasks[step], completed=done, total=total or 1)

        yield progress
