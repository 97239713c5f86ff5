"""French full-text search of organisations, on SQLite (FTS5) and PostgreSQL (tsvector).

Public interface:

- `search(queryset, query)` restricts an Organisation queryset to matches, annotates
  `search_rank` (higher = better) and orders by it, then by name. It joins the index table, so
  the result stays a lazy queryset: filter it further, paginate it, count it. For facet counts
  with `values(...).annotate(Count(...))`, call `.order_by()` first (an ordering by rank would
  otherwise end up in the GROUP BY).
- `index_organisations(ids)`, `remove_from_index(ids)`, `rebuild_index(progress=None)`.
  Saves, deletions and theme changes are indexed by signals (see signals.py); bulk writers
  (demo, imports) call `rebuild_index` or `index_organisations` themselves.

Semantics: accent- and case-insensitive, French word forms meet (simplemma lemmas), every word
must match (if no organisation has them all, any word may match, best first), the last word
also matches as a prefix, a theme's synonyms find the organisations of that theme."""

from collections.abc import Callable, Iterable
from types import ModuleType

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.db.models import QuerySet

from passerelles.actors.search import postgres, sqlite
from passerelles.actors.search.documents import all_documents, documents
from passerelles.actors.search.ranking import ranked_matches

__all__ = ["index_organisations", "rebuild_index", "remove_from_index", "search"]


def backend(conn) -> ModuleType:
    vendor = conn.vendor
    if vendor == "sqlite":
        return sqlite
    if vendor == "postgresql":
        return postgres
    # Only SQLite and PostgreSQL are supported (see docs/decisions.md); say so at the first
    # search rather than fail obscurely inside a query.
    raise ImproperlyConfigured(f"Passerelles search supports SQLite and PostgreSQL, not {vendor}.")


def search(queryset: QuerySet, query: str, *, prefix: bool = True) -> QuerySet:
    """Organisations of `queryset` matching `query`, best first, annotated with `search_rank`.

    A blank query, or one with no searchable word (only stop words or punctuation), returns the
    queryset unchanged: there is nothing to restrict it by."""
    return ranked_matches(queryset, query, backend, ("sort_name", "name", "pk"), prefix=prefix)


def index_organisations(ids: Iterable[int], *, using: str = "default") -> int:
    """(Re)index these organisations; ids that no longer exist are removed. Returns the count
    of documents written."""
    ids = [int(i) for i in ids]
    if not ids:
        return 0
    conn = connections[using]
    be = backend(conn)
    written = 0
    with transaction.atomic(using=using), conn.cursor() as cursor:
        be.delete(cursor, ids)
        for docs in documents(ids, using):
            be.write(cursor, docs)
            written += len(docs)
    return written


def remove_from_index(ids: Iterable[int], *, using: str = "default") -> None:
    ids = [int(i) for i in ids]
    if not ids:
        return
    conn = connections[using]
    with conn.cursor() as cursor:
        backend(conn).delete(cursor, ids)


def rebuild_index(
    progress: Callable[[int, int], None] | None = None, *, using: str = "default"
) -> int:
    """Empty the index and index every organisation. `progress(done, total)` is called after
    each chunk. Returns the number of documents."""
    from passerelles.actors.models import Organisation

    conn = connections[using]
    be = backend(conn)
    total = Organisation.objects.using(using).count()
    done = 0
    if progress:
        progress(0, total)
    with transaction.atomic(using=using), conn.cursor() as cursor:
        be.clear(cursor)
        for docs in all_documents(using):
            be.write(cursor, docs)
            done += len(docs)
            if progress:
                progress(done, total)
        be.optimize(cursor)
    return done
