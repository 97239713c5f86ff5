"""Learning from use (bridges/suggest/feedback.py): does the model learnt from some members'
marks improve the suggestions of organisations it never saw, and what does re-ranking cost?

Simulated members on the generated dataset (bench/bridges_data.py), whose latent affinity
between organisations (interests, true countries, a taste between families) is NOT our score:
members of 70 % of the organisations look at their top 10 and mark each suggestion with
probability MARK_RATE, "useful" when its latent affinity is in the top 30 % of the affinities
seen in top-10 lists, else "not relevant", with NOISE of the marks flipped. The weights are
learnt with the production thresholds and formula (feedback.learn), then for the 30 %
organisations held out we compare, on their engine's best 20 (what the hook re-ranks):

- AUC: how often a would-be-useful candidate outranks a would-be-not-relevant one;
- precision@10: the share of would-be-useful candidates in the top 10;

for the engine alone and the engine re-ranked by the weights, measured in the same run.
Latency: the engine's ranking alone against ranking + re-ranking (features and weights), same
queries, p50 and the ratio.

    python -m bench --only feedback"""

import json
import random
import sys
import time

from bench.common import ROOT, percentile

SEED = 42
SIZE = 3000
TRAIN = 0.7
MARK_RATE = 0.5
NOISE = 0.1
USEFUL_QUANTILE = 0.7
TOP = 10
LATENCY_QUERIES = 200


def _auc(scores: dict, truth: dict) -> tuple[float, int]:
    good = [scores[i] for i, ok in truth.items() if ok]
    bad = [scores[i] for i, ok in truth.items() if not ok]
    wins = sum(1.0 if g > b else 0.5 if g == b else 0.0 for g in good for b in bad)
    return wins, len(good) * len(bad)


def evaluate():
    from bench.bridges import _query_from_generated
    from bench.bridges_data import affinity, generate, profile_rows
    from passerelles.bridges.models import Verdict
    from passerelles.bridges.suggest import feedback
    from passerelles.bridges.suggest.engine import rank
    from passerelles.bridges.suggest.index import build_index

    orgs = generate(SIZE, SEED)
    index = build_index(stamp=("feedback",), rows=profile_rows(orgs))
    rng = random.Random(SEED)
    positions = list(range(len(orgs)))
    rng.shuffle(positions)
    cut = round(len(positions) * TRAIN)
    train, held_out = positions[:cut], positions[cut:]
    limit = TOP + feedback.MARGIN

    lists = {}
    for p in positions:
        query = _query_from_generated(index, orgs[p], {p})
        ranked = rank(index, query, limit=limit)
        lists[p] = (query, ranked)
    # "Useful" = latent affinity in the top 30 % of what the training members saw in their
    # top 10 (the generator's truth, never our score).
    seen = sorted(
        affinity(orgs[p], orgs[index.positions[s.organisation_id]])
        for p in train
        for s in lists[p][1][:TOP]
    )
    threshold = seen[int(len(seen) * USEFUL_QUANTILE)]

    def useful(p, org_id):
        return affinity(orgs[p], orgs[index.positions[org_id]]) >= threshold

    rows = []
    for p in train:
        query, ranked = lists[p]
        for s in ranked[:TOP]:
            if rng.random() >= MARK_RATE:
                continue
            ok = useful(p, s.organisation_id)
            if rng.random() < NOISE:
                ok = not ok
            verdict = Verdict.USEFUL if ok else Verdict.NOT_RELEVANT
            rows.append((p, verdict, feedback.features(index, query, s)))
    learnt = feedback.learn(rows)
    weights = {f: w for f, (w, _m, _o) in learnt.items()}

    totals = {"engine": [0.0, 0, 0, 0], "engine + weights": [0.0, 0, 0, 0]}
    for p in held_out:
        query, ranked = lists[p]
        if not ranked:
            continue
        truth = {s.organisation_id: useful(p, s.organisation_id) for s in ranked}
        for name, out in (
            ("engine", ranked),
            ("engine + weights", feedback.rerank(index, query, ranked, {}, weights)),
        ):
            wins, pairs = _auc({s.organisation_id: -i for i, s in enumerate(out)}, truth)
            t = totals[name]
            t[0] += wins
            t[1] += pairs
            t[2] += sum(truth[s.organisation_id] for s in out[:TOP])
            t[3] += min(TOP, len(out))

    # Latency: the same queries, the engine alone and the engine + the hook.
    picks = held_out[:LATENCY_QUERIES]
    alone, hooked = [], []
    for p in picks:
        query = lists[p][0]
        t = time.perf_counter()
        rank(index, query, limit=limit)
        alone.append(time.perf_counter() - t)
        t = time.perf_counter()
        feedback.rerank(index, query, rank(index, query, limit=limit), {}, weights)
        hooked.append(time.perf_counter() - t)
    return {
        "organisations": len(orgs),
        "marks": len(rows),
        "useful_marks": sum(1 for r in rows if r[1] == Verdict.USEFUL),
        "marking_organisations": len({r[0] for r in rows}),
        "weights": dict(sorted(weights.items(), key=lambda kv: -abs(kv[1]))),
        "held_out": len(held_out),
        "methods": {
            name: {"AUC": round(t[0] / t[1], 3), "precision@10": round(t[2] / t[3], 3)}
            for name, t in totals.items()
        },
        "rank_p50_ms": round(percentile(alone, 0.5) * 1000, 2),
        "hooked_p50_ms": round(percentile(hooked, 0.5) * 1000, 2),
        "ratio_p50": round(percentile(hooked, 0.5) / percentile(alone, 0.5), 2),
    }


def worker():
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    return evaluate()


def run(options) -> None:
    import os
    import subprocess

    env = dict(
        os.environ,
        DATABASE_URL="sqlite:///:memory:",
        DJANGO_SETTINGS_MODULE="config.settings.test",
    )
    out = subprocess.run(
        [sys.executable, "-m", "bench.feedback", "--worker"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"\nFeedback — generated dataset, {r['organisations']} organisations: "
        f"{r['marks']} simulated marks ({r['useful_marks']} useful) from "
        f"{r['marking_organisations']} organisations; {len(r['weights'])} weights act; "
        f"{r['held_out']} organisations held out"
    )
    print(f"  {'method':<18} {'AUC':>6} {'precision@10':>13}")
    for name, m in r["methods"].items():
        print(f"  {name:<18} {m['AUC']:>6.3f} {m['precision@10']:>13.3f}")
    print(f"  weights: {r['weights']}")
    print(
        f"  latency p50: engine {r['rank_p50_ms']} ms, engine + re-ranking "
        f"{r['hooked_p50_ms']} ms (×{r['ratio_p50']})"
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        print(json.dumps(worker()))
    else:
        from bench.__main__ import parse_args

        run(parse_args(sys.argv[1:]))
