"""`passerelles restore ARCHIVE --yes`: replace the database and the uploaded files by a
backup's, then check every table's count against the archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from passerelles.core.backup import BackupError, read_manifest, restore
from passerelles.core.management.commands._progress import progress_bar


class Command(BaseCommand):
    @property
    def help(self):
        return _("Remplace la base de données et les fichiers déposés par ceux d'une sauvegarde.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help=_("L'archive écrite par « passerelles backup »."))
        parser.add_argument(
            "--yes",
            action="store_true",
            help=_("Confirmer : les données actuelles seront remplacées."),
        )

    def handle(self, *args, archive, yes=False, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s") % {"path": path})
        try:
            manifest = read_manifest(path)
            if not yes:
                raise CommandError(
                    _(
                        "La restauration remplace toutes les données actuelles par celles du "
                        "%(date)s. Relancez avec --yes pour confirmer."
                    )
                    % {"date": manifest.created_at}
                )
            with progress_bar(self.stdout._out) as progress:
                manifest, differences = restore(path, progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if differences:
            lines = [
                f"  {label}: {expected} → {found}"
                for label, (expected, found) in sorted(differences.items())
            ]
            raise CommandError(
                _("Restauration faite, mais des comptes diffèrent de la sauvegarde :")
                + "\n"
                + "\n".join(lines)
            )
        self.stdout.write(
            _("Restauration faite : %(rows)s lignes et %(files)s fichiers, comme à la sauvegarde.")
            % {"rows": sum(manifest.counts.values()), "files": manifest.media_files}
        )
