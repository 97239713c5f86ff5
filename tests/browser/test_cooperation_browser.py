"""A member abroad and a member here amend the purpose, one objects, the amended version is
adopted by consent, then an action is added: all through the pages, as people would."""

import re

import pytest
from playwright.sync_api import expect

from passerelles.cooperation import services
from passerelles.cooperation.enums import Answer, RoundStatus
from passerelles.cooperation.models import Action, ConsentRound
from tests.cooperation.factories import first_version, world
from tests.users.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(browser, base, user):
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    return page


def test_amend_object_adopt_then_act(browser, live_server, referentials):
    base = live_server.url
    w = world()
    v1 = first_version(w)
    space_url = f"{base}{w.space.get_absolute_url()}"

    # A member here amends the first version from the purpose page (on a phone).
    here = _as(browser, base, w.member_user)
    here.goto(space_url)
    here.get_by_role("link", name="Versions, amendements et commentaires").click()
    here.get_by_role("link", name="Proposer un amendement").click()
    here.get_by_label("Texte proposé").fill(
        "Ensemble, paysannes et paysans gardent leurs semences."
    )
    here.get_by_label("Pourquoi ce changement").fill("Nommer les paysannes.")
    here.get_by_role("button", name="Proposer l'amendement").click()
    expect(here.get_by_text("Amendement proposé.")).to_be_visible()

    # The lead integrates it (version 2) and opens a consent round.
    lead = _as(browser, base, w.lead_user)
    lead.goto(f"{space_url}raison-d-etre/v{v1.number}/")
    lead.get_by_role("button", name="Intégrer (nouvelle version)").click()
    expect(lead.get_by_role("heading", level=1)).to_contain_text("version 2")
    lead.get_by_role("button", name="Ouvrir un tour de consentement sur cette version").click()
    expect(lead.get_by_role("heading", name=re.compile("Tour de consentement"))).to_be_visible()

    # The partner abroad objects, with a reason, then amends the amended text.
    there = _as(browser, base, w.partner_user)
    there.goto(space_url)
    there.get_by_role("link", name=re.compile("Répondre au tour de consentement")).click()
    there.get_by_label("objection", exact=True).check()
    there.get_by_role("button", name="Envoyer ma réponse").click()
    expect(there.get_by_text("Une objection doit être motivée")).to_be_visible()
    there.get_by_label("objection", exact=True).check()
    there.get_by_label("Raison").fill("Les savoirs partagés manquent.")
    there.get_by_role("button", name="Envoyer ma réponse").click()
    expect(there.get_by_text("Votre réponse est enregistrée.")).to_be_visible()
    expect(there.get_by_text("1 objection en cours")).to_be_visible()
    there.get_by_role("link", name="Proposer un amendement").click()
    there.get_by_label("Texte proposé").fill(
        "Ensemble, paysannes et paysans gardent leurs semences et partagent leurs savoirs."
    )
    there.get_by_role("button", name="Proposer l'amendement").click()
    expect(there.get_by_text("Amendement proposé.")).to_be_visible()

    # The lead integrates it: version 3; the round on version 2 is cancelled; a new round.
    lead.goto(f"{space_url}raison-d-etre/v2/")
    lead.get_by_role("button", name="Intégrer (nouvelle version)").click()
    expect(lead.get_by_role("heading", level=1)).to_contain_text("version 3")
    lead.get_by_role("button", name="Ouvrir un tour de consentement sur cette version").click()
    rnd = ConsentRound.objects.get(status=RoundStatus.OPEN)
    assert rnd.version.number == 3
    services.answer(rnd, w.lead, Answer.CONSENT, "", w.lead_user)

    # Both members consent from their phones.
    for page in (there, here):
        page.goto(f"{base}/espaces/{w.space.project.slug}/tours/{rnd.pk}/")
        page.get_by_label("consentement", exact=True).check()
        page.get_by_role("button", name="Envoyer ma réponse").click()
        expect(page.get_by_text("Votre réponse est enregistrée.")).to_be_visible()

    # The lead closes the round: adopted.
    lead.reload()
    lead.get_by_role("button", name="Clore le tour").click()
    expect(
        lead.get_by_text("Quorum atteint dans chaque collège, aucune objection.")
    ).to_be_visible()
    lead.goto(space_url)
    expect(lead.get_by_text("adoptée : version 3")).to_be_visible()

    # Then the partner abroad adds an action tied to an objective.
    there.goto(space_url)
    there.get_by_role("link", name="Ajouter une action").click()
    there.get_by_label("Objectif de la raison d'être").select_option(index=1)
    there.get_by_label("Intitulé").fill("Ateliers de sélection à Ouahigouya")
    there.get_by_role("button", name="Ajouter l'action").click()
    expect(there.get_by_text("Action ajoutée.")).to_be_visible()
    expect(there.get_by_text("Ateliers de sélection à Ouahigouya", exact=True)).to_be_visible()
    action = Action.objects.get()
    assert action.version.number == 3 and action.objective_index == 1
    for page in (here, lead, there):
        page.context.close()
