"""The scheduler: near-optimal meetings within a time limit, with a proven upper bound.

A full pair × slot model has about 6,000 pairs × 12 slots booleans for 1,000 participants, too
much to close in a minute on two cores. The problem splits well, though (docs/scheduler.md):

A. Which pairs meet (CP-SAT). Ignoring *when*, a schedule is a set of pairs where each person
   has at most min(K, free slots) meetings and the total fits in the tables: a weighted
   b-matching. A0 maximises the value alone; its proven bound is the upper bound reported (a
   relaxation of the real problem, so no schedule can beat it). A1 adds the fairness floor: a
   large reward per asker who gets at least one meeting, the value breaking ties.
B. When they meet. Give each chosen pair a slot both can use, one meeting per person per slot,
   tables per slot: list edge colouring. With K = 6 and 8 to 12 slots there is room, and a
   constructive pass usually places every pair; CP-SAT, hinted with it, places them again if
   some are left. Then, every placed pair kept, a local search (compact.py) reduces the idle
   gaps in people's days: gaps never cost a pair.
C. Repair: pairs that could not be placed free room that other requested pairs may use; a
   greedy pass adds them, people still without a meeting first, then by value.

Each phase keeps the previous answer when it does not find better, and the result falls back
to first come, first served if that were better, so it is never worse than the baseline."""

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from passerelles.events.scheduler.board import Board
from passerelles.events.scheduler.compact import compact
from passerelles.events.scheduler.greedy import greedy_board, simple_bound, unmet
from passerelles.events.scheduler.model import (
    Instance,
    Result,
    Status,
    gaps,
    pair_values,
    value,
)

# Share of the time limit given to each phase (each stops earlier when proven optimal).
SHARES = {"bound": 0.35, "fairness": 0.2, "slots": 0.2}
MARGIN = 0.04  # kept for model building, repair and table numbering


def fairness_reward(weight: dict[frozenset[int], int]) -> int:
    """Reward for one more asker covered: more than two of the most valuable pairs, so giving
    someone their only meeting is always worth displacing a pair on each side (the exchange
    that covering one more person needs at most: one pair of the partner, full at K, and one
    pair for the table)."""
    return 2 * max(weight.values(), default=0) + 1


