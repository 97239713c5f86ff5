"""A staff member opens a case, logs an appointment (htmx, no reload) and a private note, sets
a next step; the organisation's member then sees the shared part only and writes back. At
390 and 1280 px, no horizontal scrolling, no serious axe violation."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from passerelles.accompaniment.models import Case
from tests.actors.factories import OrganisationFactory
from tests.browser.axe import violations
from tests.browser.session import sign_in
from tests.users.factories import MembershipFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def sized_page(request, page):
    page.set_viewport_size({"width": request.param, "height": 900})
    page.width = request.param
    return page


def test_staff_follows_a_case_and_the_member_sees_the_shared_part(sized_page, browser):
    page = sized_page
    org = OrganisationFactory(name="Les Amis de Kaya")
    member = MembershipFactory(organisation=org).user
    staff = StaffFactory(full_name="Claire Chargée")

    sign_in(page, staff)
    page.goto(f"{page.base_url}/accompagnement/nouveau/?organisation={org.slug}")
    page.get_by_label("Type d'accompagnement").select_option(label="dossier de financement")
    page.get_by_label("Objet").fill("Subvention régionale")
    page.get_by_role("button", name="Ouvrir le dossier").click()
    expect(page.get_by_text("Le dossier est ouvert.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accompagnement de Les Amis de Kaya")
    case = Case.objects.get()

    # An appointment, shared: htmx adds it to the log without reloading the page.
    page.get_by_text("Ajouter au journal (rendez-vous, note, message)").click()
    page.get_by_label("Compte rendu").fill("Rendez-vous au local : le budget est à revoir.")
    page.locator("#id_entry-shared").check()
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Ajouter au journal").click()
    expect(page.get_by_text("L'entrée est ajoutée au journal.")).to_be_visible()
    expect(page.locator("#case-log")).to_contain_text("le budget est à revoir")
    assert page.evaluate("window.notReloaded") is True

    # A private note.
    page.get_by_text("Ajouter au journal (rendez-vous, note, message)").click()
    page.locator("#id_entry-kind").select_option(label="note")
    page.get_by_label("Compte rendu").fill("Trésorerie fragile, à suivre de près.")
    page.get_by_role("button", name="Ajouter au journal").click()
    expect(page.locator("#case-log")).to_contain_text("Trésorerie fragile")
    expect(page.locator("#case-log").get_by_text("Privé : équipe seulement")).to_be_visible()

    # The next step.
    due = timezone.localdate() + datetime.timedelta(days=7)
    page.get_by_text("Changer la prochaine étape, le statut ou la personne chargée").click()
    page.get_by_role("textbox", name="Prochaine étape").fill("Relire le budget avec la trésorière")
    page.get_by_label("Échéance").fill(due.isoformat())
    page.get_by_role("button", name="Enregistrer l'étape").click()
    expect(page.get_by_text("La prochaine étape est enregistrée.")).to_be_visible()
    expect(page.locator("#step-title + p")).to_contain_text("Relire le budget avec la trésorière")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width
    assert violations(page) == []

    # The member: the shared part only, and a message back.
    context = browser.new_context(locale="fr-FR", viewport={"width": page.width, "height": 900})
    other = context.new_page()
    other.set_default_timeout(10_000)
    other.base_url = page.base_url
    sign_in(other, member)
    other.goto(f"{page.base_url}/mon-espace/")
    other.get_by_role("link", name="Les Amis de Kaya — dossier de financement").click()
    expect(other.get_by_text("le budget est à revoir")).to_be_visible()
    expect(other.get_by_text("Relire le budget avec la trésorière")).to_be_visible()
    assert "Trésorerie fragile" not in other.content()
    assert "Privé" not in other.content()
    other.get_by_label("Votre message").fill("Merci, nous envoyons le budget lundi.")
    other.get_by_role("button", name="Envoyer le message").click()
    expect(other.get_by_text("Votre message est envoyé à l'équipe du réseau.")).to_be_visible()
    expect(other.get_by_text("nous envoyons le budget lundi")).to_be_visible()
    assert other.evaluate("document.documentElement.scrollWidth") <= page.width
    assert violations(other) == []
    context.close()
    assert case.entries.filter(shared=True).count() == 2
