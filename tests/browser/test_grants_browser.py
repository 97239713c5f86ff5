"""An applicant submits an application with a partner abroad; two jurors score it, the one
with a declared conflict cannot; staff decide and publish; the winner is public."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from passerelles.grants.models import Application
from tests.actors.factories import OrganisationFactory
from tests.browser.session import sign_in
from tests.grants.factories import round_
from tests.users.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_application_jury_and_decision(page, referentials):
    base = page.base_url
    fair, conflicted = UserFactory(full_name="Juré Un"), UserFactory(full_name="Juré Deux")
    grant_round = round_(jurors=[fair, conflicted])
    applicant = UserFactory()
    org = OrganisationFactory(name="Jeunes de Blois")
    MembershipFactory(user=applicant, organisation=org)
    OrganisationFactory(country_id="ML", commune_id=None, name="Association de Kayes")

    # The applicant saves a draft with a partner abroad and budget lines, then submits.
    sign_in(page, applicant)
    page.goto(f"{base}{grant_round.get_absolute_url()}")
    page.get_by_role("link", name="Déposer une candidature").click()
    page.get_by_label("Titre du projet").fill("Radio des jeunes")
    page.get_by_label("Résumé").fill("Une radio animée par des jeunes, ici et là-bas.")
    page.get_by_label("Partenaire là-bas").select_option(label="Association de Kayes")
    page.get_by_label("Rôle du partenaire").fill("Formation des animateurs")
    page.locator("#id_lines-0-label").fill("Matériel")
    page.locator("#id_lines-0-amount").fill("3000")
    page.locator("#id_lines-0-funder").select_option("grant")
    page.locator("#id_lines-1-label").fill("Fonds propres")
    page.locator("#id_lines-1-amount").fill("1000")
    page.locator("#id_lines-1-funder").select_option("own")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()
    page.get_by_role("button", name="Déposer la candidature").click()
    expect(page.get_by_text("Candidature déposée")).to_be_visible()
    application = Application.objects.get(title="Radio des jeunes")

    # The juror with a conflict declares it and can no longer score.
    page.context.clear_cookies()
    sign_in(page, conflicted)
    page.goto(f"{base}{application.get_absolute_url()}")
    page.get_by_label("Motif").fill("Je préside l'association partenaire")
    page.get_by_role("button", name="Déclarer un conflit d'intérêts").click()
    expect(page.get_by_text("vous ne pouvez pas noter cette candidature")).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer mes notes")).to_have_count(0)

    # The other juror scores.
    page.context.clear_cookies()
    sign_in(page, fair)
    page.goto(f"{base}{application.get_absolute_url()}")
    page.get_by_label("Qualité du partenariat (poids 2)").select_option("5")
    page.get_by_label("Impact (poids 1)").select_option("2")
    page.get_by_role("button", name="Enregistrer mes notes").click()
    expect(page.get_by_text("Notes enregistrées.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Note pondérée : 4[,.]00 / 5"))).to_be_visible()

    # Staff decide, then publish the results.
    page.context.clear_cookies()
    sign_in(page, StaffFactory())
    page.goto(f"{base}{application.get_absolute_url()}")
    page.get_by_label("Montant accordé (€)").fill("2500")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision enregistrée.")).to_be_visible()
    page.goto(f"{base}{grant_round.get_absolute_url()}")
    page.get_by_role("button", name="Publier les résultats et envoyer les lettres").click()
    expect(page.get_by_text("les lettres partent aux candidats")).to_be_visible()
    application.refresh_from_db()
    assert application.amount_granted == Decimal(2500)

    # A visitor sees the winner.
    page.context.clear_cookies()
    page.goto(f"{base}{grant_round.get_absolute_url()}")
    expect(page.get_by_text("Jeunes de Blois — Radio des jeunes")).to_be_visible()
