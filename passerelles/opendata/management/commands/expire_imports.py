"""`passerelles expire_imports`: mark expired the import previews nobody applied for more than
PASSERELLES_IMPORT_EXPIRY_DAYS days (or --days). The task worker does the same every few
minutes (core.jobs.housekeeping); this command is for a site run without a worker, or by hand."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passerelles.opendata import actions


class Command(BaseCommand):
    @property
    def help(self):
        return _("Fait expirer les simulations d'import qui n'ont pas été appliquées à temps.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=_("Jours après lesquels une simulation expire (réglage par défaut)."),
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 1:
            raise CommandError(_("--days doit valoir au moins 1."))
        count = actions.expire_runs(days=days)
        self.stdout.write(
            ngettext(
                "%(count)s simulation d'import a expiré.",
                "%(count)s simulations d'import ont expiré.",
                count,
            )
            % {"count": count}
        )
