"""Open-data exports: what a download cost when each request built the export, against a download
of the file the worker made (opendata.export_cache), and a revalidation (304).

For each export: `build` is the time to write it from the database (what every anonymous
request did before, and what the `regenerate` job now does once per change), `served` the
median of full requests through the middleware for the stored file, `revalidated` the median of
requests with If-None-Match. In process (Django's test client), on the bench database.

    python -m bench.exports --sizes 20000 --databases sqlite
"""

import argparse
import io
import statistics
import sys
import time

from bench.common import DATABASES, run_worker, setup_django, worker_main

REQUESTS = 20


def worker(vendor: str, size: int, fresh: bool) -> dict:
    setup_django(vendor, size, fresh=fresh)
    from django.test import Client

    from passerelles.opendata import export

    client = Client()
    results = {}
    for entry in export.EXPORTS:
        started = time.perf_counter()
        out = io.BytesIO()
        export.BY_KEY[entry.key].write(out, "http://testserver")
        build = time.perf_counter() - started
        url = f"/donnees/exports/{entry.kind}.{entry.format}"
        client.get(url)  # the first request makes the file (immediate backend)
        served, revalidated, etag = [], [], ""
        for _n in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(url)
            b"".join(response.streaming_content)
            served.append(time.perf_counter() - started)
            etag = response["ETag"]
        for _n in range(REQUESTS):
            started = time.perf_counter()
            assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
            revalidated.append(time.perf_counter() - started)
        results[entry.key] = {
            "bytes": len(out.getvalue()),
            "build_ms": round(build * 1000, 1),
            "served_ms": round(statistics.median(served) * 1000, 2),
            "revalidated_ms": round(statistics.median(revalidated) * 1000, 2),
        }
    return results


def run(options) -> None:
    for vendor in options.databases:
        for size in options.sizes:
            result = run_worker("bench.exports", vendor, size, fresh=options.fresh)
            print(f"\n{vendor}, {size} organisations")
            print(f"{'export':24} {'bytes':>11} {'build ms':>9} {'served ms':>10} {'304 ms':>7}")
            for key, row in result.items():
                print(
                    f"{key:24} {row['bytes']:>11,} {row['build_ms']:>9} "
                    f"{row['served_ms']:>10} {row['revalidated_ms']:>7}"
                )


def main(argv=None) -> None:
    if argv is None:
        argv = sys.argv[1:]
    if "--worker" in argv:
        worker_main(worker, argv)
        return
    parser = argparse.ArgumentParser(prog="python -m bench.exports")
    parser.add_argument("--sizes", default="20000")
    parser.add_argument("--databases", default=",".join(DATABASES))
    parser.add_argument("--fresh", action="store_true")
    options = parser.parse_args(argv)
    options.sizes = [int(s) for s in options.sizes.split(",")]
    options.databases = options.databases.split(",")
    run(options)


if __name__ == "__main__":
    main()