def solve(
    instance: Instance,
    time_limit: float = 60.0,
    workers: int = 2,
    on_progress=None,
    seed: int = 0,
) -> Result:
    started = time.perf_counter()
    deadline = started + time_limit

    timings = {}

    def progress(phase: str, **data) -> None:
        timings[phase] = round(time.perf_counter() - started, 2)
        if on_progress is not None:
            on_progress(
                {"phase": phase, "seconds": round(time.perf_counter() - started, 2), **data}
            )

    pairs = pair_values(instance)
    weight = pairs.weight
    baseline = greedy_board(instance)
    greedy_meetings = baseline.meetings()
    greedy_objective = value(greedy_meetings, weight)
    progress("greedy", objective=greedy_objective)

    board = Board(instance)
    locked_value = sum(weight.get(pair, 0) for pair in board.met)
    open_slots = {}
    for pair in weight:
        a, b = tuple(pair)
        if board.can_meet(a, b):
            slots = board.open_slots(a, b)
            if slots:
                open_slots[pair] = slots
    stats = {
        "candidate_pairs": len(open_slots),
        "requests": len(instance.requests),
        "timings": timings,
    }
    if not open_slots:
        meetings = board.meetings()
        return Result(
            meetings=meetings,
            objective=locked_value,
            upper_bound=locked_value,
            greedy_objective=greedy_objective,
            seconds=time.perf_counter() - started,
            status=Status.EMPTY if not instance.locked else Status.OPTIMAL,
            unmet_fairness=unmet(board, weight),
            stats=stats,
        )

    cap = {
        p: max(
            0,
            min(board.capacity(p), sum(1 for s in board.available[p] if (p, s) not in board.busy)),
        )
        for p in instance.participants
    }
    total_free = sum(board.free.values())
    greedy_pairs = {frozenset(pair) for s in baseline.placed for pair in baseline.placed[s]}
    covered_by_locked = {p for pair in board.met for p in pair}
    askers = [p for p in sorted(pairs.askers) if p not in covered_by_locked]
    reward = fairness_reward(weight)
    solver_options = {"workers": workers, "seed": seed}

    # A0: the value alone, for the upper bound.
    budget = time_limit * SHARES["bound"]
    chosen, bound, proven = _select(
        open_slots, weight, cap, total_free, [], 0, greedy_pairs, budget, **solver_options
    )
    if _sum(chosen, weight) < _sum(greedy_pairs, weight):  # A0 cut short by the time limit
        chosen = greedy_pairs
    upper_bound = locked_value + min(bound, simple_bound(instance, weight) - locked_value)
    progress("bound", upper_bound=upper_bound, objective=locked_value + _sum(chosen, weight))
    stats["bound_proven_optimal"] = proven

    # A1: the fairness floor on top (skipped when A0 already covers every asker it can).
    coverable = {p for pair in open_slots for p in pair}
    met = {p for pair in chosen for p in pair}
    stats["askers_left_by_value_alone"] = sum(1 for p in askers if p in coverable and p not in met)
    if stats["askers_left_by_value_alone"]:
        remaining = max(0.5, min(time_limit * SHARES["fairness"], deadline - time.perf_counter()))
        fairer, _, _ = _select(
            open_slots, weight, cap, total_free, askers, reward, chosen, remaining, **solver_options
        )
        if _fair_score(fairer, weight, askers, reward) > _fair_score(
            chosen, weight, askers, reward
        ):
            chosen = fairer
    progress("fairness", objective=locked_value + _sum(chosen, weight))

    # B: slots for the chosen pairs, then fewer gaps with every placed pair kept.
    placement = _construct(instance, board, chosen, open_slots, weight)
    stats["constructive_unplaced"] = len(chosen) - len(placement)
    if len(placement) < len(chosen):
        remaining = max(0.5, min(time_limit * SHARES["slots"], deadline - time.perf_counter()))
        placement = _place(
            instance,
            board,
            chosen,
            open_slots,
            weight,
            askers,
            reward,
            placement,
            remaining,
            **solver_options,
        )
    stats["unplaced"] = len(chosen) - len(placement)
    progress("slots", objective=locked_value + _sum(placement, weight))
    stats["gaps_before"] = _gap_count(instance, board, placement)
    remaining = deadline - time.perf_counter() - max(0.3, MARGIN * time_limit)
    if remaining > 0:
        placement = compact(instance, board, placement, remaining, seed=seed)
    progress("gaps", gaps=_gap_count(instance, board, placement))

    # C: fill what is left with the remaining requested pairs.
    for pair, slot in placement.items():
        a, b = tuple(pair)
        board.place(a, b, slot)
    added = _repair(board, open_slots, weight, askers)
    stats["repaired"] = added
    meetings = board.meetings()
    objective = value(meetings, weight)
    # Never do worse than first come, first served (on coverage first, then value).
    if score(instance, baseline, weight, reward) > score(instance, board, weight, reward):
        board, meetings, objective = baseline, greedy_meetings, greedy_objective
        status = Status.GREEDY
    else:
        status = Status.OPTIMAL if objective >= upper_bound else Status.FEASIBLE
    stats["gaps"] = gaps(instance, meetings)
    seconds = time.perf_counter() - started
    progress("done", objective=objective, upper_bound=upper_bound)
    return Result(
        meetings=meetings,
        objective=objective,
        upper_bound=max(upper_bound, objective),
        greedy_objective=greedy_objective,
        seconds=seconds,
        status=status,
        unmet_fairness=unmet(board, weight),
        stats=stats,
    )


def score(instance: Instance, board: Board, weight, reward: int) -> int:
    """What the solver maximises: the fairness reward per asker who meets someone, plus the
    value of the pairs."""
    askers = {p for pair in weight for p in pair}
    covered = sum(1 for p in askers if board.count.get(p, 0) > 0)
    return reward * covered + value(board.meetings(), weight)


def _fair_score(pairs, weight, askers, reward) -> int:
    met = {p for pair in pairs for p in pair}
    return reward * sum(1 for p in askers if p in met) + _sum(pairs, weight)


def _sum(pairs, weight) -> int:
    return sum(weight[pair] for pair in pairs)


def _solver(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.1)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    # The presolve expands "at most K" sums into clauses: tens of seconds at 1,000 people
    # for no gain on these models, whose LP relaxation is already tight.
    solver.parameters.cp_model_presolve = False
    return solver


def _select(
    open_slots, weight, cap, total_free, askers, reward, fallback, time_limit, *, workers, seed
):
    """Pairs that meet, ignoring when: max value (+ reward per covered asker). Returns the
    chosen pairs, the proven bound on the value part (only meaningful without reward) and
    whether it is optimal."""
    model = cp_model.CpModel()
    pairs = list(open_slots)
    y = [model.new_bool_var("") for _ in pairs]
    incident = defaultdict(list)
    for var, pair in zip(y, pairs, strict=True):
        for person in pair:
            incident[person].append(var)
    for person, variables in incident.items():
        if len(variables) > cap[person]:
            model.add(sum(variables) <= cap[person])
    if len(y) > total_free:
        model.add(sum(y) <= total_free)
    terms = [weight[pair] * var for var, pair in zip(y, pairs, strict=True)]
    if reward:
        for person in askers:
            if person in incident:
                covered = model.new_bool_var("")
                model.add(covered <= sum(incident[person]))
                terms.append(reward * covered)
    model.maximize(sum(terms))
    solver = _solver(time_limit, workers, seed)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return set(fallback), sum(weight[pair] for pair in open_slots), False
    chosen = {pair for var, pair in zip(y, pairs, strict=True) if solver.boolean_value(var)}
    bound = int(solver.best_objective_bound + 1e-6)
    return chosen, bound, status == cp_model.OPTIMAL


