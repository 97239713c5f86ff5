"""Membership requests' texts are plain (docs/decisions.md, "One text layer"): the requester's
message and staff's reason are read on a page and sent by e-mail as typed."""

import pytest
from django.test import Client
from django.urls import reverse

from passerelles.users.models import MembershipRequest
from tests.actors.factories import OrganisationFactory
from tests.users.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_message_and_reason_are_plain_text():
    org = OrganisationFactory()
    person = UserFactory()
    client = Client()
    client.force_login(person)
    client.post(
        reverse("membership:request", args=[org.slug]),
        {"message": "Trésorière\r\n<b>depuis</b> 2021 &amp; secrétaire"},
    )
    request = MembershipRequest.objects.get()
    assert request.message == "Trésorière\ndepuis 2021 & secrétaire"
    request.reject(StaffFactory(), "<p>Nom introuvable</p><p>Écrivez-nous.</p>")
    request.refresh_from_db()
    assert request.reason == "Nom introuvable\n\nÉcrivez-nous."


def test_pasted_code_is_refused_with_a_message():
    org = OrganisationFactory()
    client = Client()
    client.force_login(UserFactory())
    response = client.post(
        reverse("membership:request", args=[org.slug]),
        {"message": "<script>alert(1)</script>"},
    )
    assert "Ce texte contient du code" in response.content.decode()
    assert not MembershipRequest.objects.exists()
