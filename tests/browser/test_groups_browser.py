"""A member joins a public working group in the browser, chooses daily news, and receives the
digest of a post (the locmem outbox) with a working unsubscribe link; the group page passes
axe at phone and desktop widths."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.axe import violations
from tests.browser.session import sign_in
from tests.groups import factories
from tests.users.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def sized_page(request, page):
    page.set_viewport_size({"width": request.param, "height": 900})
    page.width = request.param
    return page


def test_a_member_joins_a_public_group_and_receives_a_digest(sized_page):
    page = sized_page
    coordinator = UserFactory(full_name="Claire Coordinatrice")
    group = factories.group("Groupe Mali", coordinator=coordinator, summary="Le Mali ensemble")
    factories.meeting(group, "Réunion de rentrée")
    member = UserFactory(full_name="Aïssata Membre", email="aissata@example.org")
    sign_in(page, member)

    page.goto(f"{page.base_url}/groupes/")
    page.get_by_role("link", name="Groupe Mali").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Groupe Mali")
    expect(page.get_by_text("Réunion de rentrée")).to_be_visible()
    page.get_by_role("button", name="Rejoindre", exact=True).click()
    expect(page.get_by_text("Bienvenue dans le groupe « Groupe Mali »")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width
    assert violations(page) == []

    page.get_by_label("Recevoir les nouvelles par e-mail").select_option("daily")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Votre choix est enregistré.")).to_be_visible()

    factories.post(group, coordinator, "Compte rendu : l'école de Kayes est ouverte")
    mail.outbox.clear()
    # Twice, as cron would: the post comes once.
    call_command("groups_digests", stdout=io.StringIO())
    call_command("groups_digests", stdout=io.StringIO())
    [message] = [m for m in mail.outbox if m.to == ["aissata@example.org"]]
    assert "Groupe Mali : 1 nouveau message" in message.subject
    assert "Compte rendu : l'école de Kayes est ouverte" in message.body

    # The one-click link, signed out, without JavaScript.
    page.context.clear_cookies()
    link = re.search(r"https?://\S+(/groupes/desabonnement/\S+/)", message.body).group(1)
    page.goto(page.base_url + link)
    page.get_by_role("button", name="Me désabonner").click()
    expect(page.get_by_text("vous ne recevrez plus les nouvelles")).to_be_visible()
