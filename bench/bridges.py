"""Partner suggestions: quality against baselines, and latency against brute force.

Quality — hide 20 % of the existing partnerships (two organisations sharing a project), ask
for each hidden pair the suggestions of one organisation (its other partners excluded, as the
product does) and look for the other: recall@10 and MRR (cut at rank 100, for every method).
Baselines computed in the same run on the same hidden pairs: random, same-theme-only (number of
shared themes, ties in random order), text-only TF-IDF cosine (our own implementation, the same
lemmatiser). Two datasets:
(a) the demo (actors demo + projects demo, whose partners are picked by the projects demo);
(b) a generated dataset (bench/bridges_data.py) whose partnerships come from latent interests,
    true (partly undeclared) countries and family preferences — not from our score.

Latency — the generated dataset at 100,000 organisations, in memory: the indexed ranking
(`engine.rank`) against scoring every organisation (`engine.brute_force`), same query, with
the overlap of their top 10 (recall of the fast path against brute force); 100 queries, 10 of
them also by brute force (seconds each at this size).

Common issues — time of the /enjeux/ page on the demo, cold (index and groups rebuilt) and warm.

    python -m bench --only bridges"""

import json
import math
import random
import sys
import time
from pathlib import Path

from bench.common import ROOT, VAR, percentile

SEED = 42
HIDE = 0.2
CUTOFF = 100
GENERATED_QUALITY = 3000
LATENCY_SIZE = 100_000
LATENCY_QUERIES = 100
BRUTE_QUERIES = 10


# --- evaluation (in a worker, Django set up) ---------------------------------------------------


def _split(pairs, seed):
    rng = random.Random(seed)
    pairs = sorted(pairs)
    rng.shuffle(pairs)
    k = max(1, round(len(pairs) * HIDE))
    return pairs[:k], pairs[k:]


def _neighbours(pairs):
    out = {}
    for a, b in pairs:
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out


class TextTfidf:
    """Baseline: cosine of TF-IDF vectors of all the text (offers, needs, presentation)."""

    def __init__(self, index):
        import numpy as np

        self.np = np
        n = len(index)
        docs = [
            set(f"{index.raw['offers'][p]} {index.raw['needs'][p]} {index.raw['about'][p]}".split())
            for p in range(n)
        ]
        self.docs = docs
        df = {}
        for d in docs:
            for t in d:
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log1p(n / c) for t, c in df.items()}
        self.postings = {}
        norms = np.array([math.sqrt(sum(self.idf[t] ** 2 for t in d)) or 1.0 for d in docs])
        for p, d in enumerate(docs):
            for t in d:
                self.postings.setdefault(t, []).append(p)
        self.postings = {t: np.asarray(v) for t, v in self.postings.items()}
        self.norms = norms

    def scores(self, pos):
        np = self.np
        acc = np.zeros(len(self.docs))
        q = self.docs[pos]
        qn = math.sqrt(sum(self.idf[t] ** 2 for t in q)) or 1.0
        for t in q:
            acc[self.postings[t]] += self.idf[t] ** 2
        return acc / (self.norms * qn)


def _rank_of(scores, target, allowed, rng):
    """Rank (1-based) of target among allowed positions, ties in random order."""
    s = scores[target]
    higher = int((scores[allowed] > s).sum())
    ties = int((scores[allowed] == s).sum()) - 1
    return 1 + higher + rng.randint(0, max(ties, 0))


def evaluate(index, hidden, visible, make_query, theme_sets):
    """hidden/visible: pairs of positions. make_query(pos, exclude_positions) → Query."""
    import numpy as np

    from passerelles.bridges.suggest.engine import rank

    rng = random.Random(SEED)
    seen = _neighbours(visible)
    index.projects = np.zeros(len(index))
    for p, partners in seen.items():
        index.projects[p] = len(partners)
    tfidf = TextTfidf(index)
    n = len(index)
    results = {m: [] for m in ("random", "same theme", "text TF-IDF", "passerelles")}
    for a, b in hidden:
        for q, target in ((a, b), (b, a)):
            exclude = {q} | seen.get(q, set())
            allowed = np.ones(n, dtype=bool)
            allowed[list(exclude)] = False
            allowed_idx = np.flatnonzero(allowed)
            results["random"].append(rng.randint(1, len(allowed_idx)))
            shared = np.array([len(theme_sets[q] & theme_sets[p]) for p in range(n)], float)
            results["same theme"].append(_rank_of(shared, target, allowed_idx, rng))
            results["text TF-IDF"].append(_rank_of(tfidf.scores(q), target, allowed_idx, rng))
            ranked = rank(index, make_query(q, exclude), limit=CUTOFF)
            ids = [int(s.organisation_id) for s in ranked]
            tid = int(index.ids[target])
            results["passerelles"].append(ids.index(tid) + 1 if tid in ids else CUTOFF + 1)
    table = {}
    for method, ranks in results.items():
        table[method] = {
            "recall@10": sum(r <= 10 for r in ranks) / len(ranks),
            "MRR": sum(1 / r for r in ranks if r <= CUTOFF) / len(ranks),
        }
    return {"queries": len(results["random"]), "methods": table}


