"""What an organisation is says what it brings (vocabulary `kinds` and `families`): a
solidarity-savings club brings microcredit, a water board technical support on drinking
water, a foundation funding — at a fraction of a declared offer, and said as such."""

import pytest

from passerelles.bridges.suggest import suggestions_for_need
from tests.actors.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_savings_club_is_found_for_microcredit_below_a_declared_offer():
    club = OrganisationFactory(
        name="Club d'épargne solidaire de Vierzon", offers="", needs="", description=""
    )
    declared = OrganisationFactory(
        name="Coopérative Le Colibri",
        offers="Expertise en microcrédit et épargne solidaire",
        needs="",
        description="",
    )
    OrganisationFactory(name="Atelier vélo", offers="Réparation de vélos", needs="")
    top = suggestions_for_need("Des femmes cherchent du microcrédit")
    assert [s.organisation for s in top] == [declared, club]
    assert top[0].headline == (
        "Propose une expertise en microcrédit et en épargne solidaire, que vous cherchez"
    )
    assert top[1].headline == (
        "Par ce qu'elle est, peut sans doute apporter une expertise en microcrédit et en "
        "épargne solidaire, que vous cherchez"
    )


def test_a_water_board_and_a_foundation_by_what_they_are():
    board = OrganisationFactory(name="Régie des eaux de Blois", offers="", needs="")
    foundation = OrganisationFactory(
        name="Les Amis de Ziguinchor", family="foundation", offers="", needs=""
    )
    water = suggestions_for_need("Un appui pour un réseau d'eau potable au village")
    assert board in [s.organisation for s in water]
    assert foundation not in [s.organisation for s in water]
    money = suggestions_for_need("Nous cherchons un financement")
    assert foundation in [s.organisation for s in money]
    assert board not in [s.organisation for s in money]
