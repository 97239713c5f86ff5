"""The observatory on a large directory: a selection nobody has asked for yet is computed by a
job while the page waits, and the figures appear without a reload (htmx within the site's
Content-Security-Policy); the printable yearly report passes axe-core at every width."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from passerelles.actors.models import Organisation
from passerelles.core import door
from passerelles.observatory import computed
from tests.browser.axe import violations
from tests.observatory.conftest import build_network

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_figures_appear_by_themselves_once_the_job_has_computed_them(page, settings):
    # Jobs are recorded, not run (each thread has its own dummy backend: the test runs the
    # job's work itself below, as the worker would).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    # "Large": more organisations than the page computes in a request (the network has six).
    settings.PASSERELLES_OBSERVATORY_INLINE_ORGANISATIONS = 3
    build_network()
    page.goto(f"{page.base_url}/observatoire/?department=41")
    expect(page.locator(".observatory-pending")).to_contain_text("en cours de calcul")
    assert violations(page) == []
    computed.refresh({"department": "41"}, False, "fr")
    # No reload: the page asks again by itself and the figures take the message's place.
    expect(page.locator("#actors_by_side tbody tr").first.locator("td")).to_have_text(
        "1", timeout=10_000
    )
    expect(page.locator(".observatory-pending")).to_have_count(0)
    expect(page.locator(".observatory-computed")).to_contain_text("Chiffres calculés le")
    assert violations(page) == []


def test_the_yearly_report_reads_well_and_passes_axe(any_page):
    page = any_page
    build_network()
    with door.inside():
        Organisation.objects.update(
            created_at=timezone.make_aware(datetime.datetime(2025, 1, 15, 12, 0))
        )
    page.goto(f"{page.base_url}/observatoire/rapport/2025/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width
    assert violations(page) == []
    # As printed: the print stylesheet applies, and still nothing serious.
    page.emulate_media(media="print")
    assert violations(page) == []
