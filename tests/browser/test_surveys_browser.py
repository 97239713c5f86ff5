"""A member answers the yearly survey through the personal link on a phone and on a desktop:
no sign-in, the form pre-filled, no horizontal scrolling at 390 px, no serious axe violation,
and the answer saved and shown again on the same link. Staff's follow-up page passes axe too."""

import datetime

import pytest
from playwright.sync_api import expect

from passerelles.actors.models import Organisation
from passerelles.projects.enums import ParticipationRole
from passerelles.surveys.models import Answer
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.browser.axe import violations
from tests.browser.session import sign_in
from tests.projects.factories import ParticipationFactory, PlaceThereFactory, ProjectFactory
from tests.surveys import factories
from tests.users.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def sized_page(request, page):
    page.set_viewport_size({"width": request.param, "height": 900})
    page.width = request.param
    return page


def test_a_member_answers_through_the_personal_link(sized_page, referentials):
    page = sized_page
    org = OrganisationFactory(name="Les Amis de Kaya", email="kaya@example.org")
    project = ProjectFactory(title="Puits à Kaya", start_date=datetime.date(2025, 3, 1))
    ParticipationFactory(project=project, organisation=org, role=ParticipationRole.LEAD)
    ParticipationFactory(
        project=project,
        organisation=AbroadOrganisationFactory(name="Association Zoodo"),
        role=ParticipationRole.PARTNER_THERE,
    )
    PlaceThereFactory(project=project, country_id="BF", locality="Kaya")
    invitation = factories.invite(factories.campaign(2025), org)

    page.goto(f"{page.base_url}/enquete/{invitation.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquête annuelle 2025")
    expect(page.get_by_label("Puits à Kaya")).to_be_checked()
    expect(page.get_by_label("Burkina Faso")).to_be_checked()
    expect(page.get_by_label("Association Zoodo")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width
    assert violations(page) == []

    # A mistake first: the message is next to the field, in words.
    page.get_by_label("Nombre de salarié·es").fill("-2")
    page.get_by_role("button", name="Enregistrer ma réponse").click()
    expect(page.get_by_text("Indiquez un nombre positif ou zéro")).to_be_visible()
    assert violations(page) == []

    page.get_by_label("Nombre de salarié·es").fill("3")
    page.get_by_label("Nombre de bénévoles actifs").fill("25")
    page.get_by_label("Budget consacré à la solidarité internationale (en euros)").fill("12 000")
    page.get_by_role("button", name="Enregistrer ma réponse").click()
    expect(page.get_by_text("Merci ! Votre réponse est enregistrée.")).to_be_visible()
    expect(page.get_by_text("Vous avez déjà répondu")).to_be_visible()
    expect(page.get_by_label("Nombre de bénévoles actifs")).to_have_value("25")
    assert violations(page) == []

    answer = Answer.objects.get(invitation=invitation)
    assert (answer.staff, answer.volunteers, answer.si_budget) == (3, 25, 12000)
    assert Organisation.objects.get(pk=org.pk).size == "small"


def test_staff_follow_up_page_passes_axe(sized_page, referentials):
    page = sized_page
    campaign = factories.campaign(2025)
    for n in range(3):
        invitation = factories.invite(
            campaign, OrganisationFactory(name=f"Asso {n}", email=f"a{n}@example.org")
        )
        if n == 0:
            factories.answer(invitation, staff=1)
    sign_in(page, StaffFactory())
    page.goto(f"{page.base_url}/enquetes/2025/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquête annuelle 2025")
    expect(page.get_by_role("button", name="Relancer les non-répondants")).to_be_visible()
    assert violations(page) == []
