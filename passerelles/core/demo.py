"""The demo dataset beyond organisations: each domain app may ship a `demo` module with
`build_demo(*, seed: int, size: int | None, progress) -> dict` that replaces its previous demo
rows (source "demo") and returns counts for the summary. They run in the order below, after
the organisations, so projects exist before the spaces and events that use them."""

import importlib
import importlib.util

DEMO_MODULES = (
    "passerelles.projects.demo",
    "passerelles.bridges.demo",
    "passerelles.cooperation.demo",
    "passerelles.events.demo",
    "passerelles.grants.demo",
    "passerelles.groups.demo",
    "passerelles.accompaniment.demo",
    "passerelles.practices.demo",
    # Last: it freezes past years from everything above.
    "passerelles.observatory.demo",
)


def build_extensions(*, seed: int, size: int | None, progress) -> dict[str, dict]:
    reports = {}
    for path in DEMO_MODULES:
        if importlib.util.find_spec(path) is None:
            continue
        module = importlib.import_module(path)
        reports[path.split(".")[1]] = module.build_demo(seed=seed, size=size, progress=progress)
    return reports
