"""The whole directory page at national scale (issue 19, docs/decisions.md §42).

On the full demo (organisations, projects and every app's rows; `full=True` databases) at 1,000
and 100,000 organisations, SQLite and PostgreSQL, in one run:

- page: the directory page through Django's test client (search, facets, page, rendering;
  DEBUG off, **the page cache off and no search answer kept** so the computation is
  measured, not what a previous page left),
  over bench/queries_fr.txt and the filter combinations below. Warmed once (which also reads
  the filter columns into memory), then PASSES measured passes. The SQL path of the same
  run (`PASSERELLES_DIRECTORY_COLUMNS` off, the code before §42) is the baseline, one pass.
- same words: a facet click and the second page after each query's first page, its answer
  kept (what a visitor narrowing a search waits for).
- search: count + first page of 20 of each query: ours (the index table alone, the filter
  columns, 20 organisations read by id: id and name, as bench/search.py reads them), the naive
  icontains scan and tantivy's in-memory index (the near-limit reference), as bench/search.py
  measures them.
- map: `map_data` for the standard views of bench/map.py, through the test client, columns
  in memory and (baseline) the SQL grid.
- links: the map's links here ↔ there (`atlas:links`, bench/links.py, §44) for the same views
  with and without filters, columns in memory and (baseline) the SQL path.

Targets: page p95 at 100,000 ≤ 3× p95 at 1,000 (each database); map p95 at 100,000 ≤ 2× at
1,000; count + first page ≥ 10× faster than icontains at p50 and ≥ 5× at p95.

    python -m bench --only page                   # 1,000 and 100,000, both databases
    python -m bench --only page --sizes 1000 --databases sqlite
"""

import sys
import time

import numpy as np

from bench.common import SIZES, percentile, run_worker, setup_django, worker_main
from bench.links import measure_links
from bench.map import VIEWS
from bench.search import load_queries

PASSES = 2
MAP_PASSES = 10
LINK_PASSES = 5
PAGE = 20
DEFAULT_SIZES = (1_000, 100_000)
# Filter combinations a visitor makes from the facets, alone or with a query.
FILTERS = (
    {},
    {"ess": "1"},
    {"side": "there"},
    {"family": ["peasant_org", "diaspora"]},
    {"department": "37"},
    {"country": "SN"},
    {"theme": "sante", "sdg": "3"},
    {"q": "santé", "department": "45"},
    {"q": "eau potable", "country": "BF"},
    {"q": "éducation", "ess": "1", "side": "here"},
    {"q": "développement local", "page": "3"},
    {"country": "MG", "theme": "agriculture", "si": "1"},
)


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _summary(times: list[float]) -> dict:
    return {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95), "n": len(times)}


# --- in the worker process ---------------------------------------------------------------------


