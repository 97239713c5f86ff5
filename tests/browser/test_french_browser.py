"""Problem 9 of issue 14, as a person reads it: counts agree with their number and dates follow
the reader's language, at phone and desktop widths, in French and in English."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from passerelles.actors.enums import Status
from passerelles.actors.models import Proposal
from tests.actors.factories import OrganisationFactory
from tests.browser.session import sign_in
from tests.users.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_moderation_queue_counts_in_the_singular_and_dates_by_language(any_page):
    page = any_page
    org = OrganisationFactory(name="Amis du Togo")
    Proposal.objects.create(kind="update", organisation=org, payload={"phone": "02 38 00 00 00"})
    decided = OrganisationFactory(name="Terres Vivantes", status=Status.PENDING)
    proposal = decided.proposals.get()
    proposal.status = "rejected"
    proposal.reason = "Hors du champ du réseau"
    proposal.reviewed_at = timezone.datetime(
        2026, 12, 4, 10, tzinfo=timezone.get_current_timezone()
    )
    proposal.save()
    sign_in(page, StaffFactory())

    page.goto(page.base_url + reverse("actors:moderation"))
    counts = page.locator(".moderation-counts")
    if page.english:
        expect(counts).to_contain_text("1 correction")
        expect(counts).not_to_contain_text("1 corrections")
        expect(page.locator(".recent-decisions")).to_contain_text("4 Dec 2026")
    else:
        expect(counts).to_contain_text("1 correction")
        expect(counts).not_to_contain_text("1 corrections")
        expect(page.locator(".recent-decisions")).to_contain_text(
            re.compile(r"4 déc(\.|embre) 2026")
        )
    expect(page.locator("main")).not_to_contain_text("(s)")
    expect(page.locator("main")).not_to_contain_text("Déc")
