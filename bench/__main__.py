"""`make bench` = `python -m bench`: run every benchmark module in turn.

Each module listed in MODULES exposes `run(options)`, where options carries the common
command-line choices below (sizes, databases, …). Add a module by appending it to MODULES.

    python -m bench                          # everything, 20,000 and 100,000 organisations
    python -m bench --only search --sizes 20000 --databases sqlite
    python -m bench --fresh                  # rebuild the bench databases from the demo builder
    python -m bench load --db sqlite --seconds 20 --clients 20   # the load bench alone
"""

import argparse
import importlib
import sys

from bench.common import DATABASES, SIZES

MODULES = (
    "bench.search",
    "bench.map",
    "bench.page",
    "bench.refresh",
    "bench.scheduler",
    "bench.iati",
    "bench.tables",
    "bench.bridges",
    "bench.observatory",
    "bench.needs",
    "bench.feedback",
    "bench.practices",
    "bench.load",
)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="run only this module (short name, e.g. search); repeatable",
    )
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in SIZES),
        help="comma-separated numbers of organisations",
    )
    parser.add_argument(
        "--databases",
        default=",".join(DATABASES),
        help="comma-separated back ends among: " + ", ".join(DATABASES),
    )
    parser.add_argument(
        "--fresh", action="store_true", help="drop and rebuild the bench databases first"
    )
    options = parser.parse_args(argv)
    options.sizes = [int(s) for s in options.sizes.split(",") if s]
    options.databases = [d for d in options.databases.split(",") if d]
    unknown = set(options.databases) - set(DATABASES)
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    return options


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["load"]:
        # `python -m bench load --db sqlite --seconds 20 --clients 20`: the load bench alone,
        # with its own options (bench/load.py).
        from bench import load

        load.main(argv[1:])
        return
    options = parse_args(argv)
    for name in MODULES:
        if options.only and name.rsplit(".", 1)[-1] not in options.only:
            continue
        importlib.import_module(name).run(options)


if __name__ == "__main__":
    main()
