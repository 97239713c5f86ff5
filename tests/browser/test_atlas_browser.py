"""The atlas and the links here ↔ there in a real browser: a project linking an organisation
here and a partner abroad shows under the partner's country, and the map draws its link once
the layer is switched on (an SVG path in Leaflet's overlay pane)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.projects.factories import linked_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project(referentials):
    # Built with factories: the project form belongs to another part of the application.
    lead = OrganisationFactory(name="Blois Solidarité")
    partner = AbroadOrganisationFactory(
        name="Collectif de Lomé", country_id="TG", locality="Lomé", lat=6.1375, lon=1.2123
    )
    return linked_project(lead=lead, partner=partner, title="Radio communautaire de Lomé")


def test_atlas_lists_the_project_under_the_partners_country(page, project):
    page.goto(page.base_url + reverse("atlas:index"))
    table = page.get_by_role("table", name=re.compile("Pays partenaires"))
    row = table.get_by_role("row", name=re.compile("Togo"))
    expect(row).to_contain_text("1")
    row.get_by_role("link", name="Togo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Togo")
    expect(page.get_by_role("link", name="Radio communautaire de Lomé")).to_be_visible()
    here = page.get_by_role("region", name="Organisations d'ici qui y travaillent")
    expect(here.get_by_role("link", name="Blois Solidarité")).to_be_visible()
    # The small map placed the partner and the project's locality.
    expect(page.locator("#atlas-map .atlas-organisation")).to_have_count(1)
    expect(page.locator("#atlas-map .atlas-place")).to_have_count(1)


def test_map_draws_the_link_when_the_layer_is_on(page, project):
    page.goto(page.base_url + reverse("actors:map"))
    the_map = page.locator("[data-passerelles-map]")
    expect(page.locator("#map-status")).to_contain_text("organisations sur la carte")
    expect(page.locator("path.map-link")).to_have_count(0)
    toggle = page.get_by_label("Afficher les liens ici ↔ là-bas (projets)")
    # Keyboard: focus the switch and press Space, as a keyboard user would.
    toggle.focus()
    page.keyboard.press("Space")
    expect(toggle).to_be_checked()
    expect(page.locator("#map-links-status")).to_contain_text("Un lien ici ↔ là-bas")
    path = page.locator(".leaflet-overlay-pane svg path.map-link")
    expect(path).to_have_count(1)
    assert re.match(r"M\s?-?\d", path.get_attribute("d"))
    assert the_map.get_attribute("data-links") == "1"
    expect(page).to_have_url(re.compile(r"links=1"))
    # The same link in words, for those who do not see the map.
    page.get_by_text(re.compile("Les liens ici ↔ là-bas en texte")).click()
    expect(page.locator("#map-links-text")).to_contain_text("Loir-et-Cher (41) ↔ Togo : 1 projet")
    # Off again: the line goes.
    page.keyboard.press("Shift+Tab")
    toggle.uncheck()
    expect(page.locator("path.map-link")).to_have_count(0)


def test_map_opens_with_links_from_the_atlas(page, project):
    page.goto(page.base_url + reverse("atlas:country", args=["TG"]))
    page.get_by_role("link", name="Voir les liens ici ↔ là-bas sur la carte des acteurs").click()
    expect(page.get_by_label("Afficher les liens ici ↔ là-bas (projets)")).to_be_checked()
    expect(page.locator("path.map-link")).to_have_count(1)
