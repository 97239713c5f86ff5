"""IATI import benchmark: rows per second beside the bare lxml parse, and peak memory.

A file of N generated activities (participating organisations drawn from a pool of 300, so
matching and creation both happen; a recipient country, a located point, a sector, an SDG
target and a budget each) is streamed to a temporary file. Each measurement runs in its own
child process, so its peak memory (ru_maxrss) is its own:

- floor: lxml iterparse of the same file, clearing each activity (what any streaming import
  costs at least);
- reader: our reader, records built, no database;
- dry run and wet run of `import_iati` into a fresh SQLite file (migrated once, then copied).

    python -m bench --only iati                 # 10,000 and 50,000 activities
    python -m bench.iati --sizes 2000           # quick look
"""

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, VAR

SIZES = (10_000, 50_000)
COUNTRIES = ("BF", "SN", "ML", "MA", "TN", "HT", "MG", "CM", "BJ", "TG")
SECTORS = ("11110", "12220", "14030", "31120", "15150")
TARGETS = ("1.1", "2.3", "4.1", "5.5", "6.1", "13.1")


def generate(path: Path, size: int, seed: int = 42) -> None:
    """Stream `size` activities to `path` (memory stays flat: xmlfile writes as it goes)."""
    from lxml import etree

    rng = random.Random(seed)
    with open(path, "wb") as out, etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("iati-activities", {"version": "2.03"}):
            for n in range(size):
                country = rng.choice(COUNTRIES)
                a = etree.Element("iati-activity", {"default-currency": "EUR"})
                etree.SubElement(a, "iati-identifier").text = f"FR-RNA-W411000001-B{n}"
                reporting = etree.SubElement(a, "reporting-org", ref="FR-RNA-W411000001", type="22")
                etree.SubElement(reporting, "narrative").text = "Réseau"
                title = etree.SubElement(a, "title")
                etree.SubElement(title, "narrative").text = f"Projet de coopération n° {n}"
                description = etree.SubElement(a, "description", type="1")
                etree.SubElement(description, "narrative").text = "Des puits et des jardins. " * 8
                for role, pool in (("1", 20), ("2", 200), ("4", 80)):
                    k = rng.randrange(pool)
                    org = etree.SubElement(
                        a, "participating-org", ref=f"XM-BENCH-{role}-{k}", role=role
                    )
                    etree.SubElement(org, "narrative").text = f"Organisation {role}-{k}"
                etree.SubElement(a, "activity-status", code=rng.choice("1234"))
                etree.SubElement(a, "activity-date", type="1", **{"iso-date": "2024-01-01"})
                etree.SubElement(a, "recipient-country", code=country, percentage="100")
                location = etree.SubElement(a, "location", ref=f"{country}-1")
                name = etree.SubElement(location, "name")
                etree.SubElement(name, "narrative").text = "Chef-lieu"
                point = etree.SubElement(
                    location, "point", srsName="http://www.opengis.net/def/crs/EPSG/0/4326"
                )
                etree.SubElement(
                    point, "pos"
                ).text = f"{rng.uniform(-30, 30):.5f} {rng.uniform(-20, 40):.5f}"
                etree.SubElement(a, "sector", vocabulary="1", code=rng.choice(SECTORS))
                etree.SubElement(a, "tag", vocabulary="3", code=rng.choice(TARGETS))
                budget = etree.SubElement(a, "budget")
                etree.SubElement(budget, "period-start", **{"iso-date": "2024-01-01"})
                etree.SubElement(budget, "period-end", **{"iso-date": "2024-12-31"})
                value = etree.SubElement(
                    budget, "value", currency="EUR", **{"value-date": "2024-01-01"}
                )
                value.text = str(rng.randrange(1000, 100000))
                xf.write(a)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def worker(action: str, path: str) -> dict:
    started = time.perf_counter()
    if action == "floor":
        from lxml import etree

        rows = 0
        for _event, elem in etree.iterparse(path, events=("end",), tag="iati-activity"):
            rows += 1
            elem.clear(keep_tail=False)
            while elem.getprevious() is not None:
                del elem.getparent()[0]
        return {"rows": rows, "seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}
    import django

    django.setup()
    started = time.perf_counter()
    if action == "reader":
        from passerelles.opendata.iati.reader import read_activities

        rows = sum(1 for _ in read_activities(path))
        return {"rows": rows, "seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}
    from passerelles.opendata.iati.importer import import_iati

    started = time.perf_counter()
    report = import_iati(path, wet_run=action == "wet")
    elapsed = time.perf_counter() - started
    return {
        "counts": report.counts,
        "error": report.error,
        "seconds": elapsed,
        "peak_mb": _peak_mb(),
    }


def _child(action: str, path: Path, database: Path | None = None) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test")
    if database is not None:
        env["DATABASE_URL"] = f"sqlite:///{database}"
    args = [sys.executable, "-m", "bench.iati", "--worker", action, str(path)]
    out = subprocess.run(args, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _template_database() -> Path:
    """A migrated SQLite file (referentials loaded), copied for each run; migrated again
    each time (a no-op when it is up to date) so that new migrations reach it."""
    VAR.mkdir(exist_ok=True)
    template = VAR / "bench-iati-template.sqlite3"
    print("migrating the template database…", file=sys.stderr, flush=True)
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"sqlite:///{template}",
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    return template


def run(options) -> None:
    sizes = [s for s in getattr(options, "iati_sizes", None) or SIZES]
    template = _template_database()
    print("\n## IATI import (rows per second; peak memory of the child process)")
    header = ("activities", "step", "seconds", "rows/s", "vs floor", "peak MB")
    print("{:>10} {:<9} {:>8} {:>9} {:>9} {:>8}".format(*header))
    with tempfile.TemporaryDirectory(prefix="bench-iati-") as tmp:
        for size in sizes:
            path = Path(tmp) / f"iati-{size}.xml"
            generate(path, size)
            floor = None
            for step in ("floor", "reader", "dry", "wet"):
                database = None
                if step in ("dry", "wet"):
                    database = Path(tmp) / f"db-{size}.sqlite3"
                    if step == "dry":
                        shutil.copyfile(template, database)
                result = _child(step, path, database)
                if result.get("error"):
                    raise SystemExit(f"import refused: {result['error']}")
                rate = size / result["seconds"]
                floor = floor or rate
                print(
                    f"{size:>10} {step:<9} {result['seconds']:>8.1f} {rate:>9.0f} "
                    f"{floor / rate:>8.1f}x {result['peak_mb']:>8.0f}",
                    flush=True,
                )
            print(f"{'':>10} file: {path.stat().st_size / 1e6:.1f} MB")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.iati")
    parser.add_argument("--worker", nargs=2, metavar=("STEP", "FILE"))
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return
    args.iati_sizes = [int(s) for s in args.sizes.split(",") if s]
    run(args)


if __name__ == "__main__":
    main()
