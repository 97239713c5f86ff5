"""Needs written as members write them (bench/needs_fr.jsonl) against the organisations a
network's staff would expect: recall@10 and MRR for the engine, the engine as it was before
issue 18 (bench/needs_legacy.py), the same-theme baseline and a TF-IDF baseline, in one run,
on the demo dataset (seed 42; the database bench/bridges.py builds and reuses).

recall@10 of one need = expected organisations found in the first 10 / min(10, number
expected); MRR = mean of 1 / rank of the first expected organisation (0 beyond rank 100).
Both are reported for the needs tuned on and for the held-out ones (never looked at while
tuning), and for all.

    python -m bench --only needs"""

import json
import math
import random
import sys
import time
from pathlib import Path

from bench.common import percentile

DATA = Path(__file__).with_name("needs_fr.jsonl")
CUTOFF = 100
SEED = 42
METHODS = ("passerelles", "before §39", "same theme", "text TF-IDF")


def load_needs() -> list[dict]:
    with DATA.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def need_metrics(ranked: list, expected: list) -> tuple[float, float]:
    """(recall@10, reciprocal rank) of one ranking of slugs."""
    wanted = set(expected)
    found = len(wanted & set(ranked[:10]))
    recall = found / min(10, len(wanted)) if wanted else 1.0
    rr = next((1 / (i + 1) for i, slug in enumerate(ranked[:CUTOFF]) if slug in wanted), 0.0)
    return recall, rr


def summarise(rows: list[tuple[str, float, float]]) -> dict:
    """rows: (split, recall, rr) → {split: {"recall@10", "MRR", "needs"}} with "all"."""
    out = {}
    for split in ("tune", "holdout", "all"):
        chosen = [r for r in rows if split == "all" or r[0] == split]
        if chosen:
            out[split] = {
                "needs": len(chosen),
                "recall@10": sum(r[1] for r in chosen) / len(chosen),
                "MRR": sum(r[2] for r in chosen) / len(chosen),
            }
    return out


# --- in a worker, Django set up --------------------------------------------------------------


def _tfidf(index):
    """Baseline: cosine between the need's terms and all of an organisation's text."""
    docs = [
        set(f"{index.raw['offers'][p]} {index.raw['needs'][p]} {index.raw['about'][p]}".split())
        for p in range(len(index))
    ]
    df = {}
    for d in docs:
        for t in d:
            df[t] = df.get(t, 0) + 1
    n = len(docs)
    idf = {t: math.log1p(n / c) for t, c in df.items()}
    norms = [math.sqrt(sum(idf[t] ** 2 for t in d)) or 1.0 for d in docs]

    def scores(terms: set) -> list[float]:
        qn = math.sqrt(sum(idf.get(t, 0.0) ** 2 for t in terms)) or 1.0
        return [sum(idf[t] ** 2 for t in terms & d) / (norms[p] * qn) for p, d in enumerate(docs)]

    return scores


def _by_score(index, scores, exclude: set, rng) -> list[int]:
    """Positions by decreasing score, ties in random order, zero scores left out."""
    order = [p for p in range(len(index)) if scores[p] > 0 and int(index.ids[p]) not in exclude]
    keys = {p: rng.random() for p in order}
    return sorted(order, key=lambda p: (-scores[p], keys[p]))


def run_methods(needs: list[dict], methods=METHODS) -> dict:
    from bench.needs_legacy import legacy_need_query
    from passerelles.actors.models import Organisation
    from passerelles.bridges.suggest import queries
    from passerelles.bridges.suggest.engine import rank
    from passerelles.bridges.suggest.index import get_index
    from passerelles.bridges.suggest.text import term_set

    index = get_index()
    slugs = dict(Organisation.objects.values_list("pk", "slug"))
    ids = {slug: pk for pk, slug in slugs.items()}
    tfidf = _tfidf(index)
    rng = random.Random(SEED)
    rows = {m: [] for m in methods}
    seconds = {m: [] for m in methods}
    for need in needs:
        asker = ids.get(need["asker"]) if need.get("asker") else None
        asker_org = Organisation.objects.get(pk=asker) if asker else None
        for method in methods:
            started = time.perf_counter()
            if method == "passerelles":
                query = queries.need_query(index, need["text"], asker=asker_org)
                ranked = [slugs[s.organisation_id] for s in rank(index, query, limit=CUTOFF)]
            elif method == "before §39":
                query = legacy_need_query(index, need["text"])
                ranked = [slugs[s.organisation_id] for s in rank(index, query, limit=CUTOFF)]
            elif method == "same theme":
                wanted = queries._themes_in(term_set(need["text"]))
                shared = [len(wanted & set(index.theme_lists[p])) for p in range(len(index))]
                order = _by_score(index, shared, {asker}, rng)
                ranked = [slugs[int(index.ids[p])] for p in order[:CUTOFF]]
            else:
                order = _by_score(index, tfidf(term_set(need["text"])), {asker}, rng)
                ranked = [slugs[int(index.ids[p])] for p in order[:CUTOFF]]
            seconds[method].append(time.perf_counter() - started)
            rows[method].append((need["split"], *need_metrics(ranked, need["expected"])))
    # Reading the need and ranking (top 100), per need; the baselines are here for their
    # figures, not their speed (plain Python loops).
    timing = {
        m: {"p50_ms": percentile(t, 0.5) * 1000, "p95_ms": percentile(t, 0.95) * 1000}
        for m, t in seconds.items()
        if m in ("passerelles", "before §39")
    }
    return {"methods": {m: summarise(r) for m, r in rows.items()}, "timing": timing}


def worker() -> dict:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from bench.bridges import ensure_demo

    ensure_demo()
    needs = load_needs()
    return {"needs": len(needs), **run_methods(needs)}


# --- parent --------------------------------------------------------------------------------


def run(options) -> None:
    import os
    import subprocess

    from bench.bridges import demo_database_url
    from bench.common import ROOT

    env = dict(
        os.environ,
        # bench/bridges.py (run before) already rebuilt it when --fresh asked for it.
        DATABASE_URL=demo_database_url(
            getattr(options, "fresh", False) and "bridges" not in (options.only or ["bridges"])
        ),
        DJANGO_SETTINGS_MODULE="config.settings.test",
    )
    out = subprocess.run(
        [sys.executable, "-m", "bench.needs", "--worker"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"\nNeeds in French — {result['needs']} needs, demo dataset (seed 42)")
    print(f"  {'method':<14} {'part':<8} {'needs':>5} {'recall@10':>10} {'MRR':>7}")
    for method, parts in result["methods"].items():
        for split, m in parts.items():
            print(
                f"  {method:<14} {split:<8} {m['needs']:>5} {m['recall@10']:>10.3f}"
                f" {m['MRR']:>7.3f}"
            )
    new, old = result["timing"]["passerelles"], result["timing"]["before §39"]
    print(
        f"  reading and ranking one need (top 100): p50 {new['p50_ms']:.1f} ms, p95 "
        f"{new['p95_ms']:.1f} ms; before §39 p50 {old['p50_ms']:.1f} ms, p95 "
        f"{old['p95_ms']:.1f} ms; ratio at p95 {new['p95_ms'] / old['p95_ms']:.2f}"
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        print(json.dumps(worker()))
    else:
        from bench.__main__ import parse_args

        run(parse_args(["--only", "needs", *sys.argv[1:]]))
