"""The honeypot of the forms visitors send without an account: present on each page, out of
sight, out of the keyboard order and hidden from screen readers; a submission that fills it is
refused with a message and saves nothing."""

import re

import pytest
from django.urls import reverse

from passerelles.actors.models import Proposal
from passerelles.events.models import Registration
from passerelles.users.models import User
from tests.actors.contribution_helpers import org_form_data
from tests.actors.factories import OrganisationFactory
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db

TRAP = "http://spam.example/"


def pages():
    org = OrganisationFactory()
    event = EventFactory(capacity=10)
    return {
        "propose": (reverse("actors:propose"), org_form_data(contact_email="v@example.org")),
        "correct": (
            reverse("actors:correct", args=[org.slug]),
            {**org_form_data(name=org.name), "contact_email": "v@example.org"},
        ),
        "register": (event.get_absolute_url(), {"name": "Awa Diallo", "email": "awa@ex.org"}),
        "signup": (
            reverse("users:signup"),
            {
                "full_name": "Awa Diallo",
                "email": "awa@ex.org",
                "password1": "un-secret-solide-7",
                "password2": "un-secret-solide-7",
            },
        ),
    }


def saved():
    return (
        Proposal.objects.count(),
        Registration.objects.count(),
        User.objects.filter(email="awa@ex.org").count(),
    )


@pytest.mark.parametrize("page", ["propose", "correct", "register", "signup"])
def test_the_trap_is_on_the_page_but_out_of_reach(client, page):
    url, _data = pages()[page]
    html = client.get(url).content.decode()
    trap = re.search(r'<div class="trap" aria-hidden="true">.*?</div>', html, re.S)
    assert trap, "the honeypot is rendered"
    assert 'name="homepage"' in trap.group(0) and 'tabindex="-1"' in trap.group(0)
    assert 'autocomplete="off"' in trap.group(0)


@pytest.mark.parametrize("page", ["propose", "correct", "register", "signup"])
def test_a_filled_trap_is_refused_and_nothing_is_saved(client, page):
    url, data = pages()[page]
    before = saved()
    response = client.post(url, {**data, "homepage": TRAP})
    assert response.status_code in (200, 400)
    assert "un champ invisible, qui sert à repérer les robots" in response.content.decode()
    assert saved() == before


@pytest.mark.parametrize("page", ["propose", "correct", "register", "signup"])
def test_people_leave_it_empty_and_get_through(client, page):
    url, data = pages()[page]
    before = saved()
    response = client.post(url, {**data, "homepage": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert saved() != before
