"""A manager follows the "still current?" link of the e-mail on a phone and on a desktop,
without signing in and without JavaScript doing the work: the page is accessible (axe), the
answer is one click on a button, and the organisation page then says when it was confirmed."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from passerelles.actors import freshness
from passerelles.actors.models import FreshnessCheck
from tests.actors.factories import OrganisationFactory
from tests.browser import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_a_manager_confirms_in_one_click(browser, live_server, referentials, width):
    org = OrganisationFactory(name="Terres Solidaires")
    check = FreshnessCheck.objects.create(organisation=org, recipients=["g@terres.org"])
    token = freshness.token_for(check)
    # JavaScript off: the answer must work without it.
    context = browser.new_context(
        locale="fr-FR", viewport={"width": width, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        url = live_server.url + reverse("actors:freshness-answer", kwargs={"token": token})
        page.goto(url + "?reponse=current")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Ces informations sont-elles toujours à jour ?"
        )
        expect(page.get_by_text("Informations jamais confirmées.")).to_be_visible()
        # Nothing fits wider than the screen on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        button = page.get_by_role("button", name="Confirmer : toujours à jour")
        expect(button).to_be_visible()
        # axe runs through the DevTools protocol: enable scripts for the audit only.
        audit = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
        audit_page = audit.new_page()
        audit_page.goto(url + "?reponse=inactive")
        assert axe.violations(audit_page) == []
        audit.close()

        button.click()
        expect(page.get_by_text("Merci, votre réponse est enregistrée.")).to_be_visible()
        check.refresh_from_db()
        assert check.answer == "current"

        page.get_by_role("link", name="Terres Solidaires").click()
        today = timezone.localdate()
        expect(page.get_by_text("Informations confirmées le", exact=False)).to_contain_text(
            str(today.year)
        )
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_staff_read_freshness_and_filter_the_stale_list(browser, live_server, referentials, width):
    from tests.browser.session import sign_in
    from tests.users.factories import StaffFactory

    OrganisationFactory(name="Jamais confirmée")
    OrganisationFactory(name="Confirmée", last_verified_at=timezone.now())
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.base_url = live_server.url
    try:
        sign_in(page, StaffFactory())
        page.goto(live_server.url + reverse("actors:moderation"))
        page.get_by_role("link", name="Fraîcheur des fiches").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Fraîcheur des fiches")
        table = page.locator("#by-department")
        expect(table.locator("tr[data-key='41']")).to_contain_text("50 %")
        page.get_by_label("État").select_option("never")
        page.get_by_role("button", name="Filtrer").click()
        expect(page.locator("#stale-list")).to_contain_text("Jamais confirmée")
        # Only the never-confirmed record: the confirmed one is not stale.
        expect(page.locator("#stale-list tbody tr")).to_have_count(1)
        assert axe.violations(page) == []
    finally:
        context.close()
