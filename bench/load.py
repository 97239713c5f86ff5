"""Throughput: the site served by gunicorn (production settings, DEBUG off, static files through
WhiteNoise) on 127.0.0.1, under a bounded mixed load from threaded clients on the same machine,
beside the same load against a static file served by the same server (the ceiling).

The mix, each request drawn at random (seeded) in equal shares: a directory search with a
French query (bench/queries_fr.txt), the map data of a view as map.js asks for it, an
organisation page, a page of the API list. Anonymous visitors, `Accept-Encoding: gzip` and
`Accept-Language: fr` as a browser sends them. Phases:

- static:   the theme's stylesheet through WhiteNoise, the same clients: the ceiling;
- uncached: the mix with the page cache off (`PASSERELLES_PAGE_CACHE=off`): every request
            computes its page, as before the cache — the baseline of the same run;
- cold:     the mix with the page cache on and empty at the start (just after a deploy, or
            after an edit, which invalidates what it touches);
- warm:     the mix with the page cache on, after one visit of every URL of the mix;
- edits:    the warm mix while a separate process edits an organisation's needs through its
            action every `--edit-every` seconds (2): each edit retires every cached page that
            shows organisations and makes each worker patch its suggestion index.

Each phase prints requests per second, p50 / p95 / p99 latency and errors (non-200 answers and
failed connections); the summary gives warm ÷ uncached and warm ÷ static.

    python -m bench load --db sqlite --seconds 20 --clients 20
    python -m bench.load --db postgresql --workers 2 --threads 8
    python -m bench --only load              # both databases, defaults

Nothing but loopback: the server binds 127.0.0.1, the clients connect there, and a PostgreSQL
URL (BENCH_POSTGRES_URL) pointing elsewhere is refused. The demo database (`passerelles demo`,
about 520 organisations) is built once per back end under var/bench-load/ (SQLite) or in the
database `<BENCH_POSTGRES_URL>_load`, and reused; `--fresh` rebuilds it."""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from bench.common import POSTGRES_URL, ROOT, VAR, percentile

