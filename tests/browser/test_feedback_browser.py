"""A member marks a partner suggested to their organisation "not relevant" and sees it leave
the list at once (htmx), and it stays out when the page is loaded again."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from passerelles.bridges.suggest import suggestions_for_organisation
from passerelles.vocab.models import Theme
from tests.actors.factories import OrganisationFactory
from tests.browser.axe import violations
from tests.browser.session import sign_in
from tests.users.factories import MembershipFactory

pytestmark = pytest.mark.browser


def test_mark_a_suggestion_not_relevant_and_see_it_leave(page, referentials):
    from passerelles.bridges.suggest.index import reset_index

    reset_index()
    agriculture = Theme.objects.get(slug="agriculture")
    org = OrganisationFactory(
        name="Burkina Solidarité Chartres",
        needs="Une coopérative pour former des maraîchers",
        themes=[agriculture],
        countries_of_action=["BF"],
        commune_id="28085",
    )
    for n in range(12):
        OrganisationFactory(
            name=f"Ferme maraîchère n° {n + 1}",
            family="ess_enterprise",
            is_ess=True,
            is_si=False,
            offers="Formation de maraîchers en agriculture biologique",
            themes=[agriculture],
            countries_of_action=["BF"],
        )
    sign_in(page, MembershipFactory(organisation=org).user)
    reset_index()
    first = suggestions_for_organisation(org)[0].organisation
    page.goto(page.base_url + reverse("bridges:partners") + f"?organisation={org.slug}")
    item = page.locator(f"#suggestion-{org.pk}-{first.pk}")
    assert item.locator("details.suggestion").count() == 1
    assert violations(page) == []
    item.get_by_role("button", name=f"Pas pertinente : {first.name}").click()
    # The card gives way to a line that says so in words, with the buttons to undo.
    state = page.locator(f"#feedback-{org.pk}-{first.pk} .feedback-state")
    expect(state).to_contain_text("Votre avis : pas pertinente.")
    expect(item.locator("details.suggestion")).to_have_count(0)
    assert page.get_by_role("button", name=f"Retirer mon avis : {first.name}").is_visible()
    assert violations(page) == []
    page.reload()
    assert page.locator("details.suggestion").count() == 10
    assert page.locator(f"#suggestion-{org.pk}-{first.pk}").count() == 0
