"""Directory search latency on the demo dataset, beside two references measured in the same run.

- passerelles: `search(Organisation.objects.published(), q)`, then what a directory page asks of
  it: the count and the first page of 20 (id, name), ranked.
- icontains: the naive scan (every word in the name or the description, case-insensitive
  LIKE), same count and first page ordered by name. Target: beaten at least 10× at 100,000.
- tantivy: an in-memory tantivy index of the same documents (the same normalised tokens, the
  same field weights), top 20 with the count and the stored names. Target: within 3× of it.
- engine floor: the database's own full-text engine with nothing around it: our match
  expression counted and ranked on the index table alone, in raw SQL (no organisations table,
  no status filter, no ORM, ids only). No design that keeps search in the database and ranks
  every match can go below it, so it tells whether a target is within reach at all.

Each query of bench/queries_fr.txt runs once to warm caches, then PASSES more times, measured."""

import sys
import time
from pathlib import Path

from bench.common import percentile, run_worker, setup_django, worker_main

QUERIES = Path(__file__).with_name("queries_fr.txt")
PASSES = 2
PAGE = 20
ENGINES = ("passerelles", "icontains", "tantivy", "floor")


def load_queries() -> list[str]:
    lines = QUERIES.read_text(encoding="utf-8").splitlines()
    return [q.strip() for q in lines if q.strip() and not q.startswith("#")]


# --- in the worker process (Django set up on the bench database) -----------------------------


def _passerelles(query: str):
    from passerelles.actors.models import Organisation
    from passerelles.actors.search import search

    qs = search(Organisation.objects.published(), query)
    return qs.count(), list(qs.values_list("pk", "name")[:PAGE])


def _icontains(query: str):
    from django.db.models import Q

    from passerelles.actors.models import Organisation

    qs = Organisation.objects.published()
    for word in query.split():
        qs = qs.filter(Q(name__icontains=word) | Q(description__icontains=word))
    return qs.count(), list(qs.order_by("name").values_list("pk", "name")[:PAGE])


class TantivyReference:
    """The same documents as our index, in an in-memory tantivy index."""

    FIELDS = {"name": 10.0, "acronym": 10.0, "themes": 4.0, "body": 1.0, "places": 0.5}

    def __init__(self):
        import tantivy

        from passerelles.actors.models import Organisation
        from passerelles.actors.search import INDEX

        self.tantivy = tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("id", stored=True, indexed=True)
        builder.add_text_field("title", stored=True)  # the display name, not searched
        for field in self.FIELDS:
            builder.add_text_field(field, stored=False)
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema)  # no path: in memory
        writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        titles = dict(Organisation.objects.published().values_list("pk", "name"))
        for docs in INDEX.documents(titles):
            for d in docs:
                writer.add_document(
                    tantivy.Document(
                        id=d.id,
                        title=titles[d.id],
                        name=d.name,
                        acronym=d.acronym,
                        themes=d.themes,
                        body=d.body,
                        places=d.places,
                    )
                )
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def _query(self, terms, occur):
        t = self.tantivy
        clauses = []
        for term in terms:
            per_field = [
                t.Query.boost_query(t.Query.term_query(self.schema, field, term.token), boost)
                for field, boost in self.FIELDS.items()
            ]
            clauses.append((occur, t.Query.boolean_query([(t.Occur.Should, q) for q in per_field])))
        return t.Query.boolean_query(clauses)

    def __call__(self, query: str):
        from passerelles.core.search.text import parse_query

        terms = parse_query(query)
        if not terms:
            return 0, []
        result = self.searcher.search(self._query(terms, self.tantivy.Occur.Must), PAGE)
        if result.count == 0 and len(terms) > 1:  # same fallback as ours: any word
            result = self.searcher.search(self._query(terms, self.tantivy.Occur.Should), PAGE)
        page = [self.searcher.doc(addr)["title"][0] for _score, addr in result.hits]
        return result.count, page


class EngineFloor:
    """Count and first page straight from the index table, as the engine itself answers them."""

    def __init__(self):
        from django.db import connection

        from passerelles.actors.search import INDEX
        from passerelles.actors.search.models import TABLE
        from passerelles.core.search import backend
        from passerelles.core.search.fields import PG_CONFIG

        self.connection = connection
        self.index = INDEX
        self.backend = backend(connection)
        if connection.vendor == "sqlite":
            where = f"{TABLE} MATCH %s"
            order = "rank"  # FTS5's configured bm25 with our column weights
        else:
            where = f"document @@ to_tsquery('{PG_CONFIG}'::regconfig, %s)"
            order = f"ts_rank(document, to_tsquery('{PG_CONFIG}'::regconfig, %s)) DESC"
        self.count_sql = f"SELECT count(*) FROM {TABLE} WHERE {where}"
        self.page_sql = f"SELECT rowid FROM {TABLE} WHERE {where} ORDER BY {order} LIMIT {PAGE}"
        self.page_params = 1 if connection.vendor == "sqlite" else 2

    def __call__(self, query: str):
        from passerelles.core.search.text import parse_query

        terms = parse_query(query)
        if not terms:
            return 0, []
        be = self.backend
        expression = be.match_expression(terms)
        with self.connection.cursor() as cursor:
            # The same fallback as the engine's: any word when no row has them all.
            if len(terms) > 1 and not be.has_match(cursor, self.index, expression):
                expression = be.match_expression(terms, any_term=True)
            cursor.execute(self.count_sql, [expression])
            count = cursor.fetchone()[0]
            cursor.execute(self.page_sql, [expression] * self.page_params)
            return count, [row[0] for row in cursor.fetchall()]


