#!/usr/bin/env python
"""Django's command-line utility; `passerelles` (passerelles.cli) wraps the same entry point."""

import sys

from passerelles.cli import main

if __name__ == "__main__":
    sys.exit(main())
