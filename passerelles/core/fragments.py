"""Parts of pages computed once and shared by every web worker of the machine, until the write
path says what they show has changed (docs/decisions.md §22).

A fragment's key names what it is (`name` and the values that vary it: an organisation, the
query string, the language…) and the **versions of the topics it shows**. A topic is a kind of
data ("organisation", "project", "participants", "calls", "referentials"…); its version is a
random token in the cache that `bump(topic)` replaces. So an edit never deletes entries: it
makes every key that named the old token unreachable, and the entries expire or are culled.

Who bumps: the actions, through the `core.indexing` topics they already report (listened to
below), and the signals of models written outside actions (funding calls, themes, countries).
A bump happens at once and again when the transaction commits: a page computed between the two
from data not yet committed is filed under a token that the second bump retires.

Never cache what differs between people under a key that does not say so: fragments are
public (the same for every visitor) or keyed by what varies them; pages that differ per
person cache only their public parts (see the organisation page).

`PASSERELLES_PAGE_CACHE=off` puts a dummy cache in place: everything is computed every time
(the load benchmark's baseline)."""

import hashlib
import logging
import pickle
import random
import secrets
import zlib
from functools import lru_cache, partial
from pathlib import Path

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.utils.translation import get_language

from passerelles.core import indexing

ALIAS = "pages"
# Every topic a fragment may depend on; bump_all() retires them all.
# "activity": what the observatory counts beyond organisations and projects (events,
# registrations, spaces' contributions, grant applications, case files, memberships).
TOPICS = (
    "organisation",
    "project",
    "participants",
    "suggestions",
    "calls",
    "referentials",
    "activity",
    "practice",
)
# The topics actions report through core.indexing: a change there retires the fragments too.
INDEXING_TOPICS = ("organisation", "project", "participants", "practice")
logger = logging.getLogger(__name__)


def cache():
    return caches[ALIAS]


def _key(topic: str) -> str:
    return f"version:{topic}"


def versions(*topics: str) -> str:
    """A short token that changes whenever one of `topics` changes."""
    store = cache()
    keys = [_key(t) for t in topics]
    found = store.get_many(keys)
    for key in keys:
        if key not in found:
            # First use (or the entry was culled): any new token will do. add() keeps the
            # token another worker may have written meanwhile.
            token = secrets.token_hex(4)
            found[key] = token if store.add(key, token, timeout=None) else store.get(key, token)
    return ".".join(found[k] for k in keys)


def _write(topics) -> None:
    store = cache()
    for topic in topics:
        if store.set(_key(topic), secrets.token_hex(4), timeout=None) is False:
            # The cache cannot be written (a full disk): drop the token rather than leave the
            # old one, so versions() draws a new one at each call and nothing stale is served.
            store.delete(_key(topic))


def bump(*topics: str, using: str = "default") -> None:
    """These topics changed: retire every fragment that shows them, now and at commit."""
    _write(topics)
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return
    # Once per topic and transaction at commit, however many rows it wrote.
    waiting = {getattr(entry[1], "pages_topic", None) for entry in connection.run_on_commit}
    for topic in topics:
        if topic not in waiting:
            callback = partial(_write, (topic,))
            callback.pages_topic = topic
            transaction.on_commit(callback, using=using)


def written(*topics: str, using: str = "default", ids=None) -> None:
    """The write path changed these topics' data: `bump` the page cache, and move the
    database's change tokens (core.changes) of what processes hold in memory (the filter
    columns, the spelling vocabulary), in the writing transaction so they commit with the
    data. `ids`: the rows changed, when the writer knows them (the columns then patch just
    those, §45); None: anything may have changed. Imported here: this module is imported
    before the models are ready."""
    from passerelles.core import changes

    bump(*topics, using=using)
    tracked = [t for t in topics if t in changes.TRACKED]
    if tracked:
        changes.touch(*tracked, using=using, ids=ids)


