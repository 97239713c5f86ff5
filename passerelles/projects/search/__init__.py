"""French full-text search of projects: the shared engine (passerelles.core.search) over the
projects' index table, with this app's document builder (documents.py). The same semantics as
the organisations' search; a word in the title ranks above the same word in the description.

- `search(queryset, query)` restricts a Project queryset to matches, annotates `search_rank`
  and orders by it, then by title; it stays a lazy queryset.
- `index_projects(ids)`, `remove_from_index(ids)`, `rebuild_index(progress=None)`. Project
  saves, deletions and theme changes are indexed by signals; services.py reindexes after
  saving participations and places; bulk writers (demo, imports) call these themselves."""

from collections.abc import Callable, Iterable

from django.db.models import QuerySet

from passerelles.core.search import Column, SearchIndex, spelling
from passerelles.projects.search import documents
from passerelles.projects.search.models import TABLE

__all__ = [
    "INDEX",
    "forgiving_search",
    "index_projects",
    "rebuild_index",
    "remove_from_index",
    "search",
]

INDEX = SearchIndex(
    table=TABLE,
    # Four weights only: title and acronym A, themes B, description and participants C,
    # places D (SQLite's bm25 weights are in migration 0002).
    columns=(
        Column("title", "A"),
        Column("acronym", "A"),
        Column("themes", "B", phrase=False),
        Column("body", "C"),
        Column("people", "C"),
        Column("places", "D"),
    ),
    model_label="projects.Project",
    builder=documents.builder,
    tie_break=("sort_title", "title", "pk"),
)


def search(queryset: QuerySet, query: str, *, prefix: bool = True) -> QuerySet:
    """Projects of `queryset` matching `query`, best first, annotated with `search_rank`."""
    return INDEX.search(queryset, query, prefix=prefix)


def forgiving_search(queryset: QuerySet, query: str, restrict=None) -> spelling.Forgiven:
    """`search()`, with a spelling correction proposed (or applied) when it finds little
    (passerelles.core.search.spelling)."""
    return spelling.forgiving_search(INDEX, queryset, query, restrict)


def index_projects(ids: Iterable[int], *, using: str = "default") -> int:
    """(Re)index these projects; ids that no longer exist are removed."""
    return INDEX.index(ids, using=using)


def remove_from_index(ids: Iterable[int], *, using: str = "default") -> None:
    INDEX.remove(ids, using=using)


def rebuild_index(
    progress: Callable[[int, int], None] | None = None, *, using: str = "default"
) -> int:
    """Empty the index and index every project; `progress(done, total)` after each chunk."""
    return INDEX.rebuild(progress, using=using)
