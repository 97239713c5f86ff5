"""Indexes built in an older document format are rebuilt at the end of `migrate`.

The documents in an index are words as `text.py` wrote them when the row was indexed; the
query side reads them with today's rules. When those rules change (compounds joined, roots,
PostgreSQL's `simple` configuration: decisions §26), FORMAT goes up, and every database that
runs `migrate` — a deploy, `make run` on an existing demo — rebuilds its indexes once, instead
of searching stale documents until someone thinks of `rebuild_search_index`.

Not in a data migration: a migration runs against the schema of its own time, and the
builders read today's models. After the last migration the schema is today's."""

import logging

from django.db import DatabaseError, transaction

# Raise when the words written into documents change; see the module docstring.
FORMAT = 2

log = logging.getLogger(__name__)


def record(index, using: str) -> None:
    from passerelles.core.models import SearchIndexState

    SearchIndexState.objects.using(using).update_or_create(
        table=index.table, defaults={"format": FORMAT}
    )


def stale(using: str) -> list:
    from passerelles.core.models import SearchIndexState
    from passerelles.core.search import REGISTRY

    built = dict(SearchIndexState.objects.using(using).values_list("table", "format"))
    return [index for table, index in sorted(REGISTRY.items()) if built.get(table) != FORMAT]


def rebuild_stale(*, using: str = "default", stdout=None, verbosity: int = 1, **kwargs) -> None:
    """post_migrate receiver (connected once, by core)."""
    plan = kwargs.get("plan") or []
    if any(backwards for _migration, backwards in plan):
        # Migrating backwards leaves an older schema than the builders expect.
        return
    try:
        indexes = stale(using)
    except DatabaseError:
        # core's table is not there (migrating to an earlier state): nothing to compare.
        return
    for index in indexes:
        try:
            with transaction.atomic(using=using):
                count = index.rebuild(using=using)
        except DatabaseError:
            # A partial migrate (`migrate actors 0005`) may leave a schema the builders do not
            # know yet; the next full migrate rebuilds it.
            log.warning("search index %s left for the next migrate", index.table, exc_info=True)
            continue
        if stdout is not None and verbosity and count:
            stdout.write(f"  Search index {index.table} rebuilt ({count} documents).\n")
