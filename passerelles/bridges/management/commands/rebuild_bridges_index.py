from django.core.management.base import BaseCommand

from passerelles.bridges.suggest.index import reset_index
from passerelles.bridges.suggest.profiles import rebuild_profiles


class Command(BaseCommand):
    help = "Rebuild the partner-suggestion profiles of every published organisation."

    def handle(self, *args, **options):
        count = rebuild_profiles()
        reset_index()
        self.stdout.write(f"{count} profils de suggestion reconstruits.")
