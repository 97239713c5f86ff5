"""The observatory at phone and desktop widths, in French and in English: the charts are
images with a name, the filters work without script, axe-core finds nothing serious."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import violations
from tests.browser.session import sign_in
from tests.observatory.conftest import build_network
from tests.users.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reads_the_figures_and_filters_them(any_page):
    page = any_page
    build_network()
    page.goto(f"{page.base_url}/observatoire/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # Charts are images named by their title; their values are in text beside them.
    chart = page.get_by_role("img", name=re.compile("Acteurs ici et là-bas|actors", re.I)).first
    expect(chart).to_be_visible()
    table = page.locator("#actors_by_side table")
    expect(table.locator("tbody tr").first.locator("td")).to_have_text("3")
    # The map of the region and the map of the countries are drawn.
    expect(page.locator("#actors_by_department svg[role=img]")).to_be_visible()
    expect(page.locator("#projects_by_country svg[role=img]")).to_be_visible()
    # No horizontal scroll of the page itself on a phone (tables scroll in their box).
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width
    assert violations(page) == []

    # The GET form, submitted as a person would.
    page.locator("select[name=department]").select_option("37")
    page.locator("form.observatory-filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"department=37"))
    expect(page.locator("#actors_by_side tbody tr").first.locator("td")).to_have_text("1")
    # The filtered charts and maps are checked too (a map with one department lit…).
    assert violations(page) == []

    # A bad year in the address: a message, no figures, no violation.
    page.goto(f"{page.base_url}/observatoire/?year=abc")
    expect(page.locator("#filter-errors")).to_be_visible()
    assert violations(page) == []


def test_staff_see_their_indicators(any_page):
    page = any_page
    network = build_network()
    sign_in(page, StaffFactory())
    page.goto(f"{page.base_url}/observatoire/")
    expect(page.locator("#section-staff")).to_be_visible()
    expect(page.locator("#records_by_status table")).to_be_visible()
    assert violations(page) == []
    # Every filter at once: charts with few bars, maps with one country, empty tables.
    theme = network.themes[0].slug
    page.goto(f"{page.base_url}/observatoire/?year=2025&country=ML&theme={theme}")
    expect(page.locator("#projects_by_country svg[role=img]")).to_be_visible()
    expect(page.locator("#records_by_status table")).to_be_visible()
    assert violations(page) == []
    page.goto(f"{page.base_url}/observatoire/?year=2024&department=41")
    expect(page.locator("#actors_by_department svg[role=img]")).to_be_visible()
    assert violations(page) == []
