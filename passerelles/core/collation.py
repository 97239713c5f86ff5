"""French alphabetical order, the same on SQLite and PostgreSQL.

Both databases compare text byte by byte here (SQLite's BINARY, PostgreSQL's C.UTF-8), which
puts "École", "Égypte" and "Île-de-France" after "Zimbabwe" and "abc" after "Zèbre". French
readers expect accents and case to be ignored: "École" between "Eau" and "Energie".

Two tools, by size of table:

- `sort_key(text)`: the key to sort by, for Python sorts and for the stored sort columns of the
  big tables (organisations, projects), which have an index and so cost nothing at 100,000 rows;
- `French(field)`: an ORDER BY on a database collation named `passerelles_fr`, for the small
  referential tables (countries, regions): an ICU collation on PostgreSQL (created by
  geo's migration 0004), a Python comparison registered on each SQLite connection. The latter
  calls Python once per comparison: fine for 250 countries, far too slow for 100,000 rows."""

from functools import lru_cache

from django.db.models import F
from django.db.models.functions import Collate

from passerelles.core.text import fold

COLLATION = "passerelles_fr"


def sort_key(text: str) -> str:
    """ "Élan solidaire" → "elan solidaire": accents, case and ligatures set aside."""
    return fold(text).strip()


# SQLite calls _compare once per comparison: sorting 250 countries folds each name about
# twelve times (1,500 folds, 10 ms, in every form that lists them). The names compared are
# few and recur: fold each once.
_cached_key = lru_cache(maxsize=8192)(sort_key)


def _compare(a: str, b: str) -> int:
    ka, kb = _cached_key(a), _cached_key(b)
    if ka == kb:  # "Eau" and "eau": a stable order, by the text itself
        ka, kb = a, b
    return (ka > kb) - (ka < kb)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """connection_created handler: SQLite connections learn the `passerelles_fr` collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, _compare)


def French(field: str) -> Collate:  # noqa: N802 (reads as an expression class in orderings)
    return Collate(F(field), COLLATION)


def fill_sort_column(model, source: str, target: str, length: int) -> None:
    """Fill `target` with the sort key of `source` for every row (a data migration's step;
    `model` is the migration's historical model)."""
    batch = []
    for obj in model.objects.only("pk", source).iterator(chunk_size=2000):
        setattr(obj, target, sort_key(getattr(obj, source))[:length])
        batch.append(obj)
        if len(batch) == 2000:
            model.objects.bulk_update(batch, [target])
            batch = []
    model.objects.bulk_update(batch, [target])
