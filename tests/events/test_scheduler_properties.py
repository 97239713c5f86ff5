"""The scheduler against random small instances (always a valid schedule, never above its
bound) and against brute force on tiny ones (the bound holds, the optimum is found)."""

import itertools
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelles.events.scheduler import (
    MUST,
    WISH,
    Instance,
    LockedMeeting,
    Request,
    ScheduledMeeting,
    check,
    greedy,
    pair_values,
    solve,
    value,
)
from passerelles.events.scheduler.solver import fairness_reward


@st.composite
def instances(draw):
    people = list(range(1, draw(st.integers(2, 7)) + 1))
    slots = list(range(1, draw(st.integers(1, 4)) + 1))
    tables = {s: draw(st.integers(0, 2)) for s in slots}
    person = st.sampled_from(people)
    requests = [
        Request(a, b, draw(st.sampled_from([MUST, WISH])))
        for a, b in draw(st.lists(st.tuples(person, person), max_size=14))
    ]
    forbidden = frozenset(
        frozenset(pair)
        for pair in draw(st.lists(st.tuples(person, person), max_size=3))
        if pair[0] != pair[1]
    )
    availability = {
        p: frozenset(draw(st.sets(st.sampled_from(slots))))
        for p in draw(st.sets(person, max_size=3))
    }
    # Locked meetings as staff could have made them: no double booking, tables in range.
    locked, busy, used = [], set(), set()
    for a, b, s in draw(st.lists(st.tuples(person, person, st.sampled_from(slots)), max_size=3)):
        free = [t for t in range(1, tables[s] + 1) if (s, t) not in used]
        if a != b and free and (a, s) not in busy and (b, s) not in busy:
            locked.append(LockedMeeting(a, b, s, free[-1]))
            busy |= {(a, s), (b, s)}
            used.add((s, free[-1]))
    return Instance(
        participants=people,
        slots=slots,
        tables=tables,
        availability=availability,
        requests=requests,
        forbidden=forbidden,
        max_meetings=draw(st.integers(1, 3)),
        locked=locked,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_random_small_instances_always_give_a_valid_schedule(case):
    result = solve(case, time_limit=2.0)

    assert check(case, result.meetings) == []
    assert check(case, greedy(case).meetings) == []
    assert result.objective <= result.upper_bound


def brute_force(case: Instance):
    """Best value, and best (fairness reward × askers met + value), over every schedule."""
    weight = pair_values(case).weight
    pairs = sorted(weight, key=sorted)
    askers = {p for pair in pairs for p in pair}
    reward = fairness_reward(weight)
    best_value = best_score = 0
    for choice in itertools.product([None, *case.slots], repeat=len(pairs)):
        meetings = [ScheduledMeeting(m.a, m.b, m.slot, m.table) for m in case.locked]
        per_slot: dict[int, int] = {}
        for pair, slot in zip(pairs, choice, strict=True):
            if slot is not None:
                per_slot[slot] = per_slot.get(slot, 0) + 1
                a, b = sorted(pair)
                meetings.append(ScheduledMeeting(a, b, slot, per_slot[slot]))
        if check(case, meetings):
            continue
        met = {p for m in meetings for p in (m.a, m.b)}
        total = value(meetings, weight)
        best_value = max(best_value, total)
        best_score = max(best_score, reward * len(askers & met) + total)
    return best_value, best_score, reward, askers


def tiny(seed: int) -> Instance:
    rng = random.Random(seed)
    people = list(range(1, 6))
    slots = [1, 2, 3]
    requests = []
    for a, b in rng.sample([(a, b) for a in people for b in people if a != b], 7):
        requests.append(Request(a, b, rng.choice([MUST, WISH])))
    return Instance(
        participants=people,
        slots=slots,
        tables={1: 1, 2: 2, 3: 1},
        availability={1: frozenset({1, 2}), 4: frozenset({2, 3})},
        requests=requests,
        forbidden=frozenset(),
        max_meetings=2,
        locked=[],
    )


def test_tiny_instances_match_brute_force():
    for seed in range(6):
        case = tiny(seed)
        best_value, best_score, reward, askers = brute_force(case)
        result = solve(case, time_limit=2.0)
        met = {p for m in result.meetings for p in (m.a, m.b)}

        assert check(case, result.meetings) == []
        assert result.upper_bound >= best_value, seed  # the bound is a bound
        assert result.objective <= best_value, seed
        assert reward * len(askers & met) + result.objective == best_score, seed