def bump_all() -> None:
    """Everything may have changed (the demo rebuilt, a restore, a migration)."""
    written(*TOPICS)


def key(name: str, topics, *vary) -> str:
    """The cache key of fragment `name` varying on `vary` and the language, at the current
    versions of `topics` (a list or a space-separated string)."""
    if isinstance(topics, str):
        topics = topics.split()
    digest = hashlib.sha256(repr((get_language(), *vary)).encode()).hexdigest()[:32]
    return f"f:{name}:{release()}:{versions(*topics)}:{digest}"


@lru_cache(maxsize=1)
def release() -> str:
    """A token of the code this process runs: templates, Python modules and catalogues.

    The cache outlives a deployment (it is shared by the workers, on disk or in a server), and
    the write path bumps topics only when data change: without this, a new release would keep
    serving fragments rendered by the old templates (a menu without its new link) until the
    next edit. Read once per process: a few hundred stat() calls at the first cached page."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in {".html", ".py", ".mo", ".txt"} and "__pycache__" not in path.parts:
            stat = path.stat()
            h.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return h.hexdigest()[:8]


def get_or_build(name: str, topics, vary: tuple, build):
    """The cached value of fragment `name`, or `build()` stored for the next request."""
    cache_key = key(name, topics, *vary)
    store = cache()
    value = store.get(cache_key)
    if value is None:
        value = build()
        store.set(cache_key, value)
    return value


def listen() -> None:
    """Called from CoreConfig.ready(): the topics actions report retire fragments."""
    for topic in INDEXING_TOPICS:
        indexing.listen(topic, "core.pages", _bumper(topic))


def _bumper(topic: str):
    def handler(ids, using="default"):
        written(topic, using=using, ids=ids)

    return handler


def bump_on_save(*models, topic: str, saves: bool = True, ids=None) -> None:
    """Retire `topic` whenever a row of these models is saved or deleted, or their
    many-to-many links change (models written outside the actions: calls, referentials).
    `saves=False`: deletions only (models whose saves go through actions, which report them;
    a deletion from the admin or a cascade does not). `ids(instance)`: the ids of the topic a
    deleted row changes (the columns in memory then patch just those, §45)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    def handler(sender, **kwargs):
        written(topic, using=kwargs.get("using") or "default")

    def deleted(sender, instance, **kwargs):
        written(topic, using=kwargs.get("using") or "default", ids=ids(instance))

    for model in models:
        uid = f"core.pages.{topic}.{model._meta.label_lower}"
        post_delete.connect(
            handler if ids is None else deleted,
            sender=model,
            weak=False,
            dispatch_uid=uid + ".delete",
        )
        if not saves:
            continue
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=uid + ".save")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                handler,
                sender=field.remote_field.through,
                weak=False,
                dispatch_uid=f"{uid}.{field.name}",
            )


class PageFileCache(FileBasedCache):
    """Django's file cache, culled now and then instead of at every write, and never the
    reason a page fails.

    FileBasedCache lists its whole directory at each set() to decide whether to cull: with
    tens of thousands of fragments that listing costs more than the fragment. Culling one
    write in CULL_EVERY keeps the directory near MAX_ENTRIES (a little above at worst).

    A full disk or an unreadable file makes a get() a miss and a set() a no-op that returns
    False (the page is computed, as without a cache), instead of an error page."""

    CULL_EVERY = 50

    def _cull(self):
        if random.random() * self.CULL_EVERY < 1:  # a sampling, not a secret
            super()._cull()

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except (OSError, EOFError, pickle.UnpicklingError, zlib.error):
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except OSError as error:
            logger.warning("page cache: cannot write %s (%s)", key, error)
            return False
        return True

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            if self.has_key(key, version):
                return False
        except OSError:
            return False
        return self.set(key, value, timeout, version)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except OSError as error:
            logger.error("page cache: cannot retire %s (%s)", key, error)
            return False
