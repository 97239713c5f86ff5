"""The `passerelles` console script: every job is a Django management command.

`passerelles demo`, `passerelles runserver`, … are `manage.py` subcommands; the script only
sets the default settings module so it works from any directory once the package is installed.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else sys.argv)
    return 0
