"""The meeting scheduler on hand-made and generated instances: the rules staff rely on (no
double booking, availability, tables, K, locked meetings, "no thanks") and the priorities
(mutual and "must" first, everyone who asked gets a meeting when possible)."""

import pytest

from passerelles.events.scheduler import (
    MUST,
    WISH,
    Instance,
    LockedMeeting,
    Request,
    check,
    gaps,
    generate_instance,
    greedy,
    solve,
)

FAST = 3.0  # seconds: small instances finish well before


def pairs_of(result):
    return {frozenset((m.a, m.b)) for m in result.meetings}


def instance(people=4, slots=1, tables=1, **kwargs):
    slot_ids = list(range(1, slots + 1))
    return Instance(
        participants=list(range(1, people + 1)),
        slots=slot_ids,
        tables=kwargs.pop("tables_by_slot", dict.fromkeys(slot_ids, tables)),
        **kwargs,
    )


@pytest.mark.parametrize(("people", "slots", "seed"), [(40, 8, 1), (80, 12, 2), (120, 8, 3)])
def test_generated_instances_give_valid_schedules_at_least_as_good_as_greedy(people, slots, seed):
    generated = generate_instance(people, slots, seed)
    result = solve(generated, time_limit=FAST)
    baseline = greedy(generated)

    assert check(generated, result.meetings) == []
    assert check(generated, baseline.meetings) == []
    assert baseline.objective == result.greedy_objective
    assert result.greedy_objective <= result.objective <= result.upper_bound
    assert len(result.unmet_fairness) <= len(baseline.unmet_fairness)
    assert result.meetings


def test_no_double_booking_and_availability_respected():
    # Everyone wants to meet everyone; person 1 can only come to slot 2.
    requests = [Request(a, b, WISH) for a in range(1, 6) for b in range(1, 6) if a < b]
    case = instance(
        people=5, slots=3, tables=2, requests=requests, availability={1: frozenset({2})}
    )
    result = solve(case, time_limit=FAST)

    assert check(case, result.meetings) == []
    busy = [(p, m.slot) for m in result.meetings for p in (m.a, m.b)]
    assert len(busy) == len(set(busy))
    assert all(m.slot == 2 for m in result.meetings if 1 in (m.a, m.b))


def test_tables_per_slot_respected():
    requests = [Request(a, b, MUST) for a in range(1, 9, 2) for b in (a + 1,)]
    case = instance(people=8, slots=2, requests=requests, tables_by_slot={1: 1, 2: 0})
    result = solve(case, time_limit=FAST)

    assert check(case, result.meetings) == []
    assert len(result.meetings) == 1
    assert result.meetings[0].slot == 1 and result.meetings[0].table == 1
    assert result.upper_bound == 10


def test_at_most_k_meetings_per_person():
    requests = [Request(1, b, MUST) for b in range(2, 8)]
    case = instance(people=7, slots=6, tables=3, requests=requests, max_meetings=2)
    result = solve(case, time_limit=FAST)

    assert check(case, result.meetings) == []
    assert sum(1 for m in result.meetings if 1 in (m.a, m.b)) == 2


def test_forbidden_pairs_never_meet():
    # 1 asks 2 twice as hard as anything else, but 2 answered "no thanks".
    requests = [Request(1, 2, MUST), Request(2, 1, MUST), Request(1, 3, WISH)]
    case = instance(
        people=3, slots=2, tables=1, requests=requests, forbidden=frozenset({frozenset((1, 2))})
    )
    result = solve(case, time_limit=FAST)

    assert frozenset((1, 2)) not in pairs_of(result)
    assert frozenset((1, 2)) not in pairs_of(greedy(case))
    assert pairs_of(result) == {frozenset((1, 3))}


def test_locked_meetings_kept_and_consume_capacity():
    # Staff locked 3 with 4 at slot 1 table 1 (they did not even ask); slot 1 has one table.
    locked = [LockedMeeting(3, 4, 1, 1)]
    requests = [Request(1, 2, MUST), Request(2, 1, MUST), Request(3, 1, WISH)]
    case = instance(people=4, slots=2, tables=1, requests=requests, locked=locked)
    result = solve(case, time_limit=FAST)

    assert check(case, result.meetings) == []
    kept = [m for m in result.meetings if {m.a, m.b} == {3, 4}]
    assert [(m.slot, m.table) for m in kept] == [(1, 1)]
    # The only other table is slot 2: the mutual "must" pair gets it.
    others = [m for m in result.meetings if {m.a, m.b} != {3, 4}]
    assert [(frozenset((m.a, m.b)), m.slot) for m in others] == [(frozenset((1, 2)), 2)]


