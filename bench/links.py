"""The links here ↔ there of the directory's map (`atlas:links`, docs/decisions.md §44).

`measure_links(get)` times the view over bench/map.py's standard views, without a filter and
with a few of the directory's, given a `get(url, params)` callable like the one of
bench/page.py's worker (Django's test client, failing on anything but 200). Run it once with
the columns in memory and once with `PASSERELLES_DIRECTORY_COLUMNS` off (the SQL path) for the
baseline.

On its own, against the database of DATABASE_URL (a full demo, `passerelles demo --size N`):

    DATABASE_URL=sqlite:///var/links-1000.sqlite3 DJANGO_SETTINGS_MODULE=config.settings.test \\
        python -m bench.links

prints both paths' timings, the columns' reading time and size, and checks that both paths
answer the same JSON for every view and filter measured."""

import json
import sys
import time

from bench.common import percentile
from bench.map import VIEWS

PASSES = 10
# No filter (every published project), a yes/no facet, a search, a search with a facet.
FILTERS = (
    {},
    {"ess": "1"},
    {"q": "santé"},
    {"q": "eau potable", "country": "BF"},
)


def _label(label: str, params: dict) -> str:
    filters = "&".join(f"{k}={v}" for k, v in params.items()) or "no filter"
    return f"{label} · {filters}"


def _summary(times: list[float]) -> dict:
    return {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95), "n": len(times)}


def measure_links(get, passes: int = PASSES) -> dict:
    """Server time of `atlas:links` per view and filter (warmed once: the first call after an
    edit reads the columns), and p50 / p95 over all of them, in milliseconds."""
    from django.urls import reverse

    url = reverse("atlas:links")
    views, every = {}, []
    for label, zoom, bbox in VIEWS:
        for filters in FILTERS:
            params = {**filters, "zoom": zoom, "bbox": bbox}
            get(url, params)
            times = []
            for _ in range(passes):
                started = time.perf_counter()
                get(url, params)
                times.append((time.perf_counter() - started) * 1000)
            views[_label(label, filters)] = _summary(times)
            every += times
    return {"views": views, **_summary(every)}


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client, override_settings
    from django.urls import reverse

    from passerelles.projects import links
    from passerelles.projects.models import Project

    client = Client()
    caches = dict(settings.CACHES)
    caches["pages"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}

    def get(target, params):
        response = client.get(target, params)
        if response.status_code != 200:
            raise RuntimeError(f"{target} {params}: HTTP {response.status_code}")
        return response

    out = {"projects": Project.objects.published().count()}
    with override_settings(CACHES=caches, DEBUG=False):
        links.reset()
        started = time.perf_counter()
        columns = links.current()
        out["columns_read_ms"] = (time.perf_counter() - started) * 1000
        out["columns_kb"] = columns.nbytes / 1e3
        out["pairs"] = len(columns.pair_row)
        # Same answers on both paths, for every view and filter measured.
        url = reverse("atlas:links")
        differ = []
        for _, zoom, bbox in VIEWS:
            for filters in FILTERS:
                params = {**filters, "zoom": zoom, "bbox": bbox}
                fast = json.loads(get(url, params).content)
                with override_settings(PASSERELLES_DIRECTORY_COLUMNS=False):
                    slow = json.loads(get(url, params).content)
                if fast != slow:
                    differ.append(params)
        out["paths_differ"] = differ
        out["columns"] = measure_links(get)
        with override_settings(PASSERELLES_DIRECTORY_COLUMNS=False):
            out["sql"] = measure_links(get, passes=max(2, PASSES // 5))
    for path in ("columns", "sql"):
        result = out[path]
        print(f"{path}: p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms", file=sys.stderr)
        for label, s in result["views"].items():
            print(f"  {label}: {s['p50']:.1f} / {s['p95']:.1f} ms", file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
