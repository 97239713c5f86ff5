"""French full-text search in the database's own engine, one implementation for every index
(organisations, projects): SQLite FTS5 or a PostgreSQL tsvector, French word forms brought
together by simplemma lemmas (see text.py and docs/decisions.md §2, §18).

An app declares a `SearchIndex`: its table (created by the app's migration), its columns with
their PostgreSQL weights, the searched model, the reverse name of its unmanaged index model
(`search_entry`) and a document builder. The builder is `builder(using)` → `build(ids)` →
documents (objects with an `id` and one string of tokens per column); it is called once per
rebuild or index run, so shared lookups (theme texts) are read once, then chunk by chunk.

Semantics, the same for every index: accent- and case-insensitive, every word must match (if
no row has them all, any word may match, best first), the last word also matches as a prefix.
`search()` keeps the queryset lazy (it joins the index table): filter it, paginate it, count
it; for facet counts with `values(...).annotate(Count(...))` call `.order_by()` first."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType

import numpy as np
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from passerelles.core.search import formats, postgres, sqlite
from passerelles.core.search.text import parse_query

# Every declared index, by table (filled as apps declare theirs).
REGISTRY: dict[str, "SearchIndex"] = {}

# Ids read and documents written per round trip: a rebuild of 100,000 rows stays a matter of
# seconds without holding them all in memory.
CHUNK = 2000


def backend(conn) -> ModuleType:
    if conn.vendor == "sqlite":
        return sqlite
    if conn.vendor == "postgresql":
        return postgres
    # Only SQLite and PostgreSQL are supported (see docs/decisions.md); say so at the first
    # search rather than fail obscurely inside a query.
    raise ImproperlyConfigured(
        f"Passerelles search supports SQLite and PostgreSQL, not {conn.vendor}."
    )


@dataclass(frozen=True)
class Column:
    name: str
    # PostgreSQL's setweight letter, A (heaviest) to D. SQLite's bm25 weights are set by the
    # migration that creates the FTS5 table.
    weight: str
    # Whether an exact phrase here ranks the row first. Not in the themes' names and
    # synonyms: every water organisation inherits "eau potable" from its theme, and the
    # boost is for those whose own words say it.
    phrase: bool = True


@dataclass(frozen=True)
class SearchIndex:
    table: str
    columns: tuple[Column, ...]
    # "app_label.Model": resolved when used, so core imports no app.
    model_label: str
    builder: Callable[[str], Callable[[list[int]], list]]
    # Order among rows of equal rank.
    tie_break: tuple[str, ...]
    # The reverse name of the unmanaged index model's one-to-one key.
    relation: str = "search_entry"

    def __post_init__(self):
        # Known to core without core importing any app: formats.rebuild_stale walks them.
        REGISTRY[self.table] = self

    def model(self):
        return apps.get_model(self.model_label)

    def search(self, queryset: QuerySet, query: str, *, prefix: bool = True) -> QuerySet:
        """Rows of `queryset` matching `query`, best first, annotated with `search_rank`
        (higher is better), then in `tie_break` order.

        A blank query, or one with no searchable word (only stop words or punctuation),
        returns the queryset unchanged: there is nothing to restrict it by."""
        return ranked_matches(self, queryset, query, prefix=prefix)

    def documents(self, ids: Iterable[int], using: str = "default") -> Iterator[list]:
        """Documents for the given ids, a chunk at a time (absent ids have none)."""
        ids = sorted(set(ids))
        build = self.builder(using)
        for start in range(0, len(ids), CHUNK):
            yield build(ids[start : start + CHUNK])

    def all_documents(self, using: str = "default") -> Iterator[list]:
        """Documents for every row, a chunk at a time (keyset pagination on the id)."""
        build = self.builder(using)
        rows = self.model().objects.using(using)
        last = 0
        while True:
            ids = list(rows.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK])
            if not ids:
                return
            yield build(ids)
            last = ids[-1]

    def index(self, ids: Iterable[int], *, using: str = "default") -> int:
        """(Re)index these rows; ids that no longer exist (or have no document) are removed.
        Returns the count of documents written."""
        ids = [int(i) for i in ids]
        if not ids:
            return 0
        conn = connections[using]
        be = backend(conn)
        written = 0
        with transaction.atomic(using=using), conn.cursor() as cursor:
            be.delete(cursor, self, ids)
            for docs in self.documents(ids, using):
                be.write(cursor, self, docs)
                written += len(docs)
        return written

    def remove(self, ids: Iterable[int], *, using: str = "default") -> None:
        ids = [int(i) for i in ids]
        if ids:
            conn = connections[using]
            with conn.cursor() as cursor:
                backend(conn).delete(cursor, self, ids)

    def rebuild(
        self, progress: Callable[[int, int], None] | None = None, *, using: str = "default"
    ) -> int:
        """Empty the index and index every row; `progress(done, total)` after each chunk.
        Returns the number of documents."""
        conn = connections[using]
        be = backend(conn)
        total = self.model().objects.using(using).count()
        done = 0
        if progress:
            progress(0, total)
        with transaction.atomic(using=using), conn.cursor() as cursor:
            be.clear(cursor, self)
            for docs in self.all_documents(using):
                be.write(cursor, self, docs)
                done += len(docs)
                if progress:
                    progress(done, total)
            be.optimize(cursor, self)
            formats.record(self, using)
        return done


def ranked_matches(
    index: SearchIndex, queryset: QuerySet, query: str, *, prefix: bool = True
) -> QuerySet:
    """The query path of every index: the same words, the same "all words, else any word"
    rule, the same ranking; only the table and the tie-break order differ."""
    return matches_of(index, queryset, query, prefix=prefix)[0]


def matches_of(
    index: SearchIndex, queryset: QuerySet, query: str, *, prefix: bool = True
) -> tuple[QuerySet, bool]:
    """`ranked_matches`, and whether no row had every word (any word was then enough)."""
    terms = parse_query(query, prefix=prefix)
    if not terms:
        return queryset, False
    conn = connections[queryset.db]
    be = backend(conn)
    expression = be.match_expression(terms)
    any_term = False
    if len(terms) > 1:
        # All words first; if no row at all has them all, any of them, so that a long query
        # with one unknown word still finds something. One indexed lookup, LIMIT 1.
        with conn.cursor() as cursor:
            if not be.has_match(cursor, index, expression):
                any_term = True
                expression = be.match_expression(terms, any_term=True)
    matches = queryset.filter(**be.filter_kwargs(index, expression)).annotate(
        search_rank=be.rank_expression(index, expression)
    )
    if len(terms) > 1 and not any_term:
        # Exact phrase first: rows holding the words side by side, in order ("eau potable"),
        # before rows holding them apart ("eau de pluie … potable"), then by rank. An alias,
        # not an annotation: never selected, so facet counts do not group by it.
        model = queryset.model
        pk_column = f'"{model._meta.db_table}"."{model._meta.pk.column}"'
        sql, params = be.phrase_condition(index, pk_column, be.phrase_expression(index, terms))
        matches = matches.alias(search_phrase=RawSQL(sql, params, output_field=BooleanField()))
        return matches.order_by("-search_phrase", "-search_rank", *index.tie_break), False
    return matches.order_by("-search_rank", *index.tie_break), any_term


@dataclass(frozen=True, eq=False)
class RawMatches:
    """What the index alone says of a query, with no join to the searched table (§42): every
    matching id, its sort key (ascending = better: SQLite's bm25 rank as it is, PostgreSQL's
    ts_rank negated) and the ids holding the exact phrase (ranked first). The caller filters,
    counts and orders them (with its own tie-break) and reads only the rows it shows.
    Arrays, not lists: a broad query's answer is tens of thousands of ids, kept in memory by
    the columns (core.columns.Columns.matches) for the next click with the same words."""

    ids: np.ndarray
    keys: np.ndarray
    phrase_ids: np.ndarray
    # No row had every word: any word was enough (as `matches_of`).
    any_term: bool

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.keys.nbytes + self.phrase_ids.nbytes


def raw_matches(index: SearchIndex, query: str, *, prefix: bool = True, using: str = "default"):
    """The query path of `matches_of` (the same words, the same "all words, else any word"
    rule, the same rank and phrase), on the index table alone. None for a query with no
    searchable word (nothing to restrict by).

    One statement gives every match, its rank and whether it holds the phrase: on
    PostgreSQL a broad query reads a third of the index, and a second statement for the
    phrase read it again (a quarter of the time of a two-word search at 100,000 rows,
    docs/benchmarks.md)."""
    terms = parse_query(query, prefix=prefix)
    if not terms:
        return None
    conn = connections[using]
    be = backend(conn)
    expression = be.match_expression(terms)
    any_term = False
    with conn.cursor() as cursor:
        if len(terms) > 1 and not be.has_match(cursor, index, expression):
            any_term = True
            expression = be.match_expression(terms, any_term=True)
        phrase = None
        if len(terms) > 1 and not any_term:
            phrase = be.phrase_expression(index, terms)
        ids, keys, phrase_ids = be.ranked(cursor, index, expression, phrase)
    return RawMatches(ids, keys, phrase_ids, any_term)


__all__ = [
    "CHUNK",
    "REGISTRY",
    "Column",
    "RawMatches",
    "SearchIndex",
    "backend",
    "matches_of",
    "ranked_matches",
    "raw_matches",
]
