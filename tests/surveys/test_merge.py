"""A merge moves the duplicate's survey invitations to the kept record; where both were
invited to one campaign, the answered invitation wins."""

import pytest

from passerelles.actors import moderation
from passerelles.core.history import Origin
from passerelles.surveys.models import Answer, Invitation
from tests.actors.factories import OrganisationFactory
from tests.surveys import factories
from tests.users.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_the_answered_invitation_survives_a_merge():
    kept = OrganisationFactory(name="Maison des Solidarités")
    duplicate = OrganisationFactory(name="Maison des solidarites")
    this_year, last_year = factories.campaign(2025), factories.campaign(2024)
    factories.invite(this_year, kept)
    answered = factories.invite(this_year, duplicate)
    factories.answer(answered, staff=4)
    only_dup = factories.invite(last_year, duplicate)

    moderation.merge(duplicate, kept, origin=Origin(StaffFactory()))

    assert set(Invitation.objects.filter(organisation=kept).values_list("pk", flat=True)) == {
        answered.pk,
        only_dup.pk,
    }
    assert Answer.objects.get().invitation_id == answered.pk
    assert not Invitation.objects.filter(organisation=duplicate).exists()