def _query_from_generated(index, o, exclude_pos):
    from bench.bridges_data import wanted
    from passerelles.bridges.suggest.engine import Query

    p = o.pos
    return Query(
        offers=set(index.raw["offers"][p].split()),
        needs=set(index.raw["needs"][p].split()),
        about=set(index.raw["about"][p].split()),
        themes=set(index.theme_lists[p]),
        countries=set(index.country_lists[p]),
        localities={index.locality_list[p]} if index.locality_list[p] else set(),
        families_wanted=wanted(o),
        worlds=({"ess"} if o.is_ess else set()) | ({"si"} if o.is_si else set()),
        side=o.side,
        lat=o.lat if o.side == "here" else None,
        lon=o.lon if o.side == "here" else None,
        exclude={int(index.ids[x]) for x in exclude_pos},
    )


def generated_quality():
    from bench.bridges_data import generate, partnerships, profile_rows
    from passerelles.bridges.suggest.index import build_index

    orgs = generate(GENERATED_QUALITY, SEED)
    index = build_index(stamp=("generated",), rows=profile_rows(orgs))
    hidden, visible = _split(partnerships(orgs, SEED), SEED)
    return {
        "organisations": len(orgs),
        "partnerships": len(hidden) + len(visible),
        **evaluate(
            index,
            hidden,
            visible,
            lambda q, ex: _query_from_generated(index, orgs[q], ex),
            [set(index.theme_lists[p]) for p in range(len(index))],
        ),
    }


def latency():
    from bench.bridges_data import generate, profile_rows
    from passerelles.bridges.suggest.engine import brute_force, rank
    from passerelles.bridges.suggest.index import build_index

    started = time.perf_counter()
    orgs = generate(LATENCY_SIZE, SEED + 7)
    rows = profile_rows(orgs)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    index = build_index(stamp=("latency",), rows=rows)
    built = time.perf_counter() - started
    rng = random.Random(SEED)
    picks = rng.sample(range(len(orgs)), LATENCY_QUERIES)
    fast, slow, overlaps = [], [], []
    for i, p in enumerate(picks):
        query = _query_from_generated(index, orgs[p], {p})
        t = time.perf_counter()
        top = rank(index, query, limit=10)
        fast.append(time.perf_counter() - t)
        if i < BRUTE_QUERIES:
            t = time.perf_counter()
            ref = brute_force(index, query, limit=10)
            slow.append(time.perf_counter() - t)
            ref_ids = {s.organisation_id for s in ref}
            overlaps.append(
                len(ref_ids & {s.organisation_id for s in top}) / len(ref_ids) if ref_ids else 1
            )
    # After an edit, a worker patches its index with the changed profiles instead of building
    # it again (suggest/refresh.py): one organisation, then a hundred, given another's texts.
    from passerelles.bridges.suggest.refresh import patch

    patched = {}
    for n in (1, 100):
        changed = [
            (rows[p][0], *rows[(p + 1) % len(rows)][1:]) for p in rng.sample(range(len(rows)), n)
        ]
        t = time.perf_counter()
        patch(index, changed, [], ("patched", n))
        patched[n] = time.perf_counter() - t
    return {
        "organisations": len(index),
        "generate_s": round(generated, 1),
        "index_build_s": round(built, 2),
        "patch_1_ms": round(patched[1] * 1000, 1),
        "patch_100_ms": round(patched[100] * 1000, 1),
        "fast_p50_ms": round(percentile(fast, 0.5) * 1000, 1),
        "fast_p95_ms": round(percentile(fast, 0.95) * 1000, 1),
        "brute_p50_ms": round(percentile(slow, 0.5) * 1000, 1),
        "brute_p95_ms": round(percentile(slow, 0.95) * 1000, 1),
        "ratio_p95": round(percentile(slow, 0.95) / percentile(fast, 0.95), 1),
        "recall_vs_brute": round(sum(overlaps) / len(overlaps), 3),
        "queries": len(fast),
        "brute_queries": len(slow),
    }


def ensure_demo() -> float:
    """Migrate the demo database and fill it once (actors demo, then every app's demo, seed
    42); the seconds spent building it (0 when it was there). Also used by bench/needs.py."""
    from django.core.management import call_command

    from passerelles.actors.models import Organisation

    call_command("migrate", verbosity=0, interactive=False)
    if Organisation.objects.exists():
        return 0.0
    started = time.perf_counter()
    print("building the demo…", file=sys.stderr, flush=True)
    from passerelles.actors.demo import build_demo
    from passerelles.core.demo import build_extensions

    build_demo(seed=SEED)
    build_extensions(seed=SEED, size=None, progress=None)
    return time.perf_counter() - started


