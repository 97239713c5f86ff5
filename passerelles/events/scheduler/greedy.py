"""The baseline: first come, first served, as networks do it by hand."""

import time

from passerelles.events.scheduler.board import Board
from passerelles.events.scheduler.model import Instance, Result, Status, pair_values, value


def greedy(instance: Instance) -> Result:
    """Take the requests in submission order; give each the earliest slot where both people are
    free and a table is left (locked meetings first, K per person, "no thanks" respected)."""
    started = time.perf_counter()
    pairs = pair_values(instance)
    board = greedy_board(instance)
    meetings = board.meetings()
    objective = value(meetings, pairs.weight)
    return Result(
        meetings=meetings,
        objective=objective,
        upper_bound=max(objective, simple_bound(instance, pairs.weight)),
        greedy_objective=objective,
        seconds=time.perf_counter() - started,
        status=Status.GREEDY,
        unmet_fairness=unmet(board, pairs.weight),
    )


def greedy_board(instance: Instance) -> Board:
    board = Board(instance)
    for request in instance.requests:
        a, b = request.requester, request.target
        if a == b or a not in board.count or b not in board.count or not board.can_meet(a, b):
            continue
        slots = board.open_slots(a, b)
        if slots:
            board.place(a, b, slots[0])
    return board


def simple_bound(instance: Instance, weight: dict[frozenset[int], int]) -> int:
    """A cheap valid bound: every meeting is counted by both its people, and nobody can take
    more than their best min(K, available slots) pairs, so twice the value is at most the sum
    of these per-person bests. Also at most the best pairs that fit in all the tables."""
    board = Board(instance)
    incident: dict[int, list[int]] = {}
    locked_value = 0
    for pair, w in weight.items():
        if pair in board.met:
            locked_value += w
            continue
        for person in pair:
            incident.setdefault(person, []).append(w)
    per_person = 0
    for person, values in incident.items():
        room = min(
            board.capacity(person),
            sum(1 for s in board.available[person] if (person, s) not in board.busy),
        )
        per_person += sum(sorted(values, reverse=True)[: max(room, 0)])
    free_pairs = sorted((w for p, w in weight.items() if p not in board.met), reverse=True)
    by_tables = sum(free_pairs[: sum(board.free.values())])
    return locked_value + min(per_person // 2, by_tables)


def unmet(board: Board, weight: dict[frozenset[int], int]) -> list[int]:
    """Askers left without any meeting although one of their requested pairs could have met
    on its own (a common available slot with a table, not ruled out, locked meetings aside):
    the people staff should look after. Some of them may have been impossible to serve all
    together (K, tables), so this over-reports rather than hides."""
    empty = Board(board.instance)
    partners: dict[int, list[int]] = {}
    for pair in weight:
        a, b = tuple(pair)
        partners.setdefault(a, []).append(b)
        partners.setdefault(b, []).append(a)
    return [
        person
        for person in sorted(partners)
        if board.count.get(person, 0) == 0
        and any(empty.can_meet(person, o) and empty.open_slots(person, o) for o in partners[person])
    ]
