"""Browser tests: Playwright for Python driving Debian's chromium against pytest-django's
live server. Skipped with a clear reason where /usr/bin/chromium is absent (a newcomer's
machine); CI installs it."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("PASSERELLES_CHROMIUM", "/usr/bin/chromium"))

# Playwright's sync API keeps an event loop running in this thread; the test's own ORM calls
# (creating fixtures, checking results) are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, referentials):
    yield from _page(browser, live_server, width=1280, locale="fr-FR")


@pytest.fixture(
    params=[(390, "fr-FR"), (1280, "fr-FR"), (390, "en-GB"), (1280, "en-GB")],
    ids=["phone-fr", "desktop-fr", "phone-en", "desktop-en"],
)
def any_page(request, browser, live_server, referentials):
    """A page at phone and desktop widths, in French and in English (the browser's language
    chooses the site's); `page.is_phone` and `page.english` say which."""
    width, locale = request.param
    yield from _page(browser, live_server, width=width, locale=locale)


def _page(browser, live_server, *, width: int, locale: str):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    # Map tiles come from the internet, which tests never touch: answer them with nothing.
    context.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    page.is_phone = width < 600
    page.english = locale.startswith("en")
    # Every browser test also checks the Content-Security-Policy: a script or style the policy
    # refuses (an inline script without the nonce…) is a broken feature in production.
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert not refused, refused
