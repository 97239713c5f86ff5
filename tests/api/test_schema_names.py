"""The OpenAPI document keys every response schema by its class name: two modules declaring
a `RowOut` each would make one endpoint documented (and checked by the contract tests) with
the other's shape. Every schema class of the API must therefore have a name of its own."""

import importlib
import inspect
import pkgutil
from collections import defaultdict

from ninja import Schema

import passerelles.api


def test_every_schema_of_the_api_has_its_own_name():
    owners = defaultdict(set)
    for module_info in pkgutil.iter_modules(passerelles.api.__path__):
        module = importlib.import_module(f"passerelles.api.{module_info.name}")
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Schema) and value is not Schema:
                if value.__module__ == module.__name__:
                    owners[name].add(module.__name__)
    clashes = {name: sorted(mods) for name, mods in owners.items() if len(mods) > 1}
    assert clashes == {}
