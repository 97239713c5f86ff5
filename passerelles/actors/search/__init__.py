"""French full-text search of organisations: the shared engine (passerelles.core.search) over
the organisations' index table, with this app's document builder (documents.py).

Public interface:

- `search(queryset, query)` restricts an Organisation queryset to matches, annotates
  `search_rank` (higher = better) and orders by it, then by name. It stays a lazy queryset:
  filter it further, paginate it, count it. For facet counts with
  `values(...).annotate(Count(...))`, call `.order_by()` first.
- `index_organisations(ids)`, `remove_from_index(ids)`, `rebuild_index(progress=None)`.
  Organisations changed by the actions, deletions and theme changes are indexed through
  signals.py; bulk writers (demo, imports) call `rebuild_index` or `index_organisations`.

A theme's synonyms find the organisations of that theme (they are in the documents)."""

from collections.abc import Callable, Iterable

from django.db.models import QuerySet

from passerelles.actors.search import documents
from passerelles.actors.search.models import TABLE
from passerelles.core.search import Column, SearchIndex, spelling

__all__ = [
    "INDEX",
    "forgiving_search",
    "index_organisations",
    "rebuild_index",
    "remove_from_index",
    "search",
]

INDEX = SearchIndex(
    table=TABLE,
    # A word in the name or acronym outweighs the same word many times in a description.
    columns=(
        Column("name", "A"),
        Column("acronym", "A"),
        Column("themes", "B", phrase=False),
        Column("body", "C"),
        Column("places", "D"),
    ),
    model_label="actors.Organisation",
    builder=documents.builder,
    tie_break=("sort_name", "name", "pk"),
)


def search(queryset: QuerySet, query: str, *, prefix: bool = True) -> QuerySet:
    """Organisations of `queryset` matching `query`, best first, annotated with `search_rank`."""
    return INDEX.search(queryset, query, prefix=prefix)


def forgiving_search(queryset: QuerySet, query: str, restrict=None) -> spelling.Forgiven:
    """`search()`, with a spelling correction proposed (or applied) when it finds little
    (passerelles.core.search.spelling)."""
    return spelling.forgiving_search(INDEX, queryset, query, restrict)


def index_organisations(ids: Iterable[int], *, using: str = "default") -> int:
    """(Re)index these organisations; ids that no longer exist are removed."""
    return INDEX.index(ids, using=using)


def remove_from_index(ids: Iterable[int], *, using: str = "default") -> None:
    INDEX.remove(ids, using=using)


def rebuild_index(
    progress: Callable[[int, int], None] | None = None, *, using: str = "default"
) -> int:
    """Empty the index and index every organisation; `progress(done, total)` per chunk."""
    return INDEX.rebuild(progress, using=using)
