"""The first minutes of a signed-in person and of a visitor (issue 14, problem 2): a member
signs in and lands on "Mon espace" with their organisation, registration and what waits for
them; a visitor learns what a co-construction space is; a member asks to join a space and a
lead accepts. At phone and desktop widths, in French and in English, with axe-core."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from passerelles.cooperation import services
from passerelles.cooperation.enums import JoinRequestStatus, MemberStatus
from passerelles.cooperation.models import JoinRequest
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.bridges.factories import FundingCallFactory
from tests.browser.axe import violations
from tests.cooperation.factories import first_version, world
from tests.events.factories import EventFactory, RegistrationFactory
from tests.users.factories import (
    PASSWORD,
    MembershipFactory,
    PartnerAbroadFactory,
    StaffFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user, next_path=""):
    """Through the sign-in form, by field names: the same in both languages."""
    query = f"?next={next_path}" if next_path else ""
    page.goto(f"{page.base_url}/compte/connexion/{query}")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def other_page(browser, page):
    """A second person, in the same language and at the same width."""
    context = browser.new_context(
        locale="en-GB" if page.english else "fr-FR", viewport=page.viewport_size
    )
    second = context.new_page()
    second.set_default_timeout(10_000)
    second.base_url = page.base_url
    return second


def test_a_member_lands_on_my_space_and_sees_what_waits(any_page):
    page = any_page
    w = world()
    event = EventFactory(title="Journée régionale de Blois")
    RegistrationFactory(event=event, user=w.member_user, name="Membre")
    rnd = services.open_round(first_version(w), w.lead_user, member=w.lead)

    sign_in(page, w.member_user)
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Mon espace|My space"))
    # The header says where the person is, on a phone too.
    expect(page.locator('.user-nav a[aria-current="page"]')).to_have_attribute(
        "href", "/mon-espace/"
    )
    main = page.locator("main")
    expect(main.get_by_role("link", name="Lycée agricole", exact=True)).to_be_visible()
    expect(main.get_by_role("link", name="Journée régionale de Blois")).to_be_visible()
    # What waits: the open consent round, one tap away.
    round_path = f"/espaces/{w.space.project.slug}/tours/{rnd.pk}/"
    todo = page.locator("#todo-title + ul")
    expect(todo.locator(f'a[href="{round_path}"]')).to_be_visible()
    assert violations(page) == []
    todo.locator(f'a[href="{round_path}"]').click()
    expect(page).to_have_url(re.compile(re.escape(round_path) + "$"))


def test_a_visitor_learns_what_a_space_is_from_the_home_page(any_page):
    page = any_page
    w = world()
    page.goto(page.base_url + "/")
    page.locator('main a[href="/espaces/-/decouvrir/"]').first.click()
    expect(page).to_have_url(re.compile(r"/espaces/-/decouvrir/$"))
    expect(page.locator("#how-title")).to_be_visible()
    expect(page.locator(".explainer > li")).to_have_count(4)
    expect(page.get_by_role("link", name=w.space.project.title)).to_be_visible()
    # A call to action, not a bare sign-in form.
    expect(page.locator('main a[href^="/compte/connexion/?next="]')).to_be_visible()
    expect(page.locator('main a[href="/compte/inscription/"]')).to_be_visible()
    assert violations(page) == []


def test_a_member_asks_to_join_and_a_lead_accepts(any_page, browser):
    page = any_page
    w = world()
    asker = PartnerAbroadFactory()
    org = AbroadOrganisationFactory(name="Coopérative de Kaya")
    MembershipFactory(user=asker, organisation=org)

    sign_in(page, asker, "/espaces/-/decouvrir/")
    expect(page).to_have_url(re.compile(r"/espaces/-/decouvrir/$"))
    form = page.locator("form.join-form")
    form.locator("summary").click()
    form.locator("textarea").fill("Nous produisons des semences de mil.")
    form.locator("button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("form.join-form")).to_have_count(0)
    assert violations(page) == []
    assert JoinRequest.objects.get().status == JoinRequestStatus.PENDING

    lead = other_page(browser, page)
    try:
        sign_in(lead, w.lead_user)
        expect(lead).to_have_url(re.compile(r"/mon-espace/$"))
        lead.locator('#todo-title + ul a[href$="#join-requests"]').click()
        section = lead.locator("#join-requests")
        expect(section).to_contain_text("Coopérative de Kaya")
        expect(section).to_contain_text("Nous produisons des semences de mil.")
        section.locator("select[name$='-college']").select_option(label="Partenaires là-bas")
        section.locator("form.join-decision button[type=submit]").click()
        expect(lead.locator(".message-success")).to_be_visible()
        expect(lead.locator("#composition")).to_contain_text("Coopérative de Kaya")
        assert violations(lead) == []
    finally:
        lead.context.close()
    member = w.space.members.get(organisation=org)
    assert member.status == MemberStatus.ACTIVE and member.college == w.there


def test_staff_land_on_their_queues_and_deadlines(any_page):
    page = any_page
    staff = StaffFactory()
    OrganisationFactory(name="Association à relire", status="pending")
    FundingCallFactory(
        title="Appel qui ferme bientôt",
        closes_on=timezone.localdate() + datetime.timedelta(days=4),
    )
    sign_in(page, staff)
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    expect(page.locator('#todo-title + ul a[href="/annuaire/moderation/"]')).to_be_visible()
    expect(page.locator("#deadlines-title")).to_be_visible()
    expect(page.get_by_role("link", name="Appel qui ferme bientôt")).to_be_visible()
    assert violations(page) == []
