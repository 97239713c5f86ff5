"""The query path shared by the directory's and the projects' searches: the same words, the
same "all words, else any word" rule, the same ranking; only the index (a back-end module per
database) and the tie-break order differ."""

from collections.abc import Callable, Sequence
from types import ModuleType

from django.db import connections
from django.db.models import QuerySet

from passerelles.actors.search.text import parse_query


def ranked_matches(
    queryset: QuerySet,
    query: str,
    backend: Callable[..., ModuleType],
    tie_break: Sequence[str],
    *,
    prefix: bool = True,
) -> QuerySet:
    """Rows of `queryset` matching `query`, best first, annotated with `search_rank`, then in
    `tie_break` order. `backend(connection)` gives the index's module for that database.

    A blank query, or one with no searchable word (only stop words or punctuation), returns the
    queryset unchanged: there is nothing to restrict it by."""
    terms = parse_query(query, prefix=prefix)
    if not terms:
        return queryset
    conn = connections[queryset.db]
    be = backend(conn)
    expression = be.match_expression(terms)
    if len(terms) > 1:
        # All words first; if no row at all has them all, any of them, so that a long query
        # with one unknown word still finds something. One indexed lookup, LIMIT 1.
        with conn.cursor() as cursor:
            if not be.has_match(cursor, expression):
                expression = be.match_expression(terms, any_term=True)
    return (
        queryset.filter(**be.filter_kwargs(expression))
        .annotate(search_rank=be.rank_expression(expression))
        .order_by("-search_rank", *tie_break)
    )
