"""The observatory's indicators page (`/observatoire/`) at the demo's size and at national scale.

Issue 16's target: the page at 100,000 organisations and 20,000 projects answers in under 3×
its time at the demo's size (520 organisations), on SQLite and PostgreSQL. Both sizes are
measured in the same run, on the full demo (`passerelles demo --size N`: projects, spaces,
events, grants…; bench.common.full_database_url), through Django's test client with DEBUG off:
URL routing, the filter form, every indicator, the SVG charts and maps, the template.

Each page of PAGES is measured four ways (docs/decisions.md §43):

- **kept**: the figures kept since the last change (the usual case);
- **after a change**: an organisation is edited through its action just before each request,
  which retires the kept figures: the page shows the last ones, dated, and queues a job;
- **new selection**: the page cache emptied before each request, as for a combination of
  filters nobody has asked for yet: computed in the request up to
  PASSERELLES_OBSERVATORY_INLINE_ORGANISATIONS organisations, beyond which the page says the
  figures are being computed and a job computes them;
- **computing** (not a page): the job's work, every indicator computed from the rows; how long
  after a change the page shows the new figures.

p50 / p95 over PASSES requests each (COMPUTE_PASSES computations); the ratio is the worst p95
at the large size over the worst p95 at the demo's size, per way and per database."""

import time

from bench.common import percentile, run_worker, setup_django, worker_main

PASSES = 7
COMPUTE_PASSES = 3
DEMO_SIZE = 520
# (label, query string, signed in as staff?)
PAGES = (
    ("all years", "", False),
    ("this year", "year={year}", False),
    ("department Loiret", "department=45", False),
    ("country Mali", "country=ML", False),
    ("theme + year", "theme={theme}&year={year}", False),
    ("staff, all years", "", True),
)
WAYS = ("kept", "after a change", "new selection", "computing")


def worker(vendor: str, size: int, fresh: bool) -> dict:
    build_s = setup_django(vendor, size, fresh=fresh, full=True)
    from django.test.utils import override_settings

    # As in production: jobs are rows for the worker (none runs here), not run in the request
    # as the test settings' immediate backend would.
    override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}).enable()
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone, translation

    from passerelles.actors import actions as actor_actions
    from passerelles.actors.models import Organisation
    from passerelles.core import fragments
    from passerelles.core.history import Origin
    from passerelles.observatory import computed
    from passerelles.projects.models import Project
    from passerelles.users.models import User
    from passerelles.vocab.models import Theme

    year = timezone.localdate().year
    theme = Theme.objects.order_by("pk").values_list("slug", flat=True).first()
    staff = User.objects.get(email="equipe@passerelles.example")
    editor = Organisation.objects.published().order_by("pk").first()

    def touch():
        # A real edit through the door, as a member's would be (its history, re-index and
        # page-cache bump included), then committed: the bump takes effect at commit.
        with transaction.atomic():
            actor_actions.update_organisation(
                Organisation.objects.get(pk=editor.pk),
                {"phone": f"02 38 00 {len(times_all) % 100:02d} 00"},
                origin=Origin(user=staff),
            )

    times_all: list = []
    pages = []
    for label, query, as_staff in PAGES:
        client = Client()
        if as_staff:
            client.force_login(staff)
        query = query.format(year=year, theme=theme)
        url = "/observatoire/?" + query
        with translation.override("fr"):  # the figures, kept (the client asks in French)
            computed.live(filters_of(query), staff=as_staff)
        response = client.get(url)  # templates, the release token, connections
        assert response.status_code == 200, (url, response.status_code)
        measured = {}
        for way in WAYS:
            times = []
            for _ in range(COMPUTE_PASSES if way == "computing" else PASSES):
                if way == "new selection":
                    fragments.cache().clear()
                elif way == "after a change":
                    touch()
                started = time.perf_counter()
                if way == "computing":
                    with translation.override("fr"):
                        computed._compute(filters_of(query), as_staff)
                else:
                    response = client.get(url)
                    assert response.status_code == 200
                times.append((time.perf_counter() - started) * 1000)
                times_all.append(times[-1])
            measured[way] = {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95)}
            if way == "after a change":
                assert b"en cours de calcul" in response.content, "the kept figures were not shown"
            if way == "kept":
                page_bytes = len(response.content)
        pages.append({"label": label, "bytes": page_bytes, **measured})
    return {
        "vendor": vendor,
        "size": size,
        "build_s": build_s,
        "organisations": Organisation.objects.published().count(),
        "projects": Project.objects.published().count(),
        "pages": pages,
    }


def filters_of(query: str):
    from django.http import QueryDict

    from passerelles.observatory.scope import Filters

    q = QueryDict(query)
    return Filters(
        year=int(q["year"]) if q.get("year") else None,
        department=q.get("department", ""),
        country=q.get("country", ""),
        theme=q.get("theme", ""),
    )


def summary(rows: list[dict]) -> dict:
    """(vendor, way) → p95 over all pages at the demo's size, at the largest, and the ratio."""
    out = {}
    for vendor in {r["vendor"] for r in rows}:
        mine = sorted((r for r in rows if r["vendor"] == vendor), key=lambda r: r["size"])
        small, large = mine[0], mine[-1]
        for way in WAYS:
            a = max(p[way]["p95"] for p in small["pages"])
            b = max(p[way]["p95"] for p in large["pages"])
            out[(vendor, way)] = (small["size"], a, large["size"], b, b / a if a else float("nan"))
    return out


def markdown(rows: list[dict]) -> str:
    head = ["database", "organisations / projects", "page"] + [
        f"{way} p50 / p95 ms" for way in WAYS
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        for p in r["pages"]:
            cells = [r["vendor"], f"{r['organisations']:,} / {r['projects']:,}", p["label"]]
            cells += [f"{p[w]['p50']:.0f} / {p[w]['p95']:.0f}" for w in WAYS]
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| database | way | worst p95 small (ms) | worst p95 large (ms) | ratio |"]
    lines.append("|---|---|---|---|---|")
    for (vendor, way), (_s, a, _l, b, ratio) in sorted(summary(rows).items()):
        lines.append(f"| {vendor} | {way} | {a:.0f} | {b:.0f} | {ratio:.2f}× |")
    return "\n".join(lines)


def run(options) -> None:
    from rich.console import Console

    console = Console()
    rows = []
    # The demo's size is the baseline, always measured in the same run.
    sizes = sorted({DEMO_SIZE, *options.sizes})
    for vendor in options.databases:
        for size in sizes:
            console.print(f"[bold]observatory[/bold]: {vendor}, {size:,} organisations…")
            row = run_worker("bench.observatory", vendor, size, fresh=options.fresh, full=True)
            rows.append(row)
    for (vendor, way), (s, a, large, b, ratio) in sorted(summary(rows).items()):
        verdict = "OK" if ratio <= 3 else "OVER 3×"
        console.print(
            f"{vendor} {way}: worst p95 {b:.0f} ms at {large:,} vs {a:.0f} ms at {s:,}: "
            f"{ratio:.2f}× ({verdict})"
        )
    console.print("\nMarkdown for docs/benchmarks.md:\n")
    print(markdown(rows))


def main(argv=None) -> None:
    worker_main(worker, argv)


if __name__ == "__main__":
    main()
