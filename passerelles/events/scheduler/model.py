"""The scheduler's data: what it is given (Instance), what it returns (Result), how a meeting is
valued, and a checker that says what is wrong with a schedule.

Everything is plain integers so the package stays independent of Django models: participants
and slots are opaque ids, slots are given in chronological order, tables are 1-based indexes
per slot."""

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

MUST = "must"
WISH = "wish"

# Value of a pair, per direction of request: a "must" is worth 2.5 wishes. A pair asked by both
# sides adds both directions plus MUTUAL_BONUS, so any mutual pair (at least 4 + 4 + 4 = 12)
# comes before any one-sided pair (at most 10): mutual interest is the best predictor that a
# meeting is useful to both, and one-sided "must" still beats a one-sided wish.
WEIGHTS = {MUST: 10, WISH: 4}
MUTUAL_BONUS = 4


@dataclass(frozen=True)
class Request:
    requester: int
    target: int
    priority: str = WISH  # MUST or WISH


@dataclass(frozen=True)
class LockedMeeting:
    a: int
    b: int
    slot: int
    table: int


@dataclass(frozen=True)
class ScheduledMeeting:
    a: int
    b: int
    slot: int
    table: int


@dataclass
class Instance:
    participants: list[int]
    slots: list[int]  # chronological order
    tables: dict[int, int]  # slot -> number of tables
    availability: dict[int, frozenset[int]] = field(default_factory=dict)  # absent = all slots
    requests: list[Request] = field(default_factory=list)  # in submission order
    forbidden: frozenset[frozenset[int]] = frozenset()
    max_meetings: int = 6
    locked: list[LockedMeeting] = field(default_factory=list)

    def available(self, person: int) -> frozenset[int]:
        slots = self.availability.get(person)
        return frozenset(self.slots) if slots is None else slots & frozenset(self.slots)


class Status(StrEnum):
    OPTIMAL = "optimal"  # proven optimal for the value of the pairs
    FEASIBLE = "feasible"  # valid schedule, optimality not proven within the time limit
    GREEDY = "greedy"  # the solver found nothing better than first come, first served
    EMPTY = "empty"  # nothing to schedule


@dataclass
class Result:
    meetings: list[ScheduledMeeting]
    objective: int  # total value of the pairs that meet (locked ones included)
    upper_bound: int  # no valid schedule can be worth more
    greedy_objective: int  # first come, first served on the same instance
    seconds: float
    status: Status
    unmet_fairness: list[int]  # asked (or were asked) and got nothing though a pair was possible
    stats: dict = field(default_factory=dict)  # phases, sizes, gaps: for logs and benchmarks

    @property
    def ratio(self) -> float:
        return self.objective / self.upper_bound if self.upper_bound else 1.0


@dataclass
class Pairs:
    """The candidate pairs of an instance: value and which slots both can use."""

    weight: dict[frozenset[int], int]
    askers: set[int]  # participants who made or received a request that can be honoured


def pair_values(instance: Instance) -> Pairs:
    """Value of every pair that may meet: at least one request, not ruled out by a "no
    thanks", both participants present. A duplicated request counts once (its best priority)."""
    people = set(instance.participants)
    wants: dict[frozenset[int], dict[int, int]] = {}
    for request in instance.requests:
        a, b = request.requester, request.target
        if a == b or a not in people or b not in people:
            continue
        pair = frozenset((a, b))
        if pair in instance.forbidden:
            continue
        value = WEIGHTS.get(request.priority, WEIGHTS[WISH])
        sides = wants.setdefault(pair, {})
        sides[a] = max(sides.get(a, 0), value)
    weight, askers = {}, set()
    for pair, sides in wants.items():
        weight[pair] = sum(sides.values()) + (MUTUAL_BONUS if len(sides) == 2 else 0)
        askers |= pair
    return Pairs(weight=weight, askers=askers)


def value(meetings, weight: dict[frozenset[int], int]) -> int:
    """Value of a schedule: each requested pair counts once, unrequested (locked) pairs zero."""
    met = {frozenset((m.a, m.b)) for m in meetings}
    return sum(weight.get(pair, 0) for pair in met)


def gaps(instance: Instance, meetings) -> int:
    """Idle stretches inside people's days: for each person, the number of runs of free slots
    between their first and their last meeting."""
    order = {slot: index for index, slot in enumerate(instance.slots)}
    busy: dict[int, list[int]] = {}
    for m in meetings:
        busy.setdefault(m.a, []).append(order[m.slot])
        busy.setdefault(m.b, []).append(order[m.slot])
    total = 0
    for indexes in busy.values():
        indexes.sort()
        total += sum(1 for x, y in zip(indexes, indexes[1:], strict=False) if y > x + 1)
    return total


def check(instance: Instance, meetings) -> list[str]:
    """Every rule a schedule breaks (empty when valid). Locked meetings are exempt from
    availability and pair rules (staff decided them) but still count against capacity."""
    errors = []
    people, slots = set(instance.participants), set(instance.slots)
    locked = {(frozenset((m.a, m.b)), m.slot, m.table) for m in instance.locked}
    seen_person_slot, seen_table, count = set(), set(), {}
    pairs_count = Counter(frozenset((m.a, m.b)) for m in meetings)
    per_slot: dict[int, int] = {}
    for m in meetings:
        pair = frozenset((m.a, m.b))
        is_locked = (pair, m.slot, m.table) in locked
        if m.a == m.b or m.a not in people or m.b not in people:
            errors.append(f"bad participants {m}")
        if m.slot not in slots:
            errors.append(f"unknown slot {m}")
            continue
        if not 1 <= m.table <= instance.tables.get(m.slot, 0):
            errors.append(f"table out of range {m}")
        if (m.slot, m.table) in seen_table:
            errors.append(f"table used twice {m}")
        seen_table.add((m.slot, m.table))
        per_slot[m.slot] = per_slot.get(m.slot, 0) + 1
        for person in (m.a, m.b):
            if (person, m.slot) in seen_person_slot:
                errors.append(f"double booking of {person} in slot {m.slot}")
            seen_person_slot.add((person, m.slot))
            count[person] = count.get(person, 0) + 1
            if not is_locked and m.slot not in instance.available(person):
                errors.append(f"{person} not available in slot {m.slot}")
        if not is_locked and pairs_count[pair] > 1:
            errors.append(f"pair meets twice {sorted(pair)}")
        if not is_locked and pair in instance.forbidden:
            errors.append(f"forbidden pair meets {sorted(pair)}")
    for slot, n in per_slot.items():
        if n > instance.tables.get(slot, 0):
            errors.append(f"slot {slot} over capacity")
    locked_count: dict[int, int] = {}
    for m in instance.locked:
        for person in (m.a, m.b):
            locked_count[person] = locked_count.get(person, 0) + 1
    for person, n in count.items():
        if n > max(instance.max_meetings, locked_count.get(person, 0)):
            errors.append(f"{person} has {n} meetings, more than {instance.max_meetings}")
    placed = {(frozenset((m.a, m.b)), m.slot, m.table) for m in meetings}
    for key in locked:
        if key not in placed:
            errors.append(f"locked meeting lost {sorted(key[0])} slot {key[1]}")
    return errors