def demo_quality():
    from django.test import Client

    from passerelles.actors.models import Organisation
    from passerelles.bridges import issues
    from passerelles.bridges.suggest import queries
    from passerelles.bridges.suggest.index import get_index, reset_index
    from passerelles.projects.models import Participation

    built = ensure_demo()
    index = get_index()
    members = {}
    for project_id, org_id in Participation.objects.values_list("project_id", "organisation_id"):
        if org_id in index.positions:
            members.setdefault(project_id, set()).add(index.positions[org_id])
    pairs = {
        (min(a, b), max(a, b)) for group in members.values() for a in group for b in group if a != b
    }
    hidden, visible = _split(pairs, SEED)
    orgs = Organisation.objects.prefetch_related("themes", "sdgs", "countries_of_action").in_bulk(
        [int(i) for i in index.ids]
    )

    def make_query(q, exclude):
        query = queries.organisation_query(index, orgs[int(index.ids[q])])
        query.exclude = {int(index.ids[x]) for x in exclude}
        return query

    quality = evaluate(
        index, hidden, visible, make_query, [set(index.theme_lists[p]) for p in range(len(index))]
    )
    # The common-issues page, cold then warm.
    client = Client()
    timings = []
    for i in range(6):
        if i == 0:
            reset_index()
            issues._cache.clear()
        t = time.perf_counter()
        response = client.get("/enjeux/")
        timings.append(time.perf_counter() - t)
        assert response.status_code == 200
    t = time.perf_counter()
    assert client.get("/enjeux/theme/agriculture/").status_code == 200
    theme_page = time.perf_counter() - t
    return {
        "organisations": len(index),
        "partnerships": len(pairs),
        "demo_build_s": round(built, 1),
        **quality,
        "issues_cold_ms": round(timings[0] * 1000, 1),
        "issues_warm_p50_ms": round(percentile(timings[1:], 0.5) * 1000, 1),
        "issue_theme_page_ms": round(theme_page * 1000, 1),
    }


def worker(kind: str):
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    return {"demo": demo_quality, "generated": generated_quality, "latency": latency}[kind]()


# --- parent --------------------------------------------------------------------------------


def demo_database_url(fresh: bool) -> str:
    """The demo's SQLite file in var/, removed first when `fresh`."""
    VAR.mkdir(exist_ok=True)
    db = VAR / "bench-bridges-demo.sqlite3"
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{db}"


def _run(kind: str, fresh: bool) -> dict:
    import os
    import subprocess

    env = dict(
        os.environ,
        DATABASE_URL=demo_database_url(fresh) if kind == "demo" else "sqlite:///:memory:",
        DJANGO_SETTINGS_MODULE="config.settings.test",
    )
    out = subprocess.run(
        [sys.executable, "-m", "bench.bridges", "--worker", kind],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _print_quality(title, result):
    print(
        f"\n{title}: {result['organisations']} organisations, "
        f"{result['partnerships']} partnerships, {result['queries']} queries (20 % hidden)"
    )
    print(f"  {'method':<14} {'recall@10':>10} {'MRR':>8}")
    for method, m in result["methods"].items():
        print(f"  {method:<14} {m['recall@10']:>10.3f} {m['MRR']:>8.3f}")


def run(options) -> None:
    fresh = getattr(options, "fresh", False)
    demo = _run("demo", fresh)
    _print_quality("Bridges quality — demo dataset", demo)
    print(
        f"  /enjeux/ cold {demo['issues_cold_ms']} ms, warm p50 {demo['issues_warm_p50_ms']} ms;"
        f" one theme's page {demo['issue_theme_page_ms']} ms"
    )
    generated = _run("generated", fresh)
    _print_quality("Bridges quality — generated dataset (latent interests)", generated)
    lat = _run("latency", fresh)
    print(
        f"\nBridges latency — {lat['organisations']} organisations (index built in "
        f"{lat['index_build_s']} s): indexed p50 {lat['fast_p50_ms']} ms, p95 "
        f"{lat['fast_p95_ms']} ms; brute force p50 {lat['brute_p50_ms']} ms, p95 "
        f"{lat['brute_p95_ms']} ms; ratio at p95 {lat['ratio_p95']}×; top-10 recall against "
        f"brute force {lat['recall_vs_brute']}; after an edit, the index patched in "
        f"{lat['patch_1_ms']} ms (one organisation changed) or {lat['patch_100_ms']} ms (100), "
        f"instead of built again"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2])))
    else:
        from bench.__main__ import parse_args

        run(parse_args(["--only", "bridges", *sys.argv[1:]]))
