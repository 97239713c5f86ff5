"""`passerelles rebuild_project_index`: index every project again, with a progress bar.

Needed after bulk writes that bypass signals (raw SQL, restored dumps) or a change of the
normalisation rules; the demo builder and imports reindex on their own."""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from passerelles.projects.search import rebuild_index


class Command(BaseCommand):
    @property
    def help(self):
        return _("Reconstruit l'index de recherche plein texte des projets.")

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database="default", verbosity=1, **options):
        started = time.perf_counter()
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            disable=verbosity == 0,
        ) as bar:
            task = bar.add_task(_("Indexation des projets"), total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            count = rebuild_index(progress, using=database)
        self.stdout.write(
            _("%(count)d projets indexés en %(seconds).1f s.")
            % {"count": count, "seconds": time.perf_counter() - started}
        )