def _measure(engine, queries: list[str]) -> tuple[list[float], list[int]]:
    for q in queries:  # warm-up
        engine(q)
    timings, hits = [], []
    for _ in range(PASSES):
        for q in queries:
            started = time.perf_counter()
            count, _page = engine(q)
            timings.append((time.perf_counter() - started) * 1000)
            hits.append(count)
    return timings, hits


def worker(vendor: str, size: int, fresh: bool) -> dict:
    build_s = setup_django(vendor, size, fresh=fresh)
    from passerelles.actors.models import Organisation
    from passerelles.actors.search import rebuild_index

    started = time.perf_counter()
    rebuild_index()
    index_s = time.perf_counter() - started
    print(f"index rebuilt in {index_s:.1f} s ({vendor}, {size})", file=sys.stderr, flush=True)

    started = time.perf_counter()
    tantivy_ref = TantivyReference()
    tantivy_s = time.perf_counter() - started

    queries = load_queries()
    engines = {
        "passerelles": _passerelles,
        "icontains": _icontains,
        "tantivy": tantivy_ref,
        "floor": EngineFloor(),
    }
    results = {}
    for name, engine in engines.items():
        timings, hits = _measure(engine, queries)
        results[name] = {
            "p50": percentile(timings, 0.5),
            "p95": percentile(timings, 0.95),
            "mean_hits": sum(hits) / len(hits),
            "zero_hits": sum(1 for h in hits[: len(queries)] if h == 0),
        }
    return {
        "vendor": vendor,
        "size": size,
        "organisations": Organisation.objects.count(),
        "published": Organisation.objects.published().count(),
        "queries": len(queries),
        "passes": PASSES,
        "demo_build_s": build_s,
        "index_rebuild_s": index_s,
        "tantivy_build_s": tantivy_s,
        "engines": results,
    }


# --- in the parent process -----------------------------------------------------------------


def run(options) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    rows = []
    for size in options.sizes:
        for vendor in options.databases:
            console.print(f"[bold]search[/bold]: {vendor}, {size:,} organisations…")
            rows.append(run_worker("bench.search", vendor, size, fresh=options.fresh))

    table = Table(title="Directory search latency (ms), count + first page of 20")
    for col in ("database", "orgs", "index", "ours p50", "ours p95", "icontains p50/p95"):
        table.add_column(col, justify="right")
    for col in ("tantivy p50/p95", "icontains ÷ ours p50/p95", "ours ÷ tantivy p50/p95"):
        table.add_column(col, justify="right")
    for col in ("floor p50/p95", "icontains ÷ floor", "floor ÷ tantivy"):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(*markdown_cells(r))
    console.print(table)
    console.print("\nMarkdown for docs/benchmarks.md:\n")
    print(markdown_table(rows))


def markdown_cells(r: dict) -> list[str]:
    e = r["engines"]
    ours, naive, ref, floor = e["passerelles"], e["icontains"], e["tantivy"], e["floor"]
    return [
        r["vendor"],
        f"{r['size']:,}",
        f"{r['index_rebuild_s']:.1f} s",
        f"{ours['p50']:.2f}",
        f"{ours['p95']:.2f}",
        f"{naive['p50']:.1f} / {naive['p95']:.1f}",
        f"{ref['p50']:.2f} / {ref['p95']:.2f}",
        f"{naive['p50'] / ours['p50']:.0f}× / {naive['p95'] / ours['p95']:.0f}×",
        f"{ours['p50'] / ref['p50']:.1f}× / {ours['p95'] / ref['p95']:.1f}×",
        f"{floor['p50']:.2f} / {floor['p95']:.2f}",
        f"{naive['p50'] / floor['p50']:.0f}× / {naive['p95'] / floor['p95']:.0f}×",
        f"{floor['p50'] / ref['p50']:.1f}× / {floor['p95'] / ref['p95']:.1f}×",
    ]


def markdown_table(rows: list[dict]) -> str:
    head = [
        "database",
        "organisations",
        "index rebuild",
        "ours p50 ms",
        "ours p95 ms",
        "icontains p50 / p95 ms",
        "tantivy p50 / p95 ms",
        "icontains ÷ ours (p50 / p95)",
        "ours ÷ tantivy (p50 / p95)",
        "engine floor p50 / p95 ms",
        "icontains ÷ floor (p50 / p95)",
        "floor ÷ tantivy (p50 / p95)",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(markdown_cells(r)) + " |" for r in rows]
    return "\n".join(lines)


def main(argv=None) -> None:
    worker_main(worker, argv)


if __name__ == "__main__":
    main()
