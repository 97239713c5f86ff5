"""The base map that needs no tile server: with every tile request refused (a filtered link
abroad, an offline demo), the directory map and the atlas still draw the bundled country and
department outlines under their markers, credit Natural Earth, and stay accessible."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.browser.axe import violations
from tests.projects.factories import linked_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTLINES = ".leaflet-outlines-pane svg path"


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def offline_page(request, page):
    page.set_viewport_size({"width": request.param, "height": 900})
    refused = []

    def refuse(route):
        refused.append(route.request.url)
        route.abort()

    # Every tile server, whatever PASSERELLES_TILES_URL says: only our own origin answers.
    page.route(
        "**/*.png",
        lambda route: route.continue_() if "/static/" in route.request.url else refuse(route),
    )
    page.refused_tiles = refused
    return page


@pytest.fixture
def project(referentials):
    lead = OrganisationFactory(name="Blois Solidarité")
    partner = AbroadOrganisationFactory(
        name="Collectif de Lomé", country_id="TG", locality="Lomé", lat=6.1375, lon=1.2123
    )
    return linked_project(lead=lead, partner=partner, title="Radio communautaire de Lomé")


def test_directory_map_draws_outlines_without_tiles(offline_page, project):
    page = offline_page
    page.goto(page.base_url + reverse("actors:map"))
    expect(page.locator("#map-status")).to_contain_text("organisations sur la carte")
    the_map = page.locator("[data-passerelles-map]")
    # 177 countries and 101 departments, as drawn paths under the markers.
    expect(the_map).to_have_attribute("data-outlines", "278")
    assert page.locator(OUTLINES).count() == 278
    # The six departments of Centre-Val de Loire stand out.
    expect(page.locator(f"{OUTLINES}.outline-region")).to_have_count(6)
    assert page.locator(f"{OUTLINES}[d^='M']").count() > 100
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("Natural Earth")
    # The markers are still above the outlines.
    expect(page.locator(".leaflet-marker-pane .leaflet-marker-icon").first).to_be_visible()
    assert page.refused_tiles, "the map should have asked for tiles (and been refused)"
    assert violations(page) == []


def test_atlas_country_map_draws_outlines_without_tiles(offline_page, project):
    page = offline_page
    page.goto(page.base_url + reverse("atlas:country", args=["TG"]))
    the_map = page.locator("#atlas-map")
    expect(the_map).to_have_attribute("data-outlines", "278")
    # The page's country is the one highlighted.
    expect(page.locator(f"{OUTLINES}.outline-shown")).to_have_count(1)
    expect(page.locator("#atlas-map .atlas-organisation")).to_have_count(1)
    expect(the_map.locator(".leaflet-control-attribution")).to_contain_text("Natural Earth")
    assert page.refused_tiles
    assert violations(page) == []
