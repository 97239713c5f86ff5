"""A merge moves a sheet's links to the kept organisation; the demo writes a dozen published
sheets and two proposals through the door."""

import pytest

from passerelles.actors import actions as org_actions
from passerelles.core.history import Origin
from passerelles.practices import demo
from passerelles.practices.enums import SheetStatus
from passerelles.practices.models import Practice
from tests.actors.factories import OrganisationFactory
from tests.practices.factories import make_sheet
from tests.users.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_merge_moves_the_sheets_links():
    kept, duplicate = OrganisationFactory(), OrganisationFactory()
    both = make_sheet(organisations=[kept, duplicate])
    only = make_sheet(organisations=[duplicate])
    org_actions.merge_organisations(duplicate, kept, origin=Origin(user=StaffFactory()))
    assert list(both.organisations.all()) == [kept]
    assert list(only.organisations.all()) == [kept]


def test_demo_sheets():
    StaffFactory(email="equipe@passerelles.example")
    UserFactory(email="membre@passerelles.example")
    report = demo.build_demo()
    assert report == {"fiches": len(demo.SHEETS) + len(demo.PROPOSALS)}
    assert Practice.objects.published().count() == len(demo.SHEETS) >= 12
    assert Practice.objects.filter(status=SheetStatus.REFUSED).exclude(refusal_reason="").exists()
    assert Practice.objects.filter(status=SheetStatus.PENDING).count() == 1
    # Run again: nothing added.
    assert demo.build_demo() == {"fiches": Practice.objects.count()}
