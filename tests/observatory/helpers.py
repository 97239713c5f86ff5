from passerelles.observatory.registry import REGISTRY
from passerelles.observatory.scope import Filters, Scope


def values(key: str, column: str | None = None, **filters) -> dict:
    """code → value of `column` (the indicator's first column by default)."""
    table = REGISTRY[key].compute(Scope(Filters(**filters)))
    column = column or table.columns[0].key
    return {row.code: row.values[column] for row in table.rows}


def table(key: str, **filters):
    return REGISTRY[key].compute(Scope(Filters(**filters)))
