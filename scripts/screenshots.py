"""Screenshots of pages at phone and desktop widths, to look at the theme with one's own eyes.

    python scripts/screenshots.py [--base-url http://127.0.0.1:8000] [PATH ...]

Against a running server (`make run`, or `manage.py runserver`). Writes
screenshots/<path>-<width>.png (the folder is git-ignored). Uses Debian's chromium through
Playwright; map tiles and every other outside request are blocked, as in the browser tests.
"""

import argparse
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("PASSERELLES_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# A phone (390 px: the most common smartphone width) and a laptop.
WIDTHS = {390: 844, 1280: 900}
DEFAULT_PATHS = ["/", "/annuaire/", "/annuaire/carte/", "/compte/connexion/", "/page-inexistante/"]


def filename(path: str, width: int) -> str:
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", path).strip("-") or "home"
    return f"{slug}-{width}.png"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--lang", default="fr", help="language of the browser (fr, en)")
    args = parser.parse_args(argv)
    args.out.mkdir(exist_ok=True)
    origin = urlsplit(args.base_url).netloc

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width, height in WIDTHS.items():
            context = browser.new_context(
                viewport={"width": width, "height": height},
                locale=args.lang,
                device_scale_factor=1,
            )
            # Only our own server: no tiles, no fonts, nothing from outside.
            context.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if urlsplit(route.request.url).netloc == origin
                    or route.request.url.startswith("data:")
                    else route.abort()
                ),
            )
            page = context.new_page()
            for path in args.paths:
                response = page.goto(args.base_url + path, wait_until="load")
                target = args.out / filename(path, width)
                page.screenshot(path=str(target), full_page=True)
                status = response.status if response else "?"
                print(f"{status} {path} ({width}px) -> {target}")
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
