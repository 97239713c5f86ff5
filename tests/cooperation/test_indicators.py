"""Indicators on hand-computed cases (formulas in docs/cooperation.md)."""

from decimal import Decimal

import pytest

from passerelles.cooperation import indicators, services
from passerelles.cooperation.enums import Answer
from tests.actors.factories import AbroadOrganisationFactory
from tests.cooperation.factories import MemberFactory, adopted, first_version, person_for, world

pytestmark = pytest.mark.django_db


def test_ratio_is_min_over_max():
    assert indicators.ratio(Decimal("6000"), Decimal("1500")) == 0.25
    assert indicators.ratio(3, 3) == 1.0
    assert indicators.ratio(5, 0) == 0.0
    assert indicators.ratio(0, 0) is None


def test_an_empty_space_has_nothing_to_measure():
    w = world()
    result = indicators.compute(w.space)
    assert result.money_reciprocity is None
    assert result.non_money_reciprocity is None
    assert result.decisions_with_there_share is None
    assert result.actions_led_from_there_share is None


def test_reciprocity_money_and_non_money_apart():
    w = world()
    give = services.add_contribution
    # Money: here → there 6,000 + 2,000 = 8,000 ; there → here 2,000. Index 2,000/8,000 = 0.25.
    give(w.space, w.lead, w.lead, w.partner, "money", Decimal("6000"), "a", w.lead_user)
    give(w.space, w.member, w.member, w.partner, "money", Decimal("2000"), "b", w.member_user)
    give(w.space, w.partner, w.partner, w.lead, "money", Decimal("2000"), "c", w.partner_user)
    # Non-money: 1 flow here → there, 3 flows there → here: index 1/3, whatever their euros.
    give(w.space, w.lead, w.lead, w.partner, "training", Decimal("3000"), "d", w.lead_user)
    for kind in ("knowledge", "hosting", "expertise"):
        give(w.space, w.partner, w.partner, w.member, kind, Decimal("100"), kind, w.partner_user)
    # Same side: not a flow between here and there, left out.
    give(w.space, w.lead, w.lead, w.member, "money", Decimal("99999"), "e", w.lead_user)
    result = indicators.compute(w.space)
    assert (result.money_here_to_there, result.money_there_to_here) == (8000, 2000)
    assert result.money_reciprocity == 0.25
    assert (result.non_money_here_to_there, result.non_money_there_to_here) == (1, 3)
    assert result.non_money_reciprocity == pytest.approx(1 / 3)
    assert (result.non_money_value_here_to_there, result.non_money_value_there_to_here) == (
        3000,
        300,
    )


def test_share_of_decisions_with_members_from_there():
    w = world()
    # Round 1 (passed): the partner there answered → counts.
    adopted(w)
    # Round 2 (failed): only members here answered → does not count.
    v2 = services.new_version(w.space, "Texte 2", ["Objectif"], w.lead_user, member=w.lead)
    r2 = services.open_round(v2, w.lead_user)
    services.answer(r2, w.lead, Answer.CONSENT, "", w.lead_user)
    services.close_round(r2, w.lead_user)
    # Round 3 (cancelled): decided nothing → left out even though there answered.
    v3 = services.new_version(w.space, "Texte 3", ["Objectif"], w.lead_user, member=w.lead)
    r3 = services.open_round(v3, w.lead_user)
    services.answer(r3, w.partner, Answer.CONSENT, "", w.partner_user)
    services.cancel_round(r3, w.lead_user)
    result = indicators.compute(w.space)
    assert (result.decisions_with_there, result.decisions) == (1, 2)
    assert result.decisions_with_there_share == 0.5


def test_share_of_actions_led_from_there():
    w = world()
    adopted(w)
    other_there = MemberFactory(college=w.there, organisation=AbroadOrganisationFactory())
    person_for(other_there)
    services.add_action(w.space, w.lead, w.lead, 0, "Ici 1", w.lead_user)
    services.add_action(w.space, w.lead, w.member, 0, "Ici 2", w.lead_user)
    services.add_action(w.space, w.partner, w.partner, 1, "Là-bas 1", w.partner_user)
    services.add_action(w.space, w.partner, other_there, 2, "Là-bas 2", w.partner_user)
    services.add_action(w.space, w.partner, w.partner, 2, "Là-bas 3", w.partner_user)
    result = indicators.compute(w.space)
    assert (result.actions_led_from_there, result.actions) == (3, 5)
    assert result.actions_led_from_there_share == 0.6
    assert first_version  # the helpers above build the purpose first
