"""The observatory's indicators page (`/observatoire/`, issue 16) at the demo's size and at
100,000 organisations with at least 20,000 projects.

The whole page goes through Django's test client (DEBUG off: URL routing, the filter form,
every indicator's queries, the SVG charts and maps, the template), as a visitor and as staff,
unfiltered and with each filter (year, department, country, theme). Each case is measured
twice: **cold**, the page cache emptied before every request (what the first visitor after an
edit waits for), and **warm**, the page cache kept (what the next visitors wait for until the
next edit). p50 and p95 over PASSES requests; the ratio asked by issue 16 is 100k ÷ demo.

The databases are the observatory's own (var/bench-obs-<size>.sqlite3, PostgreSQL
bench_obs_<size>), not the directory benches' ones: the observatory needs the whole demo
(organisations, then projects, funding, spaces, events: passerelles.core.demo), which the
other benches do not build. Built once (seed 42) and reused; `--fresh` rebuilds them."""

import json
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from bench.common import POSTGRES_URL, ROOT, SEED, VAR, percentile, setup_django, worker_main

DEMO_SIZE = 520  # passerelles.actors.demo.DEFAULT_SIZE: what `passerelles demo` builds
LARGE_SIZE = 100_000
MIN_PROJECTS = 20_000  # at LARGE_SIZE (issue 16's acceptance line)
PASSES = {DEMO_SIZE: 9, LARGE_SIZE: 5}
TARGET_RATIO = 3.0


def database_url(vendor: str, size: int) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{VAR / f'bench-obs-{size}.sqlite3'}"
    parts = urlsplit(POSTGRES_URL)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_obs_{size}"))


def _build_rest(size: int) -> float:
    """Projects, funding, spaces and events on top of the organisations, once."""
    from passerelles.core.demo import build_extensions
    from passerelles.projects.models import Project

    if Project.objects.exists():
        return 0.0
    started = time.perf_counter()
    print(f"building projects, spaces, events ({size:,})…", file=sys.stderr, flush=True)
    build_extensions(seed=SEED, size=size, progress=None)
    return time.perf_counter() - started


def _cases() -> list[tuple[str, dict]]:
    """The filter combinations measured, with values the demo always has (deterministic)."""
    from django.db.models import Count

    from passerelles.actors.models import Organisation
    from passerelles.projects.models import Project

    published = Organisation.objects.published()
    department = (
        published.exclude(department=None)
        .values_list("department_id", flat=True)
        .annotate(n=Count("pk"))
        .order_by("-n", "department_id")
        .first()
    )
    country = (
        published.exclude(country_id="FR")
        .values_list("country_id", flat=True)
        .annotate(n=Count("pk"))
        .order_by("-n", "country_id")
        .first()
    )
    theme = (
        Project.objects.values_list("themes__slug", flat=True)
        .exclude(themes=None)
        .annotate(n=Count("pk"))
        .order_by("-n", "themes__slug")
        .first()
    )
    year = time.gmtime().tm_year - 1
    return [
        ("unfiltered", {}),
        (f"year {year}", {"year": year}),
        (f"department {department}", {"department": department}),
        (f"country {country}", {"country": country}),
        (f"theme {theme}", {"theme": theme}),
    ]


def _time(client, url, params, passes: int, cold: bool) -> tuple[list[float], int]:
    from passerelles.core import fragments

    times = []
    queries = 0
    for _ in range(passes):
        if cold:
            fragments.cache().clear()
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (response.status_code, params)
    return times, queries


def _query_count(client, url, params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from passerelles.core import fragments

    fragments.cache().clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params)
    return len(captured)


