"""What every benchmark needs: a dedicated database per back end and size, filled by the demo
builder, and a way to run a measurement inside Django against it.

The bench never touches the development database: SQLite files are var/bench-<size>.sqlite3,
PostgreSQL databases are <BENCH_POSTGRES_URL>_<size> (default postgres://…/bench_<size>). A
database is built once (demo builder, seed 42) and reused by later runs and by every module;
`--fresh` rebuilds it. Each measurement runs in a child process (`python -m bench.<module>
--worker …`) so that the two back ends and the sizes never share a connection or a cache."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
SIZES = (20_000, 100_000)
DATABASES = ("sqlite", "postgresql")
SEED = 42
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench")


def database_url(vendor: str, size: int) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{VAR / f'bench-{size}.sqlite3'}"
    parts = urlsplit(POSTGRES_URL)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_{size}"))


def full_database_url(vendor: str, size: int) -> str:
    """The bench database holding the whole demo (organisations, projects, spaces, events,
    grants…), for the benchmarks of pages that read more than the directory: a separate
    database from database_url's, whose organisations-only build is much faster."""
    if vendor == "sqlite":
        return f"sqlite:///{VAR / f'bench-full-{size}.sqlite3'}"
    parts = urlsplit(POSTGRES_URL)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_full_{size}"))


def run_worker(
    module: str, vendor: str, size: int, *extra: str, fresh: bool = False, full: bool = False
) -> dict:
    """Run `python -m <module> --worker <vendor> <size>` against the bench database and return
    the JSON object it prints on its last line of output."""
    env = dict(
        os.environ,
        DATABASE_URL=(full_database_url if full else database_url)(vendor, size),
        DJANGO_SETTINGS_MODULE="config.settings.test",
    )
    args = [sys.executable, "-m", module, "--worker", vendor, str(size), *extra]
    if fresh:
        args.append("--fresh")
    out = subprocess.run(args, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def setup_django(vendor: str, size: int, *, fresh: bool = False, full: bool = False) -> float:
    """In a worker: create the database if needed, migrate, build the demo at this size (with
    `full`, the whole demo as `passerelles demo --size` builds it: projects and every other
    app's rows too). Returns the seconds spent building (0 when reused)."""
    import time

    VAR.mkdir(exist_ok=True)
    url = os.environ["DATABASE_URL"]
    if vendor == "sqlite":
        path = Path(urlsplit(url).path)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        _create_postgres_database(url, fresh=fresh)

    import django

    django.setup()
    from django.core.management import call_command

    from passerelles.actors.models import Organisation

    call_command("migrate", verbosity=0, interactive=False)
    if Organisation.objects.exists():
        return 0.0
    started = time.perf_counter()
    print(f"building the demo ({size} organisations, {vendor})…", file=sys.stderr, flush=True)
    if full:
        call_command("demo", size=size, seed=SEED, verbosity=0)
    else:
        from passerelles.actors.demo import build_demo

        build_demo(size=size, seed=SEED)
    return time.perf_counter() - started


def _create_postgres_database(url: str, *, fresh: bool) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def worker_main(worker, argv=None) -> None:
    """Entry point of a benchmark's worker process: `--worker VENDOR SIZE [--fresh]`, prints
    the worker's result as JSON for the parent (run_worker) to read."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", nargs=2, metavar=("VENDOR", "SIZE"), required=True)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args(argv)
    vendor, size = args.worker[0], int(args.worker[1])
    print(json.dumps(worker(vendor, size, args.fresh)))
