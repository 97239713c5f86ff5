"""French full-text search of projects, on SQLite (FTS5) and PostgreSQL (tsvector), built on
the same principles and text helpers as the organisations' search (passerelles.actors.search):
accent- and case-insensitive, French word forms meet (simplemma lemmas), every word must match
(else any word, best first), the last word also matches as a prefix, a theme's synonyms find
the projects of that theme. A word in the title ranks above the same word in the description.

- `search(queryset, query)` restricts a Project queryset to matches, annotates `search_rank`
  and orders by it, then by title; it stays a lazy queryset.
- `index_projects(ids)`, `remove_from_index(ids)`, `rebuild_index(progress=None)`. Project
  saves, deletions and theme changes are indexed by signals; services.py reindexes after
  saving participations and places; bulk writers (demo, imports) call these themselves."""

from collections.abc import Callable, Iterable
from types import ModuleType

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.db.models import QuerySet

from passerelles.actors.search.ranking import ranked_matches
from passerelles.projects.search import postgres, sqlite
from passerelles.projects.search.documents import all_documents, documents

__all__ = ["index_projects", "rebuild_index", "remove_from_index", "search"]


def backend(conn) -> ModuleType:
    if conn.vendor == "sqlite":
        return sqlite
    if conn.vendor == "postgresql":
        return postgres
    raise ImproperlyConfigured(
        f"Passerelles search supports SQLite and PostgreSQL, not {conn.vendor}."
    )


def search(queryset: QuerySet, query: str, *, prefix: bool = True) -> QuerySet:
    """Projects of `queryset` matching `query`, best first, annotated with `search_rank`. A
    query without a searchable word returns the queryset unchanged."""
    return ranked_matches(queryset, query, backend, ("sort_title", "title", "pk"), prefix=prefix)


def index_projects(ids: Iterable[int], *, using: str = "default") -> int:
    """(Re)index these projects; ids that no longer exist are removed."""
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
    if ids:
        conn = connections[using]
        with conn.cursor() as cursor:
            backend(conn).delete(cursor, ids)


def rebuild_index(
    progress: Callable[[int, int], None] | None = None, *, using: str = "default"
) -> int:
    """Empty the index and index every project; `progress(done, total)` after each chunk."""
    from passerelles.projects.models import Project

    conn = connections[using]
    be = backend(conn)
    total = Project.objects.using(using).count()
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