def worker(vendor: str, size: int, fresh: bool) -> dict:
    built = setup_django(vendor, size, fresh=fresh)
    built += _build_rest(size)
    from django.test import Client
    from django.urls import reverse

    from passerelles.actors.demo import DEMO_USERS
    from passerelles.actors.models import Organisation
    from passerelles.cooperation.models import Contribution
    from passerelles.events.models import Event
    from passerelles.projects.models import FundingLine, Project
    from passerelles.users.models import User

    counts = {
        "organisations": Organisation.objects.count(),
        "projects": Project.objects.count(),
        "funding_lines": FundingLine.objects.count(),
        "contributions": Contribution.objects.count(),
        "events": Event.objects.count(),
    }
    url = reverse("observatory:index")
    staff_email = next(email for email, _name, role in DEMO_USERS if role == "staff")
    visitor, staff = Client(), Client()
    staff.force_login(User.objects.get(email=staff_email))
    passes = PASSES.get(size, 7)
    results = []
    for who, client in (("visitor", visitor), ("staff", staff)):
        for label, params in _cases():
            client.get(url, params)  # warm the process (imports, templates, referentials)
            row = {"who": who, "case": label, "queries": _query_count(client, url, params)}
            for mode, cold in (("cold", True), ("warm", False)):
                times, _q = _time(client, url, params, passes, cold)
                row[mode] = {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95)}
            results.append(row)
            print(f"  {vendor} {size:,} {who} {label}: {row}", file=sys.stderr, flush=True)
    return {"vendor": vendor, "size": size, "built_s": built, "counts": counts, "rows": results}


def run_worker(vendor: str, size: int, fresh: bool) -> dict:
    env = dict(
        os.environ,
        DATABASE_URL=database_url(vendor, size),
        DJANGO_SETTINGS_MODULE="config.settings.test",
    )
    args = [sys.executable, "-m", "bench.observatory", "--worker", vendor, str(size)]
    if fresh:
        args.append("--fresh")
    out = subprocess.run(args, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def markdown_table(results: dict) -> str:
    """One line per (database, who, case): demo and 100k p50/p95, cold and warm, and ratios."""
    head = [
        "database",
        "who",
        "filters",
        "queries",
        "demo cold p50 / p95 ms",
        "100k cold p50 / p95 ms",
        "cold ratio (p50)",
        "demo warm p50 ms",
        "100k warm p50 ms",
        "warm ratio (p50)",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for vendor, (small, large) in results.items():
        for a, b in zip(small["rows"], large["rows"], strict=True):
            cells = [
                vendor,
                a["who"],
                b["case"],
                f"{a['queries']} / {b['queries']}",
                f"{a['cold']['p50']:.0f} / {a['cold']['p95']:.0f}",
                f"{b['cold']['p50']:.0f} / {b['cold']['p95']:.0f}",
                f"{b['cold']['p50'] / a['cold']['p50']:.2f}×",
                f"{a['warm']['p50']:.1f}",
                f"{b['warm']['p50']:.1f}",
                f"{b['warm']['p50'] / a['warm']['p50']:.2f}×",
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(options) -> None:
    from rich.console import Console

    console = Console()
    results = {}
    for vendor in options.databases:
        pair = []
        for size in (DEMO_SIZE, LARGE_SIZE):
            console.print(f"[bold]observatory[/bold]: {vendor}, {size:,} organisations…")
            pair.append(run_worker(vendor, size, options.fresh))
        results[vendor] = tuple(pair)
    for vendor, (small, large) in results.items():
        console.print(f"{vendor}: demo {small['counts']}, large {large['counts']}")
        if large["counts"]["projects"] < MIN_PROJECTS:
            console.print(f"[red]only {large['counts']['projects']:,} projects[/red]")
        worst = max(
            b["cold"]["p50"] / a["cold"]["p50"]
            for a, b in zip(small["rows"], large["rows"], strict=True)
        )
        verdict = "OK" if worst < TARGET_RATIO else f"OVER {TARGET_RATIO:g}×"
        console.print(f"{vendor}: worst cold ratio 100k ÷ demo {worst:.2f}× ({verdict})")
    console.print("\nMarkdown for docs/benchmarks.md:\n")
    print(markdown_table(results))


def main(argv=None) -> None:
    worker_main(worker, argv)


if __name__ == "__main__":
    main()
