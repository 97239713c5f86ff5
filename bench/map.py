"""Map payload: what `map_data` sends for typical views, on the demo dataset.

For each view (zoom + box, as map.js asks them), the JSON size raw and gzip-compressed, bytes
per organisation represented, markers drawn, and the server time (p50 / p95 over PASSES calls
through Django's test client: URL routing, filters, the grouped query, JSON). As a reference,
the most compact unclustered payload ([id, lat, lon] for every organisation) is measured too:
it is what a client-side clustering library would need. Target: at most 300 KB compressed for
20,000 organisations at the initial view."""

import gzip
import json
import time

from bench.common import percentile, run_worker, setup_django, worker_main

PASSES = 20
# (label, zoom, bbox): the initial view as map.js requests it at 1280 px (region, zoom 7, box
# padded by 20 % and rounded out to whole degrees), the world, and a street-level view.
VIEWS = (
    ("initial view (region, zoom 7)", 7, "-5,44,9,51"),
    ("world (zoom 2)", 2, "-180,-90,180,90"),
    ("Tours, zoom 13 (points)", 13, "0.6,47.3,0.8,47.45"),
)


def worker(vendor: str, size: int, fresh: bool) -> dict:
    setup_django(vendor, size, fresh=fresh)
    from django.test import Client
    from django.urls import reverse

    from passerelles.actors.models import Organisation

    client = Client()
    url = reverse("actors:map-data")
    published = Organisation.objects.published().exclude(lat=None).count()
    views = []
    for label, zoom, bbox in VIEWS:
        params = {"zoom": zoom, "bbox": bbox}
        client.get(url, params)  # warm caches
        times = []
        for _ in range(PASSES):
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        body = response.content
        data = json.loads(body)
        views.append(
            {
                "label": label,
                "bytes": len(body),
                "gzip": len(gzip.compress(body, 6)),
                "markers": len(data["clusters"]) + len(data["points"]),
                "shown": data["shown"],
                "p50": percentile(times, 0.5),
                "p95": percentile(times, 0.95),
            }
        )
    # Reference: every organisation as [id, lat, lon], no clustering.
    started = time.perf_counter()
    rows = [
        [pk, round(lat, 5), round(lon, 5)]
        for pk, lat, lon in Organisation.objects.published()
        .exclude(lat=None)
        .values_list("pk", "lat", "lon")
    ]
    body = json.dumps(rows, separators=(",", ":")).encode()
    raw_ms = (time.perf_counter() - started) * 1000
    reference = {
        "label": "reference: all points unclustered",
        "bytes": len(body),
        "gzip": len(gzip.compress(body, 6)),
        "markers": len(rows),
        "shown": len(rows),
        "p50": raw_ms,
        "p95": raw_ms,
    }
    return {
        "vendor": vendor,
        "size": size,
        "published": published,
        "views": [*views, reference],
    }


def markdown_table(rows: list[dict]) -> str:
    head = [
        "database",
        "organisations",
        "view",
        "markers",
        "organisations shown",
        "JSON bytes",
        "gzip bytes",
        "gzip bytes / organisation shown",
        "server p50 / p95 ms",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        for v in r["views"]:
            per_org = v["gzip"] / v["shown"] if v["shown"] else 0
            cells = [
                r["vendor"],
                f"{r['size']:,}",
                v["label"],
                f"{v['markers']:,}",
                f"{v['shown']:,}",
                f"{v['bytes']:,}",
                f"{v['gzip']:,}",
                f"{per_org:.2f}",
                f"{v['p50']:.1f} / {v['p95']:.1f}",
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(options) -> None:
    from rich.console import Console

    console = Console()
    rows = []
    for size in options.sizes:
        for vendor in options.databases:
            console.print(f"[bold]map[/bold]: {vendor}, {size:,} organisations…")
            rows.append(run_worker("bench.map", vendor, size, fresh=options.fresh))
    for r in rows:
        initial = r["views"][0]
        verdict = "OK" if initial["gzip"] <= 300_000 or r["size"] > 20_000 else "OVER 300 KB"
        console.print(
            f"{r['vendor']} {r['size']:,}: initial view {initial['gzip']:,} bytes gzip ({verdict})"
        )
    console.print("\nMarkdown for docs/benchmarks.md:\n")
    print(markdown_table(rows))


def main(argv=None) -> None:
    worker_main(worker, argv)


if __name__ == "__main__":
    main()
