"""The staff indicator "Accompagnements par type et par département", on a hand-counted
network: three cases in Loir-et-Cher (two trainings this year, one evaluation last year), one
funding file in the Loiret, one partner search abroad."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from passerelles.accompaniment.enums import CaseKind
from passerelles.observatory.registry import REGISTRY
from passerelles.observatory.scope import Filters, Scope
from tests.accompaniment import factories
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.users.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db

KEY = "accompaniment_by_kind_department"


@pytest.fixture
def network():
    year = timezone.localdate().year
    factories.case(kind=CaseKind.TRAINING)
    factories.case(kind=CaseKind.TRAINING)
    factories.case(kind=CaseKind.EVALUATION, opened_on=datetime.date(year - 1, 6, 1))
    factories.case(OrganisationFactory(commune_id="45234"), kind=CaseKind.FUNDING_FILE)
    factories.case(AbroadOrganisationFactory(), kind=CaseKind.PARTNER_SEARCH)
    return year


def _table(**filters):
    return REGISTRY[KEY].compute(Scope(Filters(**filters)))


def _cells(table):
    return {row.code: row.values for row in table.rows}


def test_counts_by_department_and_kind_for_a_year(network):
    cells = _cells(_table(year=network))
    assert cells["41"]["training"] == 2 and cells["41"]["evaluation"] == 0
    assert cells["41"]["total"] == 2
    assert cells["45"]["funding_file"] == 1 and cells["45"]["total"] == 1
    assert cells["zz-there"]["partner_search"] == 1
    assert sum(values["total"] for values in cells.values()) == 4


def test_every_year_and_one_department(network):
    assert _cells(_table())["41"]["total"] == 3
    assert list(_cells(_table(department="45"))) == ["45"]


def test_staff_only(client, network):
    assert REGISTRY[KEY].staff_only
    member = MembershipFactory().user
    client.force_login(member)
    assert (
        "Accompagnements par type et par département"
        not in client.get(reverse("observatory:index")).content.decode()
    )
    client.force_login(StaffFactory())
    assert (
        "Accompagnements par type et par département"
        in client.get(reverse("observatory:index")).content.decode()
    )
