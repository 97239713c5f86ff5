"""The filter columns brought up to date after one edit (issue 19, docs/decisions.md §45).

On the full demo (`full=True` databases, as bench/page.py), for EDITS organisations edited one
at a time through the actions (a cycle of: the international solidarity flag toggled, family
changed, renamed, which moves it in the list's order, withdrawn then published again), the
time of the first `snapshot.current()` after the edit, for the directory's columns and the
projects' (an organisation's family is its projects' participants'):

- patch: the columns follow the change log from their token and re-read the rows changed;
- full: the columns read again from scratch (what every edit cost before §45: `reset()`, then
  `current()`).

Every edit runs inside one transaction rolled back at the end: the bench database is left as
it was. The page cache is a dummy one (its bumps cost nothing). The demo's organisations have
no sort column (`_fill_sort_names`): it is filled first, in the same transaction.

    python -m bench --only refresh                   # 1,000 and 100,000, both databases
    python -m bench --only refresh --sizes 1000 --databases sqlite
"""

import random
import sys
import time

from bench.common import SIZES, percentile, run_worker, setup_django, worker_main

EDITS = 20
DEFAULT_SIZES = (1_000, 100_000)
KINDS = ("si", "family", "rename", "status")


def _timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    value = call()
    return (time.perf_counter() - started) * 1000, value


def _summary(times: list[float]) -> dict:
    return {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95), "n": len(times)}


# --- in the worker process ---------------------------------------------------------------------


def worker(vendor: str, size: int, fresh: bool) -> dict:
    setup_django(vendor, size, fresh=fresh, full=True)
    from django.conf import settings
    from django.db import transaction
    from django.test import override_settings

    from passerelles.actors import actions, snapshot
    from passerelles.actors.enums import Family, Status
    from passerelles.actors.models import Organisation
    from passerelles.core.history import ChangeSource, Origin
    from passerelles.projects import snapshot as project_snapshot

    origin = Origin(None, ChangeSource.SYSTEM, "bench")
    caches = dict(settings.CACHES)
    caches["pages"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    rng = random.Random(19)
    published = list(Organisation.objects.published().order_by("pk").values_list("pk", flat=True))
    chosen = rng.sample(published, EDITS)
    families = list(Family.values)
    out = {"vendor": vendor, "size": size, "published": len(published)}
    times: dict[str, list] = {
        key: [] for key in ("action", "patch", "full", "projects_patch", "projects_full")
    }
    by_kind: dict[str, list] = {kind: [] for kind in KINDS}

    def edit(org, kind):
        if kind == "si":
            actions.update_organisation(org, {"is_si": not org.is_si}, origin=origin)
        elif kind == "family":
            family = rng.choice([f for f in families if f != org.family])
            actions.update_organisation(org, {"family": family}, origin=origin)
        elif kind == "rename":
            actions.update_organisation(org, {"name": f"{org.name} (bis)"}, origin=origin)
        else:
            actions.set_status(org, Status.PENDING, origin=origin)
            actions.set_status(org, Status.PUBLISHED, origin=origin)

    with override_settings(CACHES=caches, DEBUG=False), transaction.atomic():
        out["sort_names_filled"] = _fill_sort_names(Organisation)
        print(f"refresh: {vendor} {size:,}: {EDITS} edits…", file=sys.stderr, flush=True)
        for columns in (snapshot, project_snapshot):
            columns.reset()
            columns.current()
        for i, pk in enumerate(chosen):
            kind = KINDS[i % len(KINDS)]
            org = Organisation.objects.get(pk=pk)
            times["action"].append(_timed(lambda o=org, k=kind: edit(o, k))[0])
            ms, patched = _timed(snapshot.current)
            times["patch"].append(ms)
            by_kind[kind].append(ms)
            times["projects_patch"].append(_timed(project_snapshot.current)[0])
            # The same state read from scratch: what the edit cost before.
            snapshot.reset()
            ms, fresh = _timed(snapshot.current)
            times["full"].append(ms)
            project_snapshot.reset()
            times["projects_full"].append(_timed(project_snapshot.current)[0])
            if patched.contents() != fresh.contents():
                raise AssertionError(f"patched columns differ from a fresh read after {kind}")
        transaction.set_rollback(True)
    out.update({key: _summary(values) for key, values in times.items()})
    out["by_kind"] = {kind: percentile(values, 0.5) for kind, values in by_kind.items()}
    return out


def _fill_sort_names(model) -> int:
    """The demo builder writes organisations in bulk without their sort column (`sort_name`
    stays ""): the first edit of each would then change its place in the list, and every
    patch would read the order again, which a directory edited by people never does. Filled
    here, inside the bench's transaction (rolled back)."""
    from passerelles.core import door
    from passerelles.core.collation import sort_key

    empty = list(model.objects.filter(sort_name="").only("pk", "name"))
    for row in empty:
        row.sort_name = sort_key(row.name)[:200]
    with door.inside():
        model.objects.bulk_update(empty, ["sort_name"], batch_size=2000)
    return len(empty)


# --- in the parent process -----------------------------------------------------------------------


def run(options) -> None:
    from rich.console import Console

    console = Console()
    sizes = DEFAULT_SIZES if options.sizes == list(SIZES) else options.sizes
    rows = []
    for size in sizes:
        for vendor in options.databases:
            console.print(f"[bold]refresh[/bold]: {vendor}, {size:,} organisations…")
            rows.append(run_worker("bench.refresh", vendor, size, fresh=options.fresh, full=True))
    console.print("\nMarkdown for docs/benchmarks.md:\n")
    print(markdown(rows))


def markdown(rows: list[dict]) -> str:
    head = [
        "database",
        "organisations (published)",
        "edit (action) p50 ms",
        "directory: patch p50 / p95 ms",
        "directory: full read p50 / p95 ms",
        "patch p50 by edit: " + " / ".join(KINDS),
        "projects: patch p50 / p95 ms",
        "projects: full read p50 / p95 ms",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [
            r["vendor"],
            f"{r['size']:,} ({r['published']:,})",
            f"{r['action']['p50']:.0f}",
            f"{r['patch']['p50']:.1f} / {r['patch']['p95']:.1f}",
            f"{r['full']['p50']:.0f} / {r['full']['p95']:.0f}",
            " / ".join(f"{r['by_kind'][k]:.1f}" for k in KINDS),
            f"{r['projects_patch']['p50']:.1f} / {r['projects_patch']['p95']:.1f}",
            f"{r['projects_full']['p50']:.0f} / {r['projects_full']['p95']:.0f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> None:
    worker_main(worker, argv)


if __name__ == "__main__":
    main()
