"""Each indicator on the hand-built network of conftest.py; every expected number is counted
by hand in the comments, never read back from the observatory's code."""

from decimal import Decimal

import pytest

from passerelles.cooperation import services
from tests.cooperation.factories import world
from tests.observatory.helpers import table, values

pytestmark = pytest.mark.django_db


def test_actors_by_family_counts_published_organisations_on_each_side(network):
    # a1 (here) and b2 (there) are SI associations; a4 is pending and left out.
    t = table("actors_by_family")
    rows = {row.code: row.values for row in t.rows}
    assert rows == {
        "si_association": {"total": 2, "here": 1, "there": 1},
        "ess_enterprise": {"total": 1, "here": 1, "there": 0},
        "local_authority": {"total": 1, "here": 1, "there": 0},
        "peasant_org": {"total": 1, "here": 0, "there": 1},
    }
    assert t.rows[0].code == "si_association"  # the largest first


def test_actors_by_side(network):
    assert values("actors_by_side") == {"here": 3, "there": 2}


def test_actors_by_department_lists_every_department_of_the_region(network):
    # Centre-Val de Loire: 18, 28, 36, 37, 41, 45; a4 (41) is pending.
    assert values("actors_by_department") == {
        "18": 0,
        "28": 0,
        "36": 0,
        "37": 1,
        "41": 1,
        "45": 1,
    }


def test_actors_ess_si(network):
    # ESS only: a2, b1; SI only: a1, a3, b2.
    assert values("actors_ess_si") == {"both": 0, "ess_only": 2, "si_only": 3, "neither": 0}


def test_partner_countries(network):
    # Projects: p1 in BF, p2 in ML (p3 is a draft). Seated: b1 in BF, b2 in ML.
    # Acting from here: a3 declares ML.
    t = table("partner_countries")
    rows = {row.code: row.values for row in t.rows}
    assert rows == {
        "BF": {"projects": 1, "seated": 1, "acting": 0},
        "ML": {"projects": 1, "seated": 1, "acting": 1},
    }
    assert {row.label for row in t.rows} == {"Burkina Faso", "Mali"}


def test_links_here_there_counts_distinct_pairs(network):
    # p1: (a1, b1) and (a2, b1) in BF; p2: (a3, b2) in ML; p4 has no one here; p3 is a draft.
    t = table("links_here_there")
    assert {row.code: row.values for row in t.rows} == {
        "BF": {"pairs": 2, "projects": 1},
        "ML": {"pairs": 1, "projects": 1},
    }


def test_projects_by_country(network):
    assert values("projects_by_country") == {"BF": 1, "ML": 1}


def test_projects_by_theme_counts_a_project_in_each_of_its_themes(network):
    t1, t2 = network.themes
    assert values("projects_by_theme") == {t1.slug: 2, t2.slug: 1}


def test_projects_by_sdg_counts_goals_once_per_project(network):
    # p1: 4.7 and 4.1 (goal 4 once); p2: 2.3 and 4.7.
    assert values("projects_by_sdg") == {"4": 2, "2": 1}


def test_projects_by_dac_joins_sectors_and_categories(network):
    # p1: sector 11110 (category 111); p2: category 111 itself and sector 31120 (311).
    assert values("projects_by_dac") == {"111": 2, "311": 1}


def test_projects_by_status(network):
    # p1 and p4 running, p2 completed; p3 is a draft.
    assert values("projects_by_status") == {
        "idea": 0,
        "co_construction": 0,
        "running": 2,
        "completed": 1,
        "cancelled": 0,
    }


def test_projects_by_size_in_euros(network):
    # p1: 20,000 + 5,000 €; p2: 60,000 € (the 3,000 USD left out); p4: nothing.
    assert values("projects_by_size") == {
        "none": 1,
        "under_10k": 0,
        "10k_50k": 1,
        "50k_200k": 1,
        "over_200k": 0,
    }


def test_funding_by_funder_type(network):
    # Outside the directory: Ministère 20,000 (p1), AFD 60,000 and USAID 3,000 USD (p2):
    # 3 lines, 80,000 € (USD not summed), 2 projects. a3 is a local authority: 5,000 €.
    t = table("funding_by_funder_type")
    assert {row.code: row.values for row in t.rows} == {
        "outside": {"amount": Decimal("80000.00"), "lines": 3, "projects": 2},
        "local_authority": {"amount": Decimal("5000.00"), "lines": 1, "projects": 1},
    }


def test_funding_by_funder_type_in_a_year(network):
    # 2025: a3's 5,000 € for p1 (running in 2025), AFD 60,000 € and USAID for p2.
    t = table("funding_by_funder_type", year=2025)
    assert {row.code: row.values for row in t.rows} == {
        "outside": {"amount": Decimal("60000.00"), "lines": 2, "projects": 1},
        "local_authority": {"amount": Decimal("5000.00"), "lines": 1, "projects": 1},
    }