def test_locked_meeting_on_other_table_leaves_the_first_table_free():
    locked = [LockedMeeting(3, 4, 1, 2)]
    case = instance(people=4, slots=1, tables=2, requests=[Request(1, 2, WISH)], locked=locked)
    result = solve(case, time_limit=FAST)

    assert check(case, result.meetings) == []
    assert {(frozenset((m.a, m.b)), m.table) for m in result.meetings} == {
        (frozenset((3, 4)), 2),
        (frozenset((1, 2)), 1),
    }


def test_mutual_requests_favoured_over_one_sided_ones():
    # One table: a mutual pair of wishes beats a one-sided "must".
    requests = [Request(3, 4, MUST), Request(1, 2, WISH), Request(2, 1, WISH)]
    result = solve(instance(requests=requests), time_limit=FAST)

    assert pairs_of(result) == {frozenset((1, 2))}


def test_must_favoured_over_wish():
    # First come, first served gives the table to the wish, made first; the solver to the must.
    requests = [Request(3, 4, WISH), Request(1, 2, MUST)]
    case = instance(requests=requests)
    result = solve(case, time_limit=FAST)

    assert pairs_of(greedy(case)) == {frozenset((3, 4))}
    assert pairs_of(result) == {frozenset((1, 2))}
    assert result.objective > result.greedy_objective


def test_must_favoured_over_wish_for_the_same_person():
    requests = [Request(1, 2, WISH), Request(1, 3, MUST)]
    result = solve(instance(people=3, slots=2, requests=requests, max_meetings=1), time_limit=FAST)

    assert pairs_of(result) == {frozenset((1, 3))}


def test_fairness_floor_held_when_feasible():
    # Two tables in the day. By value alone 1 would meet 2 and 3 (two mutual "must", 48) and
    # 4, who was asked by 3, would get nothing; the floor gives 4 a meeting: 1-2 and 3-4.
    requests = [
        Request(1, 2, MUST),
        Request(2, 1, MUST),
        Request(1, 3, MUST),
        Request(3, 1, MUST),
        Request(3, 4, WISH),
    ]
    case = instance(people=4, slots=2, tables=1, requests=requests)
    result = solve(case, time_limit=FAST)

    met = {p for m in result.meetings for p in (m.a, m.b)}
    assert met == {1, 2, 3, 4}
    assert result.unmet_fairness == []
    assert result.upper_bound == 48  # the bound ignores the floor: still valid, just looser


def test_fairness_reports_who_could_have_met():
    # One meeting each. First come, first served gives 1-3 and leaves 2 and 4 with nothing,
    # although 2-1 and 4-3 could both have met.
    requests = [Request(1, 3, WISH), Request(2, 1, WISH), Request(4, 3, WISH)]
    case = instance(people=4, slots=2, tables=1, requests=requests, max_meetings=1)

    assert greedy(case).unmet_fairness == [2, 4]
    result = solve(case, time_limit=FAST)
    assert pairs_of(result) == {frozenset((1, 2)), frozenset((3, 4))}
    assert result.unmet_fairness == []


def test_people_with_no_possible_meeting_are_not_reported():
    # 1 and 2 are never there at the same time.
    availability = {1: frozenset({1}), 2: frozenset({2})}
    case = instance(people=2, slots=2, requests=[Request(1, 2, MUST)], availability=availability)
    result = solve(case, time_limit=FAST)

    assert result.meetings == [] and result.unmet_fairness == []


def test_idle_gaps_reduced_without_losing_value():
    generated = generate_instance(60, 12, seed=4)
    result = solve(generated, time_limit=FAST)

    assert result.stats["gaps"] <= result.stats["gaps_before"]
    assert gaps(generated, result.meetings) == result.stats["gaps"]


def test_progress_reported_by_phase():
    phases = []
    solve(generate_instance(30, 8, seed=5), time_limit=FAST, on_progress=phases.append)

    names = [info["phase"] for info in phases]
    assert names[0] == "greedy" and names[-1] == "done"
    assert {"bound", "slots"} <= set(names)
    assert all("seconds" in info for info in phases)


def test_empty_instance():
    result = solve(instance(requests=[]), time_limit=FAST)

    assert result.meetings == [] and result.objective == result.upper_bound == 0


def test_generator_is_realistic_and_reproducible():
    generated = generate_instance(300, 10, seed=7)
    again = generate_instance(300, 10, seed=7)
    made = {}
    for request in generated.requests:
        made[request.requester] = made.get(request.requester, 0) + 1
    asked = {(r.requester, r.target) for r in generated.requests}
    received = {}
    for _requester, target in asked:
        received[target] = received.get(target, 0) + 1

    assert generated == again
    assert all(3 <= n <= 10 for n in made.values()) and len(made) == 300
    assert 0.25 <= sum(1 for a, b in asked if (b, a) in asked) / len(asked) <= 0.35
    assert max(received.values()) >= 10 * sorted(received.values())[len(received) // 2]
    assert 0.1 <= len(generated.availability) / 300 <= 0.3
    assert generated.forbidden and set(generated.tables.values()) == {75}
