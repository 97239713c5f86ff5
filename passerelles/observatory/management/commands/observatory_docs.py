from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from passerelles.observatory.docs import rewrite


class Command(BaseCommand):
    help = "Rewrites the list of indicators in docs/observatory.md from the registry."

    def handle(self, *args, **options):
        path = Path(settings.BASE_DIR) / "docs" / "observatory.md"
        path.write_text(rewrite(path.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"{path} rewritten")
