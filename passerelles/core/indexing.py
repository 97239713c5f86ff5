"""Deferred index maintenance for bulk writers.

Signal handlers keep derived tables (the search indexes, the partner-suggestion profiles) in
step with every single save, which is right for a form and ruinous for an import of 100,000
rows: each save would rebuild its documents one by one. Inside `deferred_indexing()`, handlers
that go through `request()` only note which ids changed; the work runs once per kind and
database, in batches, when the block ends (or when the writer calls `flush()` between chunks,
so memory stays flat). It runs inside the caller's transaction, so a rolled-back import leaves
the indexes as they were, exactly like the immediate path.

The state lives in a context variable: each thread (web request, test thread) has its own.

Actions say what changed with `changed(topic, ids)`; the apps that keep a derived table
subscribe to a topic with `listen(topic, kind, handler)` when they start. So a lower app (the
organisations' actions) asks a higher one (the partner suggestions) to re-index without
importing it. Topics in use: "organisation" (a row or its links changed), "project",
"participants" (organisations whose project participations changed) and "practice" (practice
sheets and the curated pairs of the common-issue pages).
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar

Handler = Callable[..., object]  # handler(ids: list[int], using: str)

_pending: ContextVar[dict | None] = ContextVar("passerelles_deferred_indexing", default=None)
_listeners: dict[str, dict[str, Handler]] = {}


def listen(topic: str, kind: str, handler: Handler) -> None:
    """Run `handler(ids, using=…)` (as `kind`) whenever an action reports `topic` changed.
    Called from an app's ready(); registering the same kind twice keeps one."""
    _listeners.setdefault(topic, {})[kind] = handler


def changed(topic: str, ids: Iterable[int], using: str = "default") -> None:
    """An action changed these rows of `topic`: every listener re-indexes them, now or at the
    end of the deferred block."""
    ids = [int(i) for i in ids]
    if not ids:
        return
    for kind, handler in _listeners.get(topic, {}).items():
        request(kind, ids, using, handler)


def request(kind: str, ids: Iterable[int], using: str, handler: Handler) -> None:
    """Run `handler(ids, using=using)` now, or note the ids when indexing is deferred.

    `kind` names the derived table ("actors.search", …); handlers of one kind must accept
    any set of ids, including ids deleted since (they remove those)."""
    ids = [int(i) for i in ids]
    if not ids:
        return
    pending = _pending.get()
    if pending is None:
        handler(ids, using=using)
        return
    _handler, noted = pending.setdefault((kind, using), (handler, set()))
    noted.update(ids)


def is_deferred() -> bool:
    return _pending.get() is not None


def flush() -> None:
    """Run the noted work now (between chunks of a bulk write). No-op when not deferred."""
    pending = _pending.get()
    if not pending:
        return
    # Derived tables may depend on one another (a profile reads the organisation's index
    # text); kinds run in the order they were first requested, which is the write order.
    # A handler may note more work (an organisation renamed: its projects' documents), of a
    # kind that already ran: go round again until nothing is left.
    while any(ids for _handler, ids in pending.values()):
        for (_kind, using), (handler, ids) in list(pending.items()):
            if ids:
                batch = sorted(ids)
                ids.clear()
                for start in range(0, len(batch), 2000):
                    handler(batch[start : start + 2000], using=using)


def discard() -> None:
    """Drop the noted work: for a bulk writer that rebuilds the derived tables itself once
    it is done (the demo). No-op when not deferred."""
    pending = _pending.get()
    if pending:
        pending.clear()


@contextmanager
def deferred_indexing():
    """Collect index work during the block; run it in batches at the end. Nested blocks
    share the outermost one's batch."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set({})
    try:
        yield
        flush()
    finally:
        _pending.reset(token)
