from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from passerelles.bridges.actions import refit_weights


class Command(BaseCommand):
    help = "Learn the suggestion weights again from every member's marks (docs/bridges.md)."

    def handle(self, *args, **options):
        count = refit_weights()
        self.stdout.write(_("%(count)s poids appris des avis.") % {"count": count})
