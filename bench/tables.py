"""Benchmark of the table import (organisations CSV): rows per second, dry run and wet run,
beside the bare `csv` module parse of the same file (the floor), and peak memory (maxrss of
the worker process) at two file sizes, which must not grow with the file (≤ 300 MB).

    python -m bench --only tables --databases sqlite
    BENCH_TABLE_ROWS=10000,100000 python -m bench --only tables

Each measurement runs in a child process on a fresh database of its own
(var/bench-tables.sqlite3, or <BENCH_POSTGRES_URL>_tables), migrated (referentials loaded) in
a separate process first, so its maxrss is the import's own. The CSV is generated once per
size (var/bench-table-<rows>.csv, seeded): valid SIRENs, ten communes of the region, themes,
SDGs, booleans; every row is created by the wet run."""

import csv
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.common import POSTGRES_URL, ROOT, VAR

ROWS = tuple(int(n) for n in os.environ.get("BENCH_TABLE_ROWS", "10000,100000").split(",") if n)
MEMORY_LIMIT_MB = 300
COMMUNES = ["41018", "37261", "45234", "18033", "28085", "36044", "41269", "37195", "45208"]
FAMILIES = ["si_association", "diaspora", "ess_enterprise", "local_authority", "school"]
THEMES = ["agriculture; sante", "eau-assainissement", "education-formation; ecsi", "numerique", ""]
HEADER = [
    "name",
    "acronym",
    "family",
    "siren",
    "address",
    "postcode",
    "commune",
    "country",
    "description",
    "themes",
    "sdgs",
    "offers",
    "needs",
    "website",
    "email",
    "is_ess",
    "is_si",
]


def generate(rows: int) -> Path:
    from stdnum import luhn

    path = VAR / f"bench-table-{rows}.csv"
    if path.exists():
        return path
    VAR.mkdir(exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADER)
        for i in range(rows):
            base = f"{10_000_000 + i:08d}"
            writer.writerow(
                [
                    f"Association Banc d'essai {i}",
                    "",
                    FAMILIES[i % len(FAMILIES)],
                    base + luhn.calc_check_digit(base),
                    f"{i % 200 + 1} rue de la Paix",
                    "",
                    COMMUNES[i % len(COMMUNES)],
                    "FR",
                    f"<p>Présentation de l'association {i}.</p>",
                    THEMES[i % len(THEMES)],
                    str(i % 17 + 1),
                    "Accueil de stagiaires",
                    "Partenaires au Sahel",
                    f"https://asso{i}.example.org",
                    f"contact{i}@example.org",
                    "oui" if i % 3 == 0 else "non",
                    "oui",
                ]
            )
    return path


def csv_floor(path: Path) -> tuple[float, float]:
    """(wall, CPU) seconds for the bare csv module to parse the file (no Django, no
    database). CPU time is reported too: on a shared machine, wall time mostly measures the
    neighbours."""
    started, cpu_started = time.perf_counter(), time.process_time()
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for _row in csv.reader(handle, delimiter=";"):
            pass
    return time.perf_counter() - started, time.process_time() - cpu_started


def database_url(vendor: str) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{VAR / 'bench-tables.sqlite3'}"
    return f"{POSTGRES_URL}_tables"


def _env(vendor: str) -> dict:
    return dict(
        os.environ, DATABASE_URL=database_url(vendor), DJANGO_SETTINGS_MODULE="config.settings.test"
    )


def fresh_database(vendor: str) -> None:
    """An empty, migrated database. SQLite: a copy of a template migrated once (migrations
    load the referentials, which takes minutes); PostgreSQL: dropped, created, migrated."""
    if vendor == "sqlite":
        target = VAR / "bench-tables.sqlite3"
        template = VAR / "bench-tables-template.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        if not template.exists():
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "-v0"],
                env=_env(vendor),
                cwd=ROOT,
                check=True,
            )
            with sqlite3.connect(target) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copyfile(target, template)
        else:
            shutil.copyfile(template, target)
        return
    from bench.common import _create_postgres_database

    _create_postgres_database(database_url(vendor), fresh=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], env=_env(vendor), cwd=ROOT, check=True
    )


def measure(vendor: str, path: Path, wet: bool) -> dict:
    args = [sys.executable, "-m", "bench.tables", "--worker", str(path), "wet" if wet else "dry"]
    out = subprocess.run(
        args, env=_env(vendor), cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def worker(path: str, mode: str) -> None:
    import django

    django.setup()
    from passerelles.opendata import registry

    started, cpu_started = time.perf_counter(), time.process_time()
    report = registry.get("organisations").run(path, wet_run=(mode == "wet"))
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "rows": report.total,
                "counts": report.counts,
                "error": report.error,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "maxrss_mb": maxrss_mb,
            }
        )
    )


def run(options) -> None:
    for vendor in options.databases:
        results = {}
        for rows in ROWS:
            path = generate(rows)
            floor, floor_cpu = csv_floor(path)
            fresh_database(vendor)
            dry = measure(vendor, path, wet=False)
            fresh_database(vendor)
            wet = measure(vendor, path, wet=True)
            results[rows] = (floor, dry, wet)
            for label, result in (("dry run", dry), ("wet run", wet)):
                assert not result["error"], result["error"]
                rate = result["rows"] / result["seconds"]
                cpu_rate = result["rows"] / result["cpu_seconds"]
                floor_cpu_rate = rows / max(floor_cpu, 1e-9)
                print(
                    f"tables {vendor} {rows:>7} rows {label}: {rate:8.1f} rows/s wall "
                    f"({result['seconds']:.1f} s), {cpu_rate:8.1f} rows/CPU-s; csv floor "
                    f"{rows / floor:9.0f} rows/s wall, {floor_cpu_rate:9.0f} rows/CPU-s; "
                    f"ratio ×{floor_cpu_rate / cpu_rate:.0f} (CPU); "
                    f"peak {result['maxrss_mb']:.0f} MB",
                    flush=True,
                )
        if len(results) >= 2:
            small, large = min(results), max(results)
            peak_small = max(results[small][1]["maxrss_mb"], results[small][2]["maxrss_mb"])
            peak_large = max(results[large][1]["maxrss_mb"], results[large][2]["maxrss_mb"])
            verdict = "OK" if peak_large <= MEMORY_LIMIT_MB else "OVER LIMIT"
            print(
                f"tables {vendor} peak memory {small} rows: {peak_small:.0f} MB, "
                f"{large} rows: {peak_large:.0f} MB (×{peak_large / peak_small:.2f} for "
                f"×{large / small:.0f} rows; limit {MEMORY_LIMIT_MB} MB: {verdict})"
            )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3])
    else:
        from bench.__main__ import parse_args

        run(parse_args(["--only", "tables", *sys.argv[1:]]))
