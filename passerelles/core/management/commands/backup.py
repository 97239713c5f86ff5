"""`passerelles backup`: the database and the uploaded files in one archive, while the site runs
(passerelles.core.backup; docs/deployment.md, "Backups")."""

from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from passerelles.core.backup import BackupError, backup
from passerelles.core.management.commands._progress import progress_bar


class Command(BaseCommand):
    @property
    def help(self):
        return _("Sauvegarde la base de données et les fichiers déposés dans une archive.")

    def add_arguments(self, parser):
        parser.add_argument(
            "destination",
            nargs="?",
            help=_("Fichier ou dossier de l'archive (par défaut : le dossier courant)."),
        )

    def handle(self, *args, destination=None, **options):
        name = f"passerelles-{datetime.now():%Y%m%d-%H%M%S}.tar"
        path = Path(destination or ".")
        if path.is_dir() or destination is None or str(destination).endswith("/"):
            path = path / name
        try:
            with progress_bar(self.stdout._out) as progress:
                manifest = backup(path, progress=progress)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.counts.values())
        self.stdout.write(
            _("Sauvegarde écrite : %(path)s (%(rows)s lignes, %(files)s fichiers déposés).")
            % {"path": path, "rows": rows, "files": manifest.media_files}
        )