HOST = "127.0.0.1"
LOAD_VAR = VAR / "bench-load"
VENDORS = ("sqlite", "postgresql")
PHASES = ("static", "uncached", "cold", "warm", "edits")
SEED = 13
QUERIES = [
    line.strip()
    for line in (ROOT / "bench" / "queries_fr.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
# Views map.js asks for (zoom, box padded and rounded out to whole degrees), with and without
# a filter: the region at 1280 px, the world, Tours street by street.
MAP_VIEWS = ("zoom=7&bbox=-5,44,9,51", "zoom=2&bbox=-180,-90,180,90", "zoom=13&bbox=0,47,1,48")
MAP_FILTERS = ("", "&side=here", "&ess=1")
HEADERS = {"Accept-Encoding": "gzip", "Accept-Language": "fr", "User-Agent": "passerelles-bench"}


# --- the database and the server ---------------------------------------------------------------


def var_dir(vendor: str) -> Path:
    return LOAD_VAR / vendor


def database_url(vendor: str) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{var_dir(vendor) / 'passerelles.sqlite3'}"
    parts = urlsplit(POSTGRES_URL)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"bench load: PostgreSQL must be on loopback, not {parts.hostname}")
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_load"))


def server_env(vendor: str, *, cache: bool, secret: str) -> dict:
    """Production settings on loopback: DEBUG off, WhiteNoise, no HTTPS redirect (no TLS here)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PASSERELLES_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY=secret,
        DEBUG="false",
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url(vendor),
        PASSERELLES_VAR_DIR=str(var_dir(vendor)),
        PASSERELLES_PAGE_CACHE="on" if cache else "off",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="ERROR",
        PYTHONPATH=str(ROOT),
    )
    return env


def prepare(vendor: str, *, fresh: bool, secret: str) -> dict:
    """Build the demo database once, collect the static files; returns the published slugs."""
    var_dir(vendor).mkdir(parents=True, exist_ok=True)
    if vendor == "sqlite" and fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{var_dir(vendor) / 'passerelles.sqlite3'}{suffix}").unlink(missing_ok=True)
    elif vendor == "postgresql":
        from bench.common import _create_postgres_database

        _create_postgres_database(database_url(vendor), fresh=fresh)
    out = subprocess.run(
        [sys.executable, "-m", "bench.load", "--prepare"],
        env=server_env(vendor, cache=True, secret=secret),
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _prepare_child() -> None:
    """In the child: migrate, `demo --if-empty`, collectstatic; print the slugs as JSON."""
    import django

    django.setup()
    from django.core.management import call_command

    from passerelles.actors.models import Organisation

    call_command("migrate", verbosity=0, interactive=False)
    if not Organisation.objects.exists():
        print("bench load: building the demo…", file=sys.stderr, flush=True)
        call_command("demo", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    slugs = list(Organisation.objects.published().order_by("pk").values_list("slug", flat=True))
    print(json.dumps({"slugs": slugs}))


def _edit_child(every: float, seconds: float) -> None:
    """In the child: change a published organisation's needs through the organisations' door
    every `every` seconds for `seconds`; print the number of edits as JSON."""
    import django

    django.setup()
    from passerelles.actors import actions
    from passerelles.actors.models import Organisation
    from passerelles.core.history import ChangeSource, Origin

    origin = Origin(source=ChangeSource.SYSTEM, comment="banc de charge")
    ids = list(Organisation.objects.published().order_by("pk").values_list("pk", flat=True))
    rng = random.Random(SEED)
    deadline, edits = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        org = Organisation.objects.get(pk=rng.choice(ids))
        needs = f"Un partenaire pour former des maraîchers (version {rng.randint(1, 10**6)})"
        actions.update_organisation(org, {"needs": needs}, origin=origin)
        edits += 1
        time.sleep(every)
    print(json.dumps({"edits": edits}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(vendor: str, options, *, cache: bool, secret: str) -> Server:
    if cache:
        # Empty at the start: the cold phase measures a cache that fills as it goes.
        shutil.rmtree(var_dir(vendor) / "cache" / "pages", ignore_errors=True)
    port = free_port()
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--config",
        str(ROOT / "config" / "gunicorn.conf.py"),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
    ]
    if options.workers:
        args += ["--workers", str(options.workers)]
    if options.threads:
        args += ["--threads", str(options.threads)]
    process = subprocess.Popen(args, env=server_env(vendor, cache=cache, secret=secret), cwd=ROOT)
    server = Server(process, port)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench load: gunicorn exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/", headers=HEADERS)
            if conn.getresponse().status == 200:
                conn.close()
                return server
            conn.close()
        except OSError:
            pass
        time.sleep(0.5)
    server.stop()
    raise SystemExit("bench load: gunicorn did not answer within 90 s")


# --- the clients ---------------------------------------------------------------------------------


@dataclass
class Result:
    phase: str
    seconds: float = 0.0
    latencies: list = field(default_factory=list)  # ms, successful requests
    errors: int = 0
    statuses: dict = field(default_factory=dict)  # non-200 status → count
    by_kind: dict = field(default_factory=dict)  # kind → latencies

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def summary(self) -> dict:
        lat = self.latencies
        return {
            "phase": self.phase,
            "requests": len(lat),
            "rate": round(self.rate, 1),
            "p50": round(percentile(lat, 0.5), 1),
            "p95": round(percentile(lat, 0.95), 1),
            "p99": round(percentile(lat, 0.99), 1),
            "errors": self.errors,
            "statuses": self.statuses,
            "kinds": {
                kind: {"n": len(v), "p50": round(percentile(v, 0.5), 1)}
                for kind, v in sorted(self.by_kind.items())
            },
        }


def mix(slugs: list[str]):
    """The four kinds of request; each a function of a random generator giving a path."""
    return {
        "directory": lambda rng: "/annuaire/?q=" + quote(rng.choice(QUERIES)),
        "map": lambda rng: (
            "/annuaire/carte/donnees/?" + rng.choice(MAP_VIEWS) + rng.choice(MAP_FILTERS)
        ),
        "organisation": lambda rng: f"/annuaire/{rng.choice(slugs)}/",
        "api": lambda rng: (
            f"/api/v1/organisations?page={rng.randint(1, max(1, len(slugs) // 50))}"
            if rng.random() < 0.5
            else "/api/v1/organisations?q=" + quote(rng.choice(QUERIES))
        ),
    }


def every_url(slugs: list[str]) -> list[str]:
    """Every path the mix can draw: what the warm phase visits first."""
    urls = ["/annuaire/?q=" + quote(q) for q in QUERIES]
    urls += [f"/annuaire/carte/donnees/?{v}{f}" for v in MAP_VIEWS for f in MAP_FILTERS]
    urls += [f"/annuaire/{s}/" for s in slugs]
    urls += [f"/api/v1/organisations?page={p}" for p in range(1, max(1, len(slugs) // 50) + 1)]
    urls += ["/api/v1/organisations?q=" + quote(q) for q in QUERIES]
    return urls


def drive(port: int, phase: str, seconds: float, clients: int, pick) -> Result:
    """`clients` threads, each with its own keep-alive connection, sending requests back to
    back for `seconds`. `pick(rng)` gives (kind, path)."""
    result = Result(phase)
    lock = threading.Lock()
    start_barrier = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(number: int) -> None:
        rng = random.Random(SEED * 1000 + number)
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine: list = []
        errors, statuses = 0, {}
        start_barrier.wait()
        while time.monotonic() < deadline[0]:
            kind, path = pick(rng)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=HEADERS)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                errors += 1
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if status == 200:
                mine.append((kind, elapsed))
            else:
                errors += 1
                statuses[status] = statuses.get(status, 0) + 1
        conn.close()
        with lock:
            result.errors += errors
            for status, n in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + n
            for kind, elapsed in mine:
                result.latencies.append(elapsed)
                result.by_kind.setdefault(kind, []).append(elapsed)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    began = time.monotonic()
    deadline[0] = began + seconds
    start_barrier.wait()
    for t in threads:
        t.join()
    result.seconds = time.monotonic() - began
    return result


def crawl(port: int, urls: list[str], clients: int) -> tuple[float, int]:
    """Visit every URL once, `clients` at a time; returns (seconds, errors)."""
    queue = list(urls)
    lock = threading.Lock()
    errors = [0]

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                path = queue.pop()
            try:
                conn.request("GET", path, headers=HEADERS)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                conn.close()
                errors[0] += 1
        conn.close()

    began = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - began, errors[0]


def static_path(port: int) -> str:
    """The theme's stylesheet as pages link it (its hashed name)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", "/", headers={"Accept-Language": "fr"})
    page = conn.getresponse().read().decode()
    conn.close()
    match = re.search(r'href="(/static/core/passerelles[^"]*\.css)"', page)
    if not match:
        raise SystemExit("bench load: no stylesheet link on the home page")
    return match.group(1)


def warm_up(port: int, slugs: list[str], clients: int, seconds: float) -> None:
    """Load every worker's code, connections and suggestion index on pages outside the mix,
    so no phase pays a process's first requests."""
    pages = ["/", "/annuaire/carte/", "/projets/", "/partenaires/?organisation=" + slugs[0]]
    drive(port, "warm-up", seconds, clients, lambda rng: ("warm-up", rng.choice(pages)))


# --- phases and report ---------------------------------------------------------------------------


def run_vendor(vendor: str, options) -> list[dict]:
    secret = secrets.token_urlsafe(50)
    print(f"bench load: {vendor}, preparing the demo database…", file=sys.stderr, flush=True)
    slugs = prepare(vendor, fresh=options.fresh, secret=secret)["slugs"]
    kinds = mix(slugs)
    names = sorted(kinds)

    def pick_mixed(rng):
        kind = rng.choice(names)
        return kind, kinds[kind](rng)

    out = []
    phases = options.phases

    def report(result: Result, **extra) -> None:
        row = {"vendor": vendor, **result.summary(), **extra}
        out.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

    if "uncached" in phases or "static" in phases:
        server = start_server(vendor, options, cache=False, secret=secret)
        try:
            warm_up(server.port, slugs, options.clients, options.warmup)
            if "static" in phases:
                css = static_path(server.port)
                report(
                    drive(
                        server.port,
                        "static",
                        options.seconds,
                        options.clients,
                        lambda rng: ("static", css),
                    )
                )
            if "uncached" in phases:
                report(drive(server.port, "uncached", options.seconds, options.clients, pick_mixed))
        finally:
            server.stop()
    if "cold" in phases or "warm" in phases:
        server = start_server(vendor, options, cache=True, secret=secret)
        try:
            warm_up(server.port, slugs, options.clients, options.warmup)
            if "cold" in phases:
                report(drive(server.port, "cold", options.seconds, options.clients, pick_mixed))
            if "warm" in phases:
                took, errors = crawl(server.port, every_url(slugs), options.clients)
                print(
                    f"bench load: crawled {len(every_url(slugs))} URLs in {took:.1f} s "
                    f"({errors} errors)",
                    file=sys.stderr,
                    flush=True,
                )
                report(drive(server.port, "warm", options.seconds, options.clients, pick_mixed))
            if "edits" in phases:
                editor = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "bench.load",
                        "--edit-child",
                        str(options.edit_every),
                        str(options.seconds),
                    ],
                    env=server_env(vendor, cache=True, secret=secret),
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                result = drive(server.port, "edits", options.seconds, options.clients, pick_mixed)
                edits = json.loads(editor.communicate(timeout=120)[0].strip().splitlines()[-1])
                report(result, edits=edits["edits"])
        finally:
            server.stop()
    return out


