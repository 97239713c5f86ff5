"""Realistic instances for tests and benchmarks, reproducible from a seed.

What a regional day looks like: two worlds (social and solidarity economy, international
solidarity) and a few themes; everyone asks 3 to 10 others, drawn with a popularity skew (a few
organisations everybody wants to meet, Zipf-like), with homophily (same theme, same world) but
a deliberate share of requests across worlds (the point of the day); about 30 % of requests are
reciprocated; a few "no thanks"; about 20 % of people arrive late or leave early; about one
table per four participants in each slot; K meetings per person."""

import random

from passerelles.events.scheduler.model import MUST, WISH, Instance, Request

THEMES = 8
WORLDS = 2


def generate_instance(
    participants: int,
    slots: int,
    seed: int = 0,
    *,
    max_meetings: int = 6,
    tables: int | None = None,
    requests: tuple[int, int] = (3, 10),
    must_share: float = 0.3,
    cross_world: float = 0.35,
    reciprocated: float = 0.3,
    no_thanks: float = 0.03,
    partial_availability: float = 0.2,
    zipf: float = 1.0,
) -> Instance:
    rng = random.Random(seed)
    people = list(range(1, participants + 1))
    world = {p: rng.randrange(WORLDS) for p in people}
    theme = {p: rng.randrange(THEMES) for p in people}
    # Popularity: a random rank per person, weight 1/rank^zipf (a handful of stars, a long tail).
    ranks = list(range(1, participants + 1))
    rng.shuffle(ranks)
    popularity = {p: 1.0 / ranks[i] ** zipf for i, p in enumerate(people)}
    by_world = {w: [p for p in people if world[p] == w] for w in range(WORLDS)}

    def draw(person: int, pool: list[int], count: int, chosen: set[int]) -> None:
        weights = [
            0.0
            if q == person or q in chosen
            else popularity[q] * (3.0 if theme[q] == theme[person] else 1.0)
            for q in pool
        ]
        for _ in range(count):
            if not any(weights):
                return
            index = rng.choices(range(len(pool)), weights)[0]
            chosen.add(pool[index])
            weights[index] = 0.0

    asked: dict[int, list[int]] = {}
    for p in people:
        count = min(rng.randint(*requests), participants - 1)
        across = sum(1 for _ in range(count) if rng.random() < cross_world)
        chosen: set[int] = set()
        draw(p, by_world[1 - world[p]] if WORLDS == 2 else people, across, chosen)
        draw(p, by_world[world[p]], count - len(chosen), chosen)
        asked[p] = sorted(chosen, key=lambda q: rng.random())

    # Submission order: people come one after the other; answers to a request come later.
    arrival = {p: rng.random() for p in people}
    timed: list[tuple[float, Request]] = []
    existing = {(p, q) for p, targets in asked.items() for q in targets}
    for p, targets in asked.items():
        for q in targets:
            priority = MUST if rng.random() < must_share else WISH
            timed.append((arrival[p] + rng.random() * 0.01, Request(p, q, priority)))
    # Reciprocation: one-sided requests, taken in random order, are answered in kind until,
    # with the pairs already mutual by chance, about `reciprocated` of all requests are mutual:
    # (mutual by chance + 2 answers) / (base + answers) = reciprocated. Nobody answers beyond
    # the most requests a person makes, or a star would ask hundreds of people. Some of the
    # requests left one-sided get a "no thanks".
    base = len(existing)
    mutual_by_chance = sum(1 for p, q in existing if (q, p) in existing)
    answers_needed = max((reciprocated * base - mutual_by_chance) / (2 - reciprocated), 0)
    one_sided = [(p, q) for p, q in sorted(existing) if (q, p) not in existing]
    rng.shuffle(one_sided)
    made = {p: len(targets) for p, targets in asked.items()}
    answers = 0
    forbidden = set()
    for p, q in one_sided:  # in random order: whose requests get answered is random
        if answers < answers_needed and made[q] < requests[1]:
            answers += 1
            made[q] += 1
            priority = MUST if rng.random() < must_share else WISH
            timed.append(
                (max(arrival[p], arrival[q]) + rng.random() * 0.3, Request(q, p, priority))
            )
        elif rng.random() < no_thanks:
            forbidden.add(frozenset((p, q)))  # q answered "no thanks"
    timed.sort(key=lambda item: item[0])

    order = list(range(slots))
    availability = {}
    for p in people:
        if rng.random() < partial_availability:
            cut = rng.randint(1, max(1, slots // 3))
            kind = rng.random()
            if kind < 0.4:  # arrives late
                keep = order[cut:]
            elif kind < 0.8:  # leaves early
                keep = order[:-cut]
            else:  # both, or a lunch away in the middle
                start = rng.randint(1, max(1, slots - cut - 1))
                keep = order[:start] + order[start + cut :]
            availability[p] = frozenset(s + 1 for s in keep)
    slot_ids = [s + 1 for s in order]
    per_slot = tables if tables is not None else max(1, round(participants / 4))
    return Instance(
        participants=people,
        slots=slot_ids,
        tables=dict.fromkeys(slot_ids, per_slot),
        availability=availability,
        requests=[request for _, request in timed],
        forbidden=frozenset(forbidden),
        max_meetings=max_meetings,
        locked=[],
    )
