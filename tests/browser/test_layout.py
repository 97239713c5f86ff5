"""What only a browser shows about the theme: phone layout, touch targets, the skip link."""

import pytest
from django.urls import reverse

from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_home_fits_a_phone_with_44px_targets(phone):
    OrganisationFactory(name="Coopérative des Savoirs Partagés du Val de Loire et d'Ailleurs")
    AbroadOrganisationFactory()
    phone.goto(phone.base_url + reverse("site:home"))

    # Nothing sticks out sideways: no horizontal scrolling on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    selectors = ".main-nav a, .lang-switch button, main .button, main button, .theme-list a"
    heights = phone.eval_on_selector_all(
        selectors, "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44


def test_skip_link_appears_on_first_tab_and_moves_focus_to_content(phone):
    phone.goto(phone.base_url + reverse("site:home"))
    skip = phone.locator(".skip-link")
    assert skip.bounding_box()["y"] < 0  # off screen until needed
    phone.keyboard.press("Tab")
    assert skip.evaluate("e => e === document.activeElement")
    assert skip.bounding_box()["y"] >= 0
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main"