def ratios(rows: list[dict]) -> dict:
    by = {r["phase"]: r for r in rows}
    out = {}
    if "warm" in by and "uncached" in by and by["uncached"]["rate"]:
        out["warm ÷ uncached"] = by["warm"]["rate"] / by["uncached"]["rate"]
    if "warm" in by and "static" in by and by["static"]["rate"]:
        out["warm ÷ static"] = by["warm"]["rate"] / by["static"]["rate"]
    if "cold" in by and "uncached" in by and by["uncached"]["rate"]:
        out["cold ÷ uncached"] = by["cold"]["rate"] / by["uncached"]["rate"]
    if "edits" in by and "uncached" in by and by["uncached"]["rate"]:
        out["edits ÷ uncached"] = by["edits"]["rate"] / by["uncached"]["rate"]
    return out


def markdown(rows: list[dict], options) -> str:
    lines = [
        "| database | phase | req/s | p50 ms | p95 ms | p99 ms | errors | requests |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        phase = f"{r['phase']} ({r['edits']} edits)" if "edits" in r else r["phase"]
        lines.append(
            f"| {r['vendor']} | {phase} | {r['rate']:.1f} | {r['p50']:.1f} | "
            f"{r['p95']:.1f} | {r['p99']:.1f} | {r['errors']} | {r['requests']:,} |"
        )
    for vendor in dict.fromkeys(r["vendor"] for r in rows):
        mine = [r for r in rows if r["vendor"] == vendor]
        text = ", ".join(f"{k} {v:.2f}" for k, v in ratios(mine).items())
        if text:
            lines.append(f"\n{vendor}: {text}.")
    lines.append(
        f"\n{options.clients} clients, {options.seconds:g} s a phase, gunicorn "
        f"{options.workers or 'default'} workers × {options.threads or 'default'} threads "
        "(config/gunicorn.conf.py)."
    )
    return "\n".join(lines)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench load", description=__doc__.split("\n", 1)[0]
    )
    parser.add_argument("--db", action="append", choices=VENDORS, help="repeatable; default both")
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--warmup", type=float, default=4, help="seconds before the phases")
    parser.add_argument("--workers", type=int, default=0, help="default: gunicorn.conf.py's")
    parser.add_argument("--threads", type=int, default=0, help="default: gunicorn.conf.py's")
    parser.add_argument("--phases", default=",".join(PHASES), help="among " + ", ".join(PHASES))
    parser.add_argument(
        "--edit-every", type=float, default=2, help="seconds between edits (edits phase)"
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo database")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON too")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--edit-child", nargs=2, type=float, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    options.phases = [p for p in options.phases.split(",") if p]
    unknown = set(options.phases) - set(PHASES)
    if unknown:
        parser.error("unknown phase(s): " + ", ".join(sorted(unknown)))
    if not 0 < options.seconds <= 600 or not 0 < options.clients <= 200:
        parser.error("--seconds must be within (0, 600] and --clients within (0, 200]")
    return options


def main(argv=None) -> None:
    options = parse_args(argv)
    if options.prepare:
        _prepare_child()
        return
    if options.edit_child:
        _edit_child(*options.edit_child)
        return
    rows = []
    for vendor in options.db or VENDORS:
        rows += run_vendor(vendor, options)
    print(markdown(rows, options))
    if options.json:
        print(json.dumps(rows))


def run(options) -> None:
    """`make bench`: every database asked for, the default load."""
    databases = [d for d in options.databases if d in VENDORS]
    argv = [arg for d in databases for arg in ("--db", d)]
    main(argv + (["--fresh"] if options.fresh else []))


if __name__ == "__main__":
    main()