def test_funding_by_country(network):
    t = table("funding_by_country")
    assert {row.code: row.values for row in t.rows} == {
        "ML": {"amount": Decimal("60000.00"), "lines": 2, "projects": 1},
        "BF": {"amount": Decimal("25000.00"), "lines": 2, "projects": 1},
    }


def test_crossing_partnerships_by_year_and_cumulated(network):
    # p1 starts in 2024 (a2 ESS + a1 SI), p4 in 2026 (b1 ESS + b2 SI); p2 is SI only.
    t = table("crossing_partnerships")
    assert [(row.code, row.values["new"], row.values["cumulative"]) for row in t.rows] == [
        ("2024", 1, 1),
        ("2025", 0, 1),
        ("2026", 1, 2),
    ]
    # With a year, the series stops there.
    assert [row.code for row in table("crossing_partnerships", year=2025).rows] == [
        "2024",
        "2025",
    ]


def test_a_project_of_one_world_only_does_not_cross(network):
    from tests.projects.factories import change_project

    # p4 without b2: only b1 (ESS) is left, nothing crosses in 2026.
    change_project(
        network.projects["p4"],
        participations=[{"organisation": network.orgs["b1"], "role": "lead"}],
    )
    assert [row.code for row in table("crossing_partnerships").rows] == ["2024"]


def test_event_participation_counts_confirmed_registrations_of_published_events(network):
    # The regional day: 3 confirmed, from 2 organisations (a1 twice, a2), 1 came.
    t = table("event_participation")
    assert {row.code: row.values for row in t.rows} == {
        "regional_day": {"events": 1, "registrations": 3, "organisations": 2, "came": 1},
    }


def test_reciprocity_flows_of_spaces_with_public_indicators():
    w = world()
    give = services.add_contribution
    # here → there: money 6,000 and 2,000; training 3,000. there → here: money 1,000,
    # knowledge twice (0 and 500). Same side (lead → member): not counted.
    give(w.space, w.lead, w.lead, w.partner, "money", Decimal("6000"), "a", w.lead_user)
    give(w.space, w.member, w.member, w.partner, "money", Decimal("2000"), "b", w.member_user)
    give(w.space, w.lead, w.lead, w.partner, "training", Decimal("3000"), "c", w.lead_user)
    give(w.space, w.partner, w.partner, w.lead, "money", Decimal("1000"), "d", w.partner_user)
    give(w.space, w.partner, w.partner, w.lead, "knowledge", Decimal("0"), "e", w.partner_user)
    give(w.space, w.partner, w.partner, w.member, "knowledge", Decimal("500"), "f", w.partner_user)
    give(w.space, w.lead, w.lead, w.member, "time", Decimal("800"), "g", w.lead_user)
    # The space keeps its figures to itself by default: nothing is shown.
    assert table("reciprocity_flows").rows == []
    w.space.public_indicators = True
    w.space.save()
    rows = {row.code: row.values for row in table("reciprocity_flows").rows}
    zero = Decimal("0.00")
    assert rows == {
        "money": {
            "out": 2,
            "back": 1,
            "out_eur": Decimal("8000.00"),
            "back_eur": Decimal("1000.00"),
        },
        "training": {"out": 1, "back": 0, "out_eur": Decimal("3000.00"), "back_eur": zero},
        "knowledge": {"out": 0, "back": 2, "out_eur": zero, "back_eur": Decimal("500.00")},
    }


def test_staff_records_by_status(network):
    # Organisations: 5 published, a4 pending. Projects: p1, p2, p4 published, p3 a draft.
    t = table("records_by_status")
    assert {row.code: row.values for row in t.rows} == {
        "draft": {"organisations": 0, "projects": 1},
        "pending": {"organisations": 1, "projects": 0},
        "published": {"organisations": 5, "projects": 3},
        "archived": {"organisations": 0, "projects": 0},
    }


def test_staff_members_by_department_and_family(network):
    from tests.users.factories import MembershipFactory

    # Accounts act for a1 (published, 41), a4 (pending, 41) and b1 (there).
    for org in ("a1", "a4", "b1"):
        MembershipFactory(organisation=network.orgs[org])
    t = table("members_by_department_family")
    assert {row.code: row.values for row in t.rows} == {
        "41/si_association": {"total": 1, "published": 1, "unpublished": 0},
        "41/diaspora": {"total": 1, "published": 0, "unpublished": 1},
        "there/peasant_org": {"total": 1, "published": 1, "unpublished": 0},
    }


def test_staff_event_participation_detail(network):
    t = table("event_participation_detail")
    rows = {row.label: row.values for row in t.rows}
    assert rows["Journée 2026"] == {
        "confirmed": 3,
        "waiting": 1,
        "cancelled": 1,
        "came": 1,
        "orgs_here": 2,
        "orgs_there": 0,
    }
    assert rows["Atelier brouillon"]["confirmed"] == 1
