"""Live figures kept between requests, and recomputed by the task worker after a change
(docs/decisions.md §43).

Computing every indicator reads the whole directory: a quarter of a second at the demo's size,
seconds at a national federation's (100,000 organisations, 20,000 projects; bench/observatory.py).
No visitor should wait for that, and an observatory's figures need not be right to the second,
so the tables are kept in the page cache (core/fragments.py) under two keys:

- the **current** key names the versions of every topic the indicators read (organisations,
  projects, participants, referentials, and "activity": events, registrations, spaces and
  their contributions, grant rounds and applications, case files, memberships; bumped by the
  write path), the filters, who asks (staff see more indicators), the language and the day
  (staff indicators count records by age).
  A hit is exact: nothing the figures count has changed since they were computed.
- the **latest** key names only the filters, who asks and the language: the figures last
  computed, whatever has changed since. After a change, the page shows them at once, dated
  ("Chiffres calculés le … à …"), says an update is under way, and a job computes the new ones
  (one job per key at a time).

A combination of filters never computed before is computed inside the request while the
directory is small (PASSERELLES_OBSERVATORY_INLINE_ORGANISATIONS, well under a second); beyond,
the page says the figures are being computed and asks again until the job has kept them.

Downloads, the API, the yearly report and the national roll-up read the same kept figures, so a
download is exactly what the page showed."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import get_language
from django_tasks.backends.immediate import ImmediateBackend

from passerelles.actors.models import Organisation
from passerelles.core import fragments, jobs
from passerelles.observatory.registry import REGISTRY, Indicator, Table, visible
from passerelles.observatory.scope import Filters, Scope
from passerelles.observatory.snapshots import in_words

TOPICS = ("organisation", "project", "participants", "referentials", "activity")
# A refresh job is queued once per key; if its worker dies, another may be queued after this.
REFRESH_GUARD_SECONDS = 300


@dataclass
class Computed:
    # (indicator, table) in the registry's order.
    results: list[tuple[Indicator, Table]]
    computed_at: datetime | None
    # True: older figures, shown while a job computes the new ones.
    refreshing: bool = False
    # True: no figures yet for these filters; a job is computing them.
    pending: bool = False


def _vary(filters: Filters, staff: bool) -> tuple:
    return (tuple(sorted(filters.as_query().items())), bool(staff))


def _keys(filters: Filters, staff: bool) -> tuple[str, str]:
    vary = _vary(filters, staff)
    current = fragments.key("observatory", TOPICS, *vary, timezone.localdate().isoformat())
    latest = fragments.key("observatory-latest", (), *vary)
    return current, latest


def _compute(filters: Filters, staff: bool) -> dict:
    scope = Scope(filters)
    tables = [(ind.key, in_words(ind.compute(scope))) for ind in visible(staff=staff)]
    return {"tables": tables, "at": timezone.now()}


def _out(value: dict, *, refreshing: bool = False) -> Computed:
    results = [(REGISTRY[key], table) for key, table in value["tables"] if key in REGISTRY]
    return Computed(results=results, computed_at=value["at"], refreshing=refreshing)


def _store(filters: Filters, staff: bool) -> dict:
    """Compute now and keep the figures under both keys. The current key is taken before
    computing: a change made meanwhile bumps a topic, so these figures are never filed as
    newer than they are."""
    current, latest = _keys(filters, staff)
    value = _compute(filters, staff)
    store = fragments.cache()
    store.set(current, value)
    store.set(latest, value, timeout=None)
    return value


def live(filters: Filters, *, staff: bool, wait: bool = True) -> Computed:
    """The figures for these filters: exact when kept since the last change, else the last ones
    computed (marked `refreshing`, a job computing the new ones), else computed now; with
    `wait=False` (the page) and a large directory, `pending` while a job computes them."""
    store = fragments.cache()
    current, latest = _keys(filters, staff)
    value = store.get(current)
    if value is not None:
        return _out(value)
    older = store.get(latest)
    from passerelles.observatory import tasks

    if isinstance(tasks.refresh_figures.get_backend(), ImmediateBackend):
        # No worker (tests, a site run without one): the job would run here anyway, once the
        # request's transaction commits, after the page was drawn with older figures.
        return _out(_store(filters, staff))
    if older is None and (wait or _small_directory()):
        return _out(_store(filters, staff))
    if store.add(f"{latest}:refreshing", True, timeout=REFRESH_GUARD_SECONDS):
        jobs.enqueue(tasks.refresh_figures, filters.as_query(), bool(staff), get_language() or "fr")
    if older is None:
        return Computed(results=[], computed_at=None, pending=True)
    return _out(older, refreshing=True)


def _small_directory() -> bool:
    """Few enough organisations for every indicator to be computed well within a request
    (about 0.1 ms per organisation with its projects, bench/observatory.py)."""
    limit = settings.PASSERELLES_OBSERVATORY_INLINE_ORGANISATIONS
    return not Organisation.objects.all()[limit : limit + 1].exists()


def refresh(query: dict, staff: bool, language: str) -> None:
    """The job's work: compute and keep the figures of one page (filters as GET parameters)."""
    filters = Filters(
        year=int(query["year"]) if query.get("year") else None,
        department=query.get("department", ""),
        country=query.get("country", ""),
        theme=query.get("theme", ""),
    )
    with translation.override(language):
        try:
            _store(filters, staff)
        finally:
            fragments.cache().delete(f"{_keys(filters, staff)[1]}:refreshing")
