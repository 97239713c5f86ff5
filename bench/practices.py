"""Practice sheets: the list's search (French forms over the stored words, decisions §41)
against a naive baseline (`icontains` of every word on every text column), and the pairs of a
common-issue page computed against served from the page cache.

Its own database (var/bench-practices-<size>.sqlite3, or <BENCH_POSTGRES_URL>_practices_<size>),
filled with <size> sheets through the practices' door, half here, half there, built from the
demo's sheets with varied words (seed 42). The pairs read at most 150 sheets per side, so their
cost does not grow with the collection beyond that.

    python -m bench.practices --sizes 2000 --databases sqlite,postgresql
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.common import DATABASES, POSTGRES_URL, SEED, VAR, worker_main

QUERIES = (
    "pompes solaires",
    "épargne solidaire",
    "microcrédit",
    "déchets ménagers",
    "maraîchage biologique",
    "forage",
    "bibliothèque école",
    "stagiaires agricoles",
    "paludisme",
    "compostage",
)
REPEAT = 5
SIZES = (2000,)
# Needs and means, two drawn per sheet into its problem and what was done: the collection's
# words vary as real sheets' do (sheets built from twelve templates alone would share every
# word, and no word would tell one need from another).
NEEDS = (
    "pompe",
    "forage",
    "compost",
    "semences",
    "épargne",
    "microcrédit",
    "bibliothèque",
    "moustiquaire",
    "recyclage",
    "réemploi",
    "irrigation",
    "latrines",
    "cantine",
    "stagiaires",
    "volontaires",
    "coopérative",
    "transformation",
    "séchoir",
    "panneaux solaires",
    "radio",
    "maternité",
    "vaccination",
    "formation des enseignants",
    "artisanat",
)
EXTRA = (
    "avec les habitants",
    "grâce au comité de gestion",
    "en lien avec la commune",
    "pendant deux saisons",
    "avec des bénévoles",
    "et une formation des responsables",
)


def database_url(vendor: str, size: int) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{VAR / f'bench-practices-{size}.sqlite3'}"
    parts = urlsplit(POSTGRES_URL)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_practices_{size}"))


def _build(size: int) -> None:
    from passerelles.core.history import ChangeSource, Origin
    from passerelles.geo.models import Country
    from passerelles.practices import actions, demo
    from passerelles.vocab.models import Theme

    rng = random.Random(SEED)
    themes = {t.slug: t for t in Theme.objects.all()}
    countries = {c.code: c for c in Country.objects.filter(pk__in=["BF", "ML", "SN", "MG", "TG"])}
    origin = Origin(source=ChangeSource.DEMO)
    for n in range(size):
        sheet = demo.SHEETS[n % len(demo.SHEETS)]
        side = rng.choice(("here", "there"))
        need, means = rng.sample(NEEDS, 2)
        data = {
            "title": f"{sheet['title']} {rng.choice(EXTRA)} ({n})",
            "side": side,
            "problem": f"{sheet['problem']} Il manquait : {need}, {rng.choice(EXTRA)}.",
            "what_was_done": sheet["what_was_done"] + f"<p>{need} et {means}.</p>",
            "what_worked": sheet.get("what_worked", ""),
            "what_did_not": sheet.get("what_did_not", ""),
            "country": rng.choice(list(countries.values())) if side == "there" else None,
            "themes": [themes[s] for s in sheet["themes"] if s in themes],
        }
        practice = actions.create_practice(data, origin=origin)
        actions.publish(practice, origin=origin)


def _median_ms(call) -> float:
    times = []
    for _n in range(REPEAT):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _naive(qs, query: str):
    """The baseline: every word, as typed, somewhere in the texts (case-insensitive)."""
    from django.db.models import Q

    for word in query.split():
        match = Q()
        for name in ("title", "problem", "context", "what_was_done", "what_worked"):
            match |= Q(**{f"{name}__icontains": word})
        qs = qs.filter(match)
    return qs


def worker(vendor: str, size: int, fresh: bool) -> dict:
    url = database_url(vendor, size)
    os.environ["DATABASE_URL"] = url
    VAR.mkdir(exist_ok=True)
    if vendor == "sqlite":
        path = Path(urlsplit(url).path)
        if fresh:
            path.unlink(missing_ok=True)
    else:
        from bench.common import _create_postgres_database

        _create_postgres_database(url, fresh=fresh)
    import django

    django.setup()
    from django.core.management import call_command

    from passerelles.core import fragments
    from passerelles.practices import pairs
    from passerelles.practices.models import Practice
    from passerelles.vocab.models import Theme

    call_command("migrate", verbosity=0, interactive=False)
    if not Practice.objects.exists():
        print(f"building {size} sheets ({vendor})…", file=sys.stderr, flush=True)
        _build(size)
    qs = Practice.objects.published()
    ours, naive, found, naive_found = [], [], 0, 0
    for query in QUERIES:
        ours.append(_median_ms(lambda q=query: list(qs.search(q)[:20])))
        naive.append(_median_ms(lambda q=query: list(_naive(qs, q)[:20])))
        found += qs.search(query).count()
        naive_found += _naive(qs, query).count()
    theme_ids = [Theme.objects.get(slug="eau-assainissement").pk]
    computed = _median_ms(lambda: pairs._compute(theme_ids))
    fragments.bump("practice")
    pairs.for_themes(theme_ids)
    cached = _median_ms(lambda: pairs.for_themes(theme_ids))
    shown = pairs._compute(theme_ids)
    return {
        "sheets": Practice.objects.count(),
        "search_ms": round(statistics.median(ours), 2),
        "naive_ms": round(statistics.median(naive), 2),
        "search_vs_naive": round(statistics.median(ours) / statistics.median(naive), 2),
        "found": found,
        "naive_found": naive_found,
        "pairs_computed_ms": round(computed, 1),
        "pairs_cached_ms": round(cached, 2),
        "computed_vs_cached": round(computed / cached, 1),
        "pairs_shown": len(shown["there_to_here"]) + len(shown["here_to_there"]),
    }


def run(options) -> None:
    print("practices: search (French forms) vs naive icontains; pairs computed vs cached")
    for vendor in options.databases:
        for size in SIZES:
            env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test")
            args = [sys.executable, "-m", "bench.practices", "--worker", vendor, str(size)]
            if options.fresh:
                args.append("--fresh")
            out = subprocess.run(args, env=env, check=True, stdout=subprocess.PIPE, text=True)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"  {vendor:10} {size:>6} sheets  {result}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.practices")
    parser.add_argument("--databases", default=",".join(DATABASES))
    parser.add_argument("--fresh", action="store_true")
    options = parser.parse_args(argv)
    options.databases = [d for d in options.databases.split(",") if d]
    run(options)


if __name__ == "__main__":
    if "--worker" in sys.argv:
        worker_main(worker)
    else:
        main()
