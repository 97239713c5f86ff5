"""The directory and the map in a real browser: search and open a result, markers that follow
a filter."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from passerelles.actors.enums import Family
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.browser import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def orgs(referentials):
    OrganisationFactory(
        name="Terres Vivantes",
        description="Nous accompagnons la transition vers l'agroécologie en Touraine.",
        commune_id="37261",
    )
    OrganisationFactory(name="Lycée du Val", family=Family.SCHOOL, commune_id="45234")
    OrganisationFactory(name="Collège des Sables", family=Family.SCHOOL, commune_id="18033")
    OrganisationFactory(name="Santé Solidaire", family=Family.HEALTH, commune_id="28085")
    AbroadOrganisationFactory(name="Union de Koudougou")


def test_search_the_directory_and_open_a_result(page, orgs):
    page.goto(page.base_url + reverse("actors:list"))
    expect(page.get_by_role("heading", name="5 organisations")).to_be_visible()
    page.get_by_label("Rechercher un acteur, un savoir-faire, un pays").fill("agroécologique")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    expect(page.get_by_role("heading", name="1 organisation", exact=True)).to_be_visible()
    # htmx pushed the search into the address: the result is shareable.
    expect(page).to_have_url(re.compile(r"q=agro%C3%A9cologique"))
    page.get_by_role("link", name="Terres Vivantes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terres Vivantes")
    expect(page.get_by_role("link", name="Proposer une correction")).to_be_visible()


def test_filter_checkbox_updates_results_and_counts(page, orgs):
    page.goto(page.base_url + reverse("actors:list"))
    page.get_by_role("checkbox", name=re.compile("Établissement scolaire")).check()
    expect(page.get_by_role("heading", name="2 organisations")).to_be_visible()
    expect(page).to_have_url(re.compile(r"family=school"))
    expect(page.get_by_role("link", name="Santé Solidaire")).to_have_count(0)


def test_map_shows_markers_and_follows_a_filter(page, orgs):
    page.goto(page.base_url + reverse("actors:map"))
    the_map = page.locator("[data-passerelles-map]")
    markers = page.locator(".leaflet-marker-icon")
    # The initial view (the region) shows the four organisations here.
    expect(page.locator("#map-status")).to_contain_text("4 organisations sur la carte (sur 5)")
    assert markers.count() >= 1
    expect(page.locator("label:has(#f-side-here) .facet-count")).to_have_text("(4)")
    before = the_map.get_attribute("data-shown")

    page.get_by_role("checkbox", name=re.compile("Établissement scolaire")).check()
    expect(page.locator("#map-status")).to_contain_text("2 organisations sur la carte (sur 2)")
    assert the_map.get_attribute("data-shown") != before
    expect(page).to_have_url(re.compile(r"family=school"))
    # The other facets' counts follow: two schools here.
    expect(page.locator("label:has(#f-side-here) .facet-count")).to_have_text("(2)")
    # The link to the list (the text alternative) follows the filter too.
    expect(page.locator("#map-list-link")).to_have_attribute("href", re.compile("family=school"))


def test_map_point_popup_loads_name_and_link(page, referentials):
    OrganisationFactory(name="Seule à Chartres", commune_id="28085")
    page.goto(page.base_url + reverse("actors:map") + "?focus=0")
    expect(page.locator("#map-status")).to_contain_text("1 organisations sur la carte")
    page.locator(".map-point").first.click()
    link = page.get_by_role("link", name="Voir la fiche")
    expect(link).to_be_visible()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Seule à Chartres")


def test_filters_keep_the_panel_open_show_chips_and_no_error(any_page, orgs):
    page = any_page
    page.goto(page.base_url + reverse("actors:list"))
    panel = page.locator("details[data-passerelles-facets]")
    if page.is_phone:
        # Collapsed on a phone until the person opens it.
        expect(panel).not_to_have_attribute("open", "")
        page.locator("details[data-passerelles-facets] > summary").click()
    expect(panel).to_have_attribute("open", "")
    school = "School" if page.english else "Établissement scolaire"
    page.get_by_role("checkbox", name=re.compile(school)).check()
    expect(page).to_have_url(re.compile(r"family=school"))
    # The selects stayed on "all": no error, and the panel is still open for the next filter.
    expect(page.locator(".errorlist")).to_have_count(0)
    expect(panel).to_have_attribute("open", "")
    chip = page.locator("a.chip")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text(school)
    page.get_by_role("checkbox", name=re.compile("santé|health", re.I)).check()
    expect(page.locator("a.chip")).to_have_count(2)
    expect(panel).to_have_attribute("open", "")
    assert axe.violations(page) == []
    # Removing a chip removes that filter only.
    page.locator("a.chip", has_text=school).click()
    expect(page.locator("a.chip")).to_have_count(1)
    expect(page.get_by_role("link", name="Santé Solidaire")).to_be_visible()
    expect(page.get_by_role("link", name="Lycée du Val")).to_have_count(0)


def test_a_misspelt_search_offers_the_correction(any_page, orgs):
    from django.utils import translation

    page = any_page
    for name in ("Sources de vie – Madagascar", "Trait d'union – Madagascar"):
        AbroadOrganisationFactory(name=name, country_id="MG", locality="Antsirabe")
    # The wording follows the catalogue ("Did you mean:" in English).
    with translation.override("en" if page.english else "fr"):
        did_you_mean = translation.gettext("Vouliez-vous dire :")
    page.goto(page.base_url + reverse("actors:list"))
    page.locator("#f-q").fill("madagscar")
    page.locator("#f-q").press("Enter")
    offer = page.locator(".search-correction p", has_text=did_you_mean)
    expect(offer).to_be_visible()
    expect(offer).to_have_text(re.compile(re.escape(did_you_mean) + r"\s+Madagascar\s?\?"))
    if not page.english:
        expect(offer).to_have_text(re.compile(r"^Vouliez-vous dire : Madagascar\s\?$"))
    # Nothing matched the typo: the corrected results are shown at once, and said so.
    expect(page.locator(".search-correction [role=status]")).to_contain_text("madagscar")
    assert axe.violations(page) == []
    offer.get_by_role("link", name="Madagascar").click()
    expect(page).to_have_url(re.compile(r"q=Madagascar"))
    expect(page.locator(".search-correction")).to_have_count(0)
    expect(page.get_by_role("link", name="Sources de vie – Madagascar")).to_be_visible()
    expect(page.get_by_role("link", name="Trait d'union – Madagascar")).to_be_visible()
    expect(page.locator("#f-q")).to_have_value("Madagascar")