def worker(vendor: str, size: int, fresh: bool) -> dict:
    setup_django(vendor, size, fresh=fresh, full=True)
    from django.conf import settings
    from django.test import Client, override_settings
    from django.urls import reverse

    from bench.search import TantivyReference, _icontains
    from passerelles.actors import snapshot
    from passerelles.actors.models import Organisation
    from passerelles.actors.search import INDEX
    from passerelles.core.search import raw_matches

    caches = dict(settings.CACHES)
    caches["pages"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    queries = load_queries()
    pages = [{"q": q} for q in queries] + [dict(f) for f in FILTERS]
    client = Client()
    url = reverse("actors:list")
    map_url = reverse("actors:map-data")
    out = {
        "vendor": vendor,
        "size": size,
        "published": Organisation.objects.published().count(),
        "pages": len(pages),
    }

    def get(target, params):
        response = client.get(target, params)
        if response.status_code != 200:
            raise RuntimeError(f"{target} {params}: HTTP {response.status_code}")

    # Cold: no search answer kept (core.columns.Columns.matches), so every page asks the index
    # as a visitor's first search does. "Same words" below measures them kept.
    with override_settings(CACHES=caches, DEBUG=False, PASSERELLES_SEARCH_ANSWERS=0):
        # The columns read from the database: once per process, and after each edit.
        snapshot.reset()
        out["columns_read_ms"] = _timed(snapshot.current)
        out["columns_mb"] = snapshot.current().nbytes / 1e6
        print(f"page: {vendor} {size:,}: pages…", file=sys.stderr, flush=True)
        for params in pages:  # warm-up
            get(url, params)
        times = [_timed(lambda p=p: get(url, p)) for _ in range(PASSES) for p in pages]
        out["page"] = _summary(times)
        with override_settings(PASSERELLES_SEARCH_ANSWERS=64):
            # A visitor's next click with the same words: a facet (here / there), then the
            # second page. The answer is kept from the first page, asked just before.
            print(f"page: {vendor} {size:,}: same words…", file=sys.stderr, flush=True)
            snapshot.reset()
            snapshot.current()
            times = []
            for q in queries:
                get(url, {"q": q})
                times.append(_timed(lambda q=q: get(url, {"q": q, "side": "here"})))
                times.append(_timed(lambda q=q: get(url, {"q": q, "page": "2"})))
            out["page_kept"] = _summary(times)
        print(f"page: {vendor} {size:,}: map…", file=sys.stderr, flush=True)
        out["map"] = _map(get, map_url)
        print(f"page: {vendor} {size:,}: links here ↔ there…", file=sys.stderr, flush=True)
        out["links"] = measure_links(get, passes=LINK_PASSES)
        with override_settings(PASSERELLES_DIRECTORY_COLUMNS=False):
            print(f"page: {vendor} {size:,}: SQL baseline…", file=sys.stderr, flush=True)
            out["page_sql"] = _summary([_timed(lambda p=p: get(url, p)) for p in pages])
            out["map_sql"] = _map(get, map_url, passes=max(2, MAP_PASSES // 5))
            out["links_sql"] = measure_links(get, passes=2)

        print(f"page: {vendor} {size:,}: count + first page…", file=sys.stderr, flush=True)

        def ours(q):
            # What the page does for its count and first page, without the form and facets:
            # the index table alone, the columns' mask and order, 20 rows read by id.
            columns = snapshot.current()
            matches = raw_matches(INDEX, q)
            mask = columns.matched_mask(matches) if matches else np.ones(columns.size, bool)
            ids = columns.ordered(mask, matches)[:PAGE].tolist()
            names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
            return int(mask.sum()), [(pk, names[pk]) for pk in ids if pk in names]

        started = time.perf_counter()
        tantivy = TantivyReference()
        out["tantivy_build_s"] = time.perf_counter() - started
        out["search"] = {}
        for name, engine in (("ours", ours), ("icontains", _icontains), ("tantivy", tantivy)):
            for q in queries:
                engine(q)
            times = [_timed(lambda q=q, e=engine: e(q)) for _ in range(PASSES) for q in queries]
            out["search"][name] = _summary(times)
    return out


def _map(get, url, passes: int = MAP_PASSES) -> dict:
    views = {}
    every = []
    for label, zoom, bbox in VIEWS:
        params = {"zoom": zoom, "bbox": bbox}
        get(url, params)
        times = [_timed(lambda p=params: get(url, p)) for _ in range(passes)]
        views[label] = _summary(times)
        every += times
    return {"views": views, **_summary(every)}


# --- in the parent process -----------------------------------------------------------------------


def run(options) -> None:
    from rich.console import Console

    console = Console()
    # The bench's default sizes are the search's (20,000 and 100,000); this one compares the
    # national scale with a regional network's.
    sizes = DEFAULT_SIZES if options.sizes == list(SIZES) else options.sizes
    rows = []
    for size in sizes:
        for vendor in options.databases:
            console.print(f"[bold]page[/bold]: {vendor}, {size:,} organisations…")
            rows.append(run_worker("bench.page", vendor, size, fresh=options.fresh, full=True))
    console.print("\nMarkdown for docs/benchmarks.md:\n")
    print(markdown(rows))


def markdown(rows: list[dict]) -> str:
    head = [
        "database",
        "organisations (published)",
        "columns read / size",
        "page p50 / p95 ms",
        "same words p50 / p95 ms",
        "SQL path page p50 / p95 ms",
        "map p50 / p95 ms",
        "SQL map p50 / p95 ms",
        "links p50 / p95 ms",
        "SQL links p50 / p95 ms",
        "ours count + page p50 / p95 ms",
        "icontains p50 / p95 ms",
        "icontains ÷ ours p50 / p95",
        "tantivy p50 / p95 ms",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        s = r["search"]
        ours, naive, ref = s["ours"], s["icontains"], s["tantivy"]
        cells = [
            r["vendor"],
            f"{r['size']:,} ({r['published']:,})",
            f"{r['columns_read_ms']:.0f} ms / {r['columns_mb']:.1f} MB",
            f"{r['page']['p50']:.1f} / {r['page']['p95']:.1f}",
            f"{r['page_kept']['p50']:.1f} / {r['page_kept']['p95']:.1f}",
            f"{r['page_sql']['p50']:.1f} / {r['page_sql']['p95']:.1f}",
            f"{r['map']['p50']:.1f} / {r['map']['p95']:.1f}",
            f"{r['map_sql']['p50']:.1f} / {r['map_sql']['p95']:.1f}",
            f"{r['links']['p50']:.1f} / {r['links']['p95']:.1f}",
            f"{r['links_sql']['p50']:.1f} / {r['links_sql']['p95']:.1f}",
            f"{ours['p50']:.1f} / {ours['p95']:.1f}",
            f"{naive['p50']:.1f} / {naive['p95']:.1f}",
            f"{naive['p50'] / ours['p50']:.1f}× / {naive['p95'] / ours['p95']:.1f}×",
            f"{ref['p50']:.2f} / {ref['p95']:.2f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", *verdicts(rows)]
    return "\n".join(lines)


def verdicts(rows: list[dict]) -> list[str]:
    """The acceptance ratios of issue 19, each with its target and whether it is met."""
    out = []
    by = {(r["vendor"], r["size"]): r for r in rows}
    sizes = sorted({r["size"] for r in rows})
    for vendor in sorted({r["vendor"] for r in rows}):
        if len(sizes) >= 2 and (vendor, sizes[0]) in by and (vendor, sizes[-1]) in by:
            small, big = by[(vendor, sizes[0])], by[(vendor, sizes[-1])]
            for what, target in (("page", 3), ("map", 2)):
                ratio = big[what]["p95"] / small[what]["p95"]
                ok = "met" if ratio <= target else "MISSED"
                out.append(
                    f"- {vendor}: {what} p95 at {big['size']:,} ÷ at {small['size']:,} = "
                    f"{ratio:.2f}× (target ≤ {target}×: {ok})"
                )
        for r in rows:
            if r["vendor"] != vendor or r["size"] != sizes[-1]:
                continue
            s = r["search"]
            p50 = s["icontains"]["p50"] / s["ours"]["p50"]
            p95 = s["icontains"]["p95"] / s["ours"]["p95"]
            ok = "met" if p50 >= 10 and p95 >= 5 else "MISSED"
            out.append(
                f"- {vendor}: count + first page at {r['size']:,}: icontains ÷ ours "
                f"{p50:.1f}× at p50, {p95:.1f}× at p95 (targets ≥ 10× and ≥ 5×: {ok})"
            )
    return out


def main(argv=None) -> None:
    worker_main(worker, argv)


if __name__ == "__main__":
    main()
