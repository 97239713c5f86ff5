"""Change tokens kept in the database, for what a process holds in memory (docs/decisions.md
§42, §45): the directory's columns (actors.snapshot) are read once per process and kept until a
token of a topic they show changes, then patched from the ids the log says changed.

Why not the page cache's versions (core.fragments)? They live in the cache, which may be off
(`PASSERELLES_PAGE_CACHE=off`: a dummy cache draws new versions at every read) or be culled.
The database is shared by every worker, and a token replaced inside the writing transaction
commits (or rolls back) with the data it describes.

A token is random, not a counter: a rolled-back transaction (every test) puts the old value
back, and a counter would then hand out the same value again for different data.

The log (core.ChangeLog): each touch also writes (topic, token replaced, new token, ids) in the
same transaction. Writers of one topic queue on its token's row (the UPDATE locks it until
commit), so the rows of a topic form one chain in commit order, and a reader holding columns at
token T collects the ids changed since by following it. A missing link (pruned, written before
the log existed) or a change without ids (a referential, a deletion by cascade, `bump_all`)
means: read everything again."""

import secrets
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Subquery
from django.utils import timezone

from passerelles.core.models import ChangeLog, ChangeToken

# The topics something in memory depends on; bumps of the others cost no write.
TRACKED = ("organisation", "project", "participants", "referentials")
# A change of more ids than this is logged as "everything": patching that many rows would cost
# about what reading them all does, and the row stays small (an import's batch is 2,000 ids).
MAX_IDS = 2000
# A reader further behind than this many changes reads everything again.
MAX_LINKS = 500
# Log rows older than this are pruned: a process idle that long reads everything again.
KEEP = timedelta(days=1)


def touch(*topics: str, using: str = "default", ids=None) -> None:
    """These topics changed: give each a new token (in the current transaction, if any) and
    log the change. `ids`: the rows changed (for each topic), None when unknown."""
    listed = None if ids is None else sorted({int(i) for i in ids})
    text = "" if not listed or len(listed) > MAX_IDS else ",".join(map(str, listed))
    for topic in topics:
        token = secrets.token_hex(8)
        try:
            # A savepoint: a failure here (a table not migrated yet, during `migrate` itself)
            # must not break the caller's transaction.
            with transaction.atomic(using=using):
                previous = _replace(topic, token, using)
                try:
                    with transaction.atomic(using=using):
                        ChangeLog.objects.using(using).create(
                            topic=topic, previous=previous, token=token, ids=text
                        )
                except DatabaseError:
                    # The token moves without its log row (the log's table not migrated
                    # yet): the chain is broken there, and readers read everything again.
                    pass
        except DatabaseError:
            # No table yet (migrations running): nothing holds these topics in memory yet.
            continue


def _replace(topic: str, token: str, using: str) -> str:
    """Set the topic's new token; return the one it replaced ("" for the first)."""
    rows = ChangeToken.objects.using(using).filter(topic=topic)
    # One statement: the right-hand side reads the old row, and the row stays locked until
    # the transaction ends, so no other writer of the topic can slip in between.
    if not rows.update(previous=F("token"), token=token):
        try:
            with transaction.atomic(using=using):
                ChangeToken.objects.using(using).create(topic=topic, token=token)
            return ""
        except IntegrityError:
            # Another transaction wrote the first token meanwhile: replace it like any other.
            rows.update(previous=F("token"), token=token)
    return rows.values_list("previous", flat=True).get()


def tokens_of(*topics: str, using: str = "default") -> dict[str, str]:
    """Each topic's current token ("" when it was never touched)."""
    found = dict(
        ChangeToken.objects.using(using).filter(topic__in=topics).values_list("topic", "token")
    )
    return {t: found.get(t, "") for t in topics}


def tokens(*topics: str, using: str = "default") -> str:
    """A string that changes whenever one of `topics` is touched ("" when none ever was)."""
    return ".".join(tokens_of(*topics, using=using).values())


def changed_ids(topic: str, since: str, until: str, using: str = "default") -> set[int] | None:
    """The ids the changes of `topic` from token `since` to token `until` reported, following
    the log; None when they are not all known (a link missing, a change without ids, too many):
    the caller reads everything again."""
    if since == until:
        return set()
    if not since:
        return None
    log = ChangeLog.objects.using(using).filter(topic=topic)
    first = log.filter(previous=since).order_by("pk").values("pk")[:1]
    # The chain's rows come in commit order by id (see the module's docstring), but the walk
    # below follows the tokens themselves: a row out of place only ends it early.
    rows = (
        log.filter(pk__gte=Subquery(first)).order_by("pk").values_list("previous", "token", "ids")
    )
    links = {previous: (token, ids) for previous, token, ids in rows[: MAX_LINKS + 1]}
    found: set[int] = set()
    token = since
    while token != until:
        if token not in links:
            return None
        token, ids = links.pop(token)
        if not ids:
            return None
        found.update(int(i) for i in ids.split(","))
        if len(found) > MAX_IDS:
            return None
    return found


def prune(using: str = "default") -> int:
    """Delete the log rows older than KEEP (a housekeeping chore of the worker)."""
    old = ChangeLog.objects.using(using).filter(created__lt=timezone.now() - KEEP)
    return old.delete()[0]
