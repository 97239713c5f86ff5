"""The frozen years at phone and desktop widths, in French and in English: the banner, the
comparison table scrolling in its own box, the staff's freeze form; axe-core finds nothing
serious."""

import pytest
from playwright.sync_api import expect

from passerelles.observatory import actions
from tests.browser.axe import violations
from tests.browser.session import sign_in
from tests.observatory.conftest import build_network
from tests.observatory.snapshot_helpers import give_a_past
from tests.users.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_compares_the_years(any_page):
    page = any_page
    give_a_past(build_network())
    actions.freeze_year(2024, by=StaffFactory(full_name="Awa Diallo"))
    actions.freeze_year(2025, by=StaffFactory(full_name="Awa Diallo"))
    page.goto(f"{page.base_url}/observatoire/annees/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".years-table")).to_contain_text(
        "+66,7 %" if not page.english else "+66.7 %"
    )
    # No horizontal scroll of the page itself on a phone (the table scrolls in its box).
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width
    assert violations(page) == []
    page.goto(f"{page.base_url}/observatoire/?year=2025")
    expect(page.locator(".observatory-frozen")).to_contain_text("Awa Diallo")
    assert violations(page) == []


def test_staff_freeze_a_year(page):
    give_a_past(build_network())
    sign_in(page, StaffFactory())
    page.goto(f"{page.base_url}/observatoire/annees/figer/")
    page.locator("input[name=year]").fill("2026")
    page.get_by_role("button", name="Figer cette année").click()
    expect(page.locator(".errorlist")).to_contain_text("L'année 2026 n'est pas terminée")
    assert violations(page) == []
    page.locator("input[name=year]").fill("2025")
    page.get_by_role("button", name="Figer cette année").click()
    expect(page.locator(".job-progress")).to_contain_text("Les chiffres de 2025 sont figés.")
    assert violations(page) == []
