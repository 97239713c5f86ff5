"""The observatory's "Petites subventions accordées", counted by hand."""

from decimal import Decimal

import pytest

from passerelles.grants import actions
from tests.actors.factories import OrganisationFactory
from tests.grants.factories import application, round_
from tests.observatory.helpers import table

pytestmark = pytest.mark.django_db


def test_small_grants_by_department_and_partner_country():
    decided, pending = round_(), round_()
    blois = OrganisationFactory()  # Loir-et-Cher (41)
    mali = OrganisationFactory(country_id="ML", commune_id=None, name="Partenaire Mali")
    senegal = OrganisationFactory(country_id="SN", commune_id=None, name="Partenaire Sénégal")
    a = application(decided, organisation=blois, partner=mali, grant=3000)
    b = application(decided, organisation=blois, partner=senegal, grant=2000)
    c = application(decided, partner=mali)  # not retained
    d = application(pending, partner=mali)  # decided, results not published
    actions.decide(a, amount=Decimal(3000))
    actions.decide(b, amount=Decimal(1500))
    actions.decide(c, amount=0)
    actions.decide(d, amount=Decimal(1000))
    actions.publish_results(decided)
    rows = {row.code: row.values for row in table("small_grants").rows}
    # By hand: a (3000) and b (1500) in 41; a in ML, b in SN; c declined, d not published.
    assert rows == {
        "41": {"amount": Decimal("4500.00"), "grants": 2},
        "ML": {"amount": Decimal("3000.00"), "grants": 1},
        "SN": {"amount": Decimal("1500.00"), "grants": 1},
    }
    only_mali = {row.code: row.values["grants"] for row in table("small_grants", country="ML").rows}
    assert only_mali == {"41": 1, "ML": 1}
