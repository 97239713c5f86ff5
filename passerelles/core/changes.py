"""Change tokens kept in the database, for what a process holds in memory (docs/decisions.md
§42): the directory's columns (actors.snapshot) are read once per process and kept until a
token of a topic they show changes.

Why not the page cache's versions (core.fragments)? They live in the cache, which may be off
(`PASSERELLES_PAGE_CACHE=off`: a dummy cache draws new versions at every read) or be culled.
The database is shared by every worker, and a token replaced inside the writing transaction
commits (or rolls back) with the data it describes.

A token is random, not a counter: a rolled-back transaction (every test) puts the old value
back, and a counter would then hand out the same value again for different data."""

import secrets

from django.db import DatabaseError, transaction

from passerelles.core.models import ChangeToken

# The topics something in memory depends on; bumps of the others cost no write.
TRACKED = ("organisation", "project", "participants", "referentials")


def touch(*topics: str, using: str = "default") -> None:
    """These topics changed: give each a new token (in the current transaction, if any)."""
    for topic in topics:
        token = secrets.token_hex(8)
        try:
            # A savepoint: a failure here (a table not migrated yet, during `migrate` itself)
            # must not break the caller's transaction.
            with transaction.atomic(using=using):
                updated = ChangeToken.objects.using(using).filter(topic=topic).update(token=token)
                if not updated:
                    ChangeToken.objects.using(using).create(topic=topic, token=token)
        except DatabaseError:
            # No table yet (migrations running): nothing holds these topics in memory yet.
            continue


def tokens(*topics: str, using: str = "default") -> str:
    """A string that changes whenever one of `topics` is touched ("" when none ever was)."""
    found = dict(
        ChangeToken.objects.using(using).filter(topic__in=topics).values_list("topic", "token")
    )
    return ".".join(found.get(t, "") for t in topics)