def _construct(instance, board, chosen, open_slots, weight) -> dict:
    """A slot for each chosen pair, most constrained pairs first; each pair goes next to the
    meetings its people already have (fewer gaps) and, other things equal, where tables are
    most plentiful. Returns {pair: slot} for the pairs placed."""
    order = {slot: index for index, slot in enumerate(instance.slots)}
    free = dict(board.free)
    busy = defaultdict(set)  # person -> slot indexes taken (locked included)
    for person, slot in board.busy:
        busy[person].add(order[slot])
    placement = {}
    for pair in sorted(chosen, key=lambda e: (len(open_slots[e]), -weight[e], sorted(e))):
        a, b = sorted(pair)
        best, best_score = None, None
        for slot in open_slots[pair]:
            i = order[slot]
            if free[slot] <= 0 or i in busy[a] or i in busy[b]:
                continue
            near = sum(1 for p in (a, b) for j in (i - 1, i + 1) if j in busy[p])
            score = (near, free[slot], -i)
            if best_score is None or score > best_score:
                best, best_score = slot, score
        if best is not None:
            placement[pair] = best
            free[best] -= 1
            busy[a].add(order[best])
            busy[b].add(order[best])
    return placement


def _place(
    instance, board, chosen, open_slots, weight, askers, reward, hint, time_limit, *, workers, seed
):
    """CP-SAT for the chosen pairs the constructive pass could not all place: max value of
    the placed pairs (+ fairness reward), starting from the constructive placement."""
    model = cp_model.CpModel()
    x, per_person_slot, per_slot = {}, defaultdict(list), defaultdict(list)
    for pair in chosen:
        options = []
        for slot in open_slots[pair]:
            var = model.new_bool_var("")
            x[pair, slot] = var
            options.append(var)
            model.add_hint(var, hint.get(pair) == slot)
            per_slot[slot].append(var)
            for person in pair:
                per_person_slot[person, slot].append(var)
        model.add_at_most_one(options)
    for variables in per_person_slot.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)
    for slot, variables in per_slot.items():
        if len(variables) > board.free[slot]:
            model.add(sum(variables) <= board.free[slot])
    terms = [weight[pair] * var for (pair, _slot), var in x.items()]
    by_person = defaultdict(list)
    for (pair, _slot), var in x.items():
        for person in pair:
            by_person[person].append(var)
    hinted = {p for pair in hint for p in pair}
    for person in askers:
        if person in by_person:
            covered = model.new_bool_var("")
            model.add(covered <= sum(by_person[person]))
            model.add_hint(covered, person in hinted)
            terms.append(reward * covered)
    model.maximize(sum(terms))
    solver = _solver(time_limit, workers, seed)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return hint
    found = {pair: slot for (pair, slot), var in x.items() if solver.boolean_value(var)}
    if _fair_score(found, weight, askers, reward) < _fair_score(hint, weight, askers, reward):
        return hint
    return found


def _gap_count(instance, board, placement) -> int:
    busy = defaultdict(list)
    order = {slot: index for index, slot in enumerate(instance.slots)}
    for person, slot in board.busy:
        busy[person].append(order[slot])
    for pair, slot in placement.items():
        for person in pair:
            busy[person].append(order[slot])
    total = 0
    for indexes in busy.values():
        indexes.sort()
        total += sum(1 for x, y in zip(indexes, indexes[1:], strict=False) if y > x + 1)
    return total


def _repair(board: Board, open_slots, weight, askers) -> int:
    """Add remaining requested pairs where room is left: uncovered askers first, then by
    value; each goes to the free slot closest to its people's other meetings."""
    uncovered = {p for p in askers if board.count.get(p, 0) == 0}
    order = {slot: index for index, slot in enumerate(board.instance.slots)}
    added = 0
    candidates = sorted(
        (pair for pair in open_slots if pair not in board.met),
        key=lambda e: (-len(e & uncovered), -weight[e], sorted(e)),
    )
    for pair in candidates:
        a, b = sorted(pair)
        if not board.can_meet(a, b):
            continue
        slots = board.open_slots(a, b)
        if not slots:
            continue

        def near(slot, a=a, b=b):
            i = order[slot]
            return -sum(
                1
                for p in (a, b)
                for j in (i - 1, i + 1)
                if 0 <= j < len(order) and (p, board.instance.slots[j]) in board.busy
            )

        board.place(a, b, min(slots, key=lambda s: (near(s), order[s])))
        added += 1
    return added
