"""A member creates a project with a partner abroad chosen from the directory (search box
refilled by htmx), and sees it on the project page with both partners, here and there."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.users.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member(referentials):
    user = UserFactory(email="membre@asso.example")
    MembershipFactory(user=user, organisation=OrganisationFactory(name="Terres Vivantes"))
    AbroadOrganisationFactory(name="Union des groupements de Koudougou", locality="Koudougou")
    AbroadOrganisationFactory(name="Coopérative de Kaya", locality="Kaya")
    return user


def test_member_creates_a_project_with_a_partner_abroad(page, member):
    base = page.base_url
    page.goto(f"{base}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("membre@asso.example")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.goto(f"{base}/projets/")
    page.get_by_role("link", name="Ajouter un projet").click()
    page.get_by_role("textbox", name="Titre").fill("Eau potable à Koudougou")
    page.get_by_label("Résumé en une phrase").fill("Des forages gérés par les villages.")

    # The member's own organisation is offered without searching.
    first = page.locator("#id_participants-0-organisation")
    first.select_option(first.locator("option", has_text="Terres Vivantes").get_attribute("value"))
    page.locator("#id_participants-0-role").select_option("lead")

    # The partner abroad: typed in the search box, the list fills as one types (htmx).
    page.locator("#id_participants-1-search").fill("Koudougou")
    second = page.locator("#id_participants-1-organisation")
    option = second.locator("option", has_text="Union des groupements de Koudougou")
    expect(option).to_have_count(1)
    second.select_option(option.get_attribute("value"))
    page.locator("#id_participants-1-role").select_option("partner_there")

    page.locator("#id_here-0-commune_text").fill("Blois")
    page.locator("#id_there-0-country").select_option("BF")
    page.locator("#id_there-0-locality").fill("Koudougou")
    page.get_by_role("button", name="Enregistrer").last.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Eau potable à Koudougou")
    expect(page.locator(".messages")).to_contain_text("Le projet est créé.")
    here = page.locator(".side-here")
    there = page.locator(".side-there")
    expect(here.get_by_role("link", name="Terres Vivantes")).to_be_visible()
    expect(there.get_by_role("link", name="Union des groupements de Koudougou")).to_be_visible()
    expect(there).to_contain_text("Koudougou, Burkina Faso")
    # The small map draws a line from here to there.
    expect(page.locator("[data-passerelles-project-map]")).to_have_attribute("data-lines", "1")

    # The atlas lists it under the partner's country; the main map draws the link here ↔ there.
    page.goto(base + reverse("atlas:country", args=["BF"]))
    expect(page.get_by_role("link", name="Eau potable à Koudougou")).to_be_visible()
    page.goto(base + reverse("actors:map") + "?links=1")
    expect(page.locator(".leaflet-overlay-pane svg path.map-link")).to_have_count(1)
