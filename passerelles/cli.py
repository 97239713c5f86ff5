"""The `passerelles` console script: every job is a Django management command.

`passerelles demo`, `passerelles runserver`, … are `manage.py` subcommands; the script only
sets the default settings module so it works from any directory once the package is installed.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    argv = list(argv if argv is not None else sys.argv)
    # Commands read as words on the command line (`passerelles import-iati`, `bench-scheduler`)
    # while Django names them with underscores (`import_iati`): accept both spellings.
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)
    return 0
