"""A member proposes a practice sheet from a common-issue page, staff publish it from the
moderation queue, and the sheet appears on the common-issue page paired with a problem there,
with the reason written as a sentence; the pages pass axe at phone and desktop widths."""

import pytest
from playwright.sync_api import expect

from passerelles.practices.models import Practice
from passerelles.vocab.models import Theme
from tests.browser.axe import violations
from tests.browser.session import sign_in
from tests.projects.factories import PlaceThereFactory, ProjectFactory
from tests.users.factories import MembershipFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ISSUE = "/enjeux/theme/eau-assainissement/"


def _check(page):
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert violations(page) == []


def test_a_member_proposes_staff_publish_and_the_sheet_meets_a_problem_there(page):
    project = ProjectFactory(
        title="Accès à l'eau potable à Koudougou",
        summary="Le forage du village tombe en panne et la pompe s'use.",
        themes=list(Theme.objects.filter(slug="eau-assainissement")),
    )
    PlaceThereFactory(project=project, country_id="BF", locality="Koudougou")
    member = MembershipFactory().user
    sign_in(page, member)

    page.goto(page.base_url + ISSUE)
    page.get_by_role("link", name="Proposer une fiche pratique sur cet enjeu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposer une fiche pratique")
    # The theme of the page is already ticked.
    expect(page.get_by_label("Eau et assainissement")).to_be_checked()
    page.get_by_label("Titre").fill("Des comités d'usagers pour réparer les pompes")
    page.get_by_label("Le problème").fill("Les pompes de nos partenaires tombaient en panne.")
    page.get_by_label("ici", exact=True).check()
    page.get_by_label("Commune (ici)").fill("Blois")
    page.get_by_label("Ce qui a été fait").fill(
        "Des comités d'usagers qui entretiennent la pompe et le forage, avec une caisse."
    )
    page.get_by_label("Coût (montant)").fill("1500")
    page.get_by_label("Ce qui a marché").fill("Les comités réparent eux-mêmes.")
    _check(page)
    page.get_by_role("button", name="Envoyer la fiche").click()
    expect(page.get_by_text("La fiche sera publiée après relecture")).to_have_count(2)
    sheet = Practice.objects.get()
    assert sheet.status == "pending" and sheet.commune_id == "41018"

    # Not on the issue page while it waits.
    page.goto(page.base_url + ISSUE)
    expect(page.get_by_text("Des comités d'usagers pour réparer les pompes")).to_have_count(0)

    page.context.clear_cookies()
    sign_in(page, StaffFactory())
    page.goto(page.base_url + "/pratiques/moderation/")
    page.get_by_role("link", name="Des comités d'usagers pour réparer les pompes").click()
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_text("La fiche est publiée.")).to_be_visible()

    page.context.clear_cookies()
    page.goto(page.base_url + ISSUE)
    pair = page.locator(".issue-pair").filter(has_text="Accès à l'eau potable à Koudougou")
    expect(
        pair.get_by_role("link", name="Des comités d'usagers pour réparer les pompes")
    ).to_be_visible()
    expect(pair).to_contain_text("Pourquoi : Même préoccupation (« Eau et assainissement »)")
    _check(page)
