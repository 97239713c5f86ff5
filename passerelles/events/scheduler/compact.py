"""Fewer idle gaps in people's days, the pairs being fixed: local search on the slots.

CP-SAT closes this part badly at 1,000 people (each large-neighbourhood step takes seconds on
a 35,000-variable model), while moves are cheap to evaluate on bitmasks: a person's day is an
integer whose bit i says "busy in slot i", and the idle stretches between the first and the
last meeting are the busy runs minus one. Two moves:

- move one meeting to another slot where both people and a table are free;
- swap two slots along a Kempe chain (the meetings in slots s and t reachable from one meeting
  through shared people): everyone in the chain stays free of double booking by construction,
  so only availability and tables need checking.

Improving moves are taken, sideways ones (no change) sometimes, to drift across plateaus; the
best schedule seen is kept. Seeded, so the same input gives the same output (given the same
number of moves, i.e. unless the time limit cuts the search)."""

import random
import time

CHAIN_LIMIT = 40  # meetings in one Kempe chain; longer chains rarely help and cost time


def runs(mask: int) -> int:
    return (mask & ~(mask << 1)).bit_count()


def idle(mask: int) -> int:
    return runs(mask) - 1 if mask else 0


def compact(instance, board, placement: dict, seconds: float, seed: int = 0) -> dict:
    """Return a placement {pair: slot} of the same pairs with fewer idle gaps."""
    deadline = time.perf_counter() + seconds
    rng = random.Random(seed)
    slots = instance.slots
    index = {slot: i for i, slot in enumerate(slots)}
    avail = {p: sum(1 << index[s] for s in board.available[p]) for p in instance.participants}
    day: dict[int, int] = dict.fromkeys(instance.participants, 0)
    for person, slot in board.busy:
        day[person] = day.get(person, 0) | 1 << index[slot]
    free = [board.free[s] for s in slots]
    pairs = sorted(placement, key=sorted)
    where = [index[placement[pair]] for pair in pairs]
    ends = [tuple(sorted(pair)) for pair in pairs]
    at: dict[tuple[int, int], int] = {}  # (person, slot index) -> meeting number (movable only)
    for m, (a, b) in enumerate(ends):
        i = where[m]
        at[a, i] = at[b, i] = m
        day[a] |= 1 << i
        day[b] |= 1 << i
        free[i] -= 1
    total = sum(idle(mask) for mask in day.values())
    best_total, best_where = total, list(where)
    order = list(range(len(ends)))
    stale = 0
    while stale < 3 and time.perf_counter() < deadline:
        rng.shuffle(order)
        improved = False
        for m in order:
            if time.perf_counter() >= deadline:
                break
            s = where[m]
            a, b = ends[m]
            for t in rng.sample(range(len(slots)), len(slots)):
                if t == s:
                    continue
                bit_s, bit_t = 1 << s, 1 << t
                if not (day[a] | day[b]) & bit_t:
                    # Plain move: both free at t.
                    if free[t] <= 0 or not avail[a] & avail[b] & bit_t:
                        continue
                    new_a, new_b = day[a] ^ bit_s | bit_t, day[b] ^ bit_s | bit_t
                    delta = idle(new_a) + idle(new_b) - idle(day[a]) - idle(day[b])
                    if delta < 0 or (delta == 0 and rng.random() < 0.2):
                        day[a], day[b] = new_a, new_b
                        at.pop((a, s)), at.pop((b, s))
                        at[a, t] = at[b, t] = m
                        where[m] = t
                        free[s] += 1
                        free[t] -= 1
                        total += delta
                        improved |= delta < 0
                        break
                    continue
                chain = _chain(m, s, t, ends, where, at, day)
                if chain is None:
                    continue
                people = {p for c in chain for p in ends[c]}
                in_s = sum(1 for c in chain if where[c] == s)
                in_t = len(chain) - in_s
                if free[t] < in_s - in_t or free[s] < in_t - in_s:
                    continue
                swapped, ok = {}, True
                for p in people:
                    mask = day[p]
                    has_s, has_t = mask & bit_s, mask & bit_t
                    new = mask & ~(bit_s | bit_t)
                    if has_s:
                        new |= bit_t
                    if has_t:
                        new |= bit_s
                    if new & ~mask & ~avail[p]:
                        ok = False
                        break
                    swapped[p] = new
                if not ok:
                    continue
                delta = sum(idle(swapped[p]) - idle(day[p]) for p in people)
                if delta < 0 or (delta == 0 and rng.random() < 0.2):
                    for c in chain:
                        x, y = ends[c]
                        at.pop((x, where[c])), at.pop((y, where[c]))
                    for c in chain:
                        where[c] = t if where[c] == s else s
                        x, y = ends[c]
                        at[x, where[c]] = at[y, where[c]] = c
                    day.update(swapped)
                    free[t] -= in_s - in_t
                    free[s] -= in_t - in_s
                    total += delta
                    improved |= delta < 0
                    break
            if total < best_total:
                best_total, best_where = total, list(where)
        stale = 0 if improved else stale + 1
    return {pair: slots[i] for pair, i in zip(pairs, best_where, strict=True)}


def _chain(m, s, t, ends, where, at, day):
    """Meetings in slots s and t connected to meeting m through shared people, or None when
    the chain runs into a locked meeting (which must not move) or grows too long."""
    chain, seen, stack = [], {m}, [m]
    while stack:
        c = stack.pop()
        chain.append(c)
        if len(chain) > CHAIN_LIMIT:
            return None
        for p in ends[c]:
            for slot in (s, t):
                if slot == where[c]:
                    continue
                if day[p] & 1 << slot:
                    other = at.get((p, slot))
                    if other is None:
                        return None  # a locked meeting
                    if other not in seen:
                        seen.add(other)
                        stack.append(other)
    return chain
