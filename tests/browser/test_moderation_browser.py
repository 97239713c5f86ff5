"""A visitor proposes an organisation through the form; a staff member logs in, opens the
moderation queue, sees the difference and approves; the organisation is then public."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from tests.actors.factories import OrganisationFactory
from tests.browser import axe
from tests.browser.session import sign_in
from tests.users.factories import PASSWORD, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Jardins Partagés Loire-Kayes"


def test_a_visitor_proposes_and_staff_approve(page, referentials):
    base = page.base_url
    StaffFactory(email="equipe@reseau.example.org")

    # A visitor fills in the form, with labels a screen reader would announce.
    page.goto(f"{base}/annuaire/proposer/")
    page.get_by_role("textbox", name="Nom", exact=True).fill(NAME)
    page.get_by_label("Famille d'acteurs").select_option("si_association")
    page.get_by_label("Solidarité internationale", exact=True).check()
    page.get_by_label("Mission en une phrase").fill("Des jardins partagés entre Blois et Kayes.")
    page.get_by_label("Code postal").fill("41000")
    page.get_by_role("textbox", name="Commune", exact=True).fill("Blois")
    page.get_by_role("textbox", name="Votre adresse e-mail").fill("visiteur@example.org")
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.get_by_role("heading", name="Merci pour votre proposition")).to_be_visible()
    assert Organisation.objects.get(name=NAME).status == Status.PENDING

    # A staff member logs in (any case in the e-mail) and opens the queue from the menu.
    page.goto(f"{base}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("Equipe@Reseau.example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Modération").click()
    expect(page.get_by_role("heading", name="File de modération")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=NAME)
    row.get_by_role("link", name=re.compile("Examiner")).click()

    # The difference, field by field: a creation shows every filled field as new.
    diff = page.locator("dl.diff")
    expect(diff.locator("dd[data-field='name'] .diff-new")).to_contain_text(NAME)
    expect(diff.locator("dd[data-field='commune'] .diff-new")).to_contain_text("Blois (41)")
    page.get_by_role("button", name="Accepter et publier").click()
    expect(page.get_by_text("Proposition acceptée et publiée.")).to_be_visible()
    expect(page.get_by_text("Aucune proposition en attente")).to_be_visible()

    # The organisation is public now: the directory's search finds it and leads to its page.
    org = Organisation.objects.get(name=NAME)
    assert org.status == Status.PUBLISHED
    page.goto(f"{base}/annuaire/?q=jardins+partages+kayes")
    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    page.get_by_role("link", name="Historique des modifications").click()
    expect(page.get_by_text("publiée").first).to_be_visible()


def test_merge_a_proposal_into_its_only_candidate_in_one_click(any_page):
    """Problem 6 of issue 14: the only candidate was not pre-selected, so "Fusionner" answered
    400; the duplicates page proposed to keep the pending copy rather than the published one."""
    page = any_page
    target = OrganisationFactory(name="Maison des Solidarités")
    duplicate = OrganisationFactory(name="Maison des solidarites", status=Status.PENDING)
    proposal = duplicate.proposals.get()
    sign_in(page, StaffFactory())

    page.goto(page.base_url + reverse("actors:review", args=[proposal.pk]))
    merge = page.locator("form.decision-merge")
    expect(merge.get_by_role("radio", name=re.compile("Maison des Solidarités"))).to_be_checked()
    merge.get_by_role("button", name="Merge" if page.english else "Fusionner").click()
    expect(page.locator(".errorlist")).to_have_count(0)
    proposal.refresh_from_db()
    assert proposal.merged_into == target
    assert axe.violations(page) == []


def test_the_duplicates_page_keeps_the_published_record_by_default(any_page):
    page = any_page
    pending = OrganisationFactory(name="Amis du Togo", status=Status.PENDING)
    published = OrganisationFactory(name="Les amis du Togo", commune=pending.commune)
    sign_in(page, StaffFactory())

    page.goto(page.base_url + reverse("actors:duplicates"))
    pair = page.locator("form", has_text="Amis du Togo").first
    expect(pair.get_by_role("radio", name="Les amis du Togo")).to_be_checked()
    pair.get_by_role("button", name="Merge" if page.english else "Fusionner").click()
    expect(page.get_by_text("Amis du Togo", exact=True)).to_have_count(0)
    published.refresh_from_db()
    pending.refresh_from_db()
    assert published.status == Status.PUBLISHED and pending.status == Status.ARCHIVED
    assert axe.violations(page) == []
