"""SQLite back end: an FTS5 table of normalised French tokens, ranked with weighted bm25.
Query syntax is shared with the organisations' index (passerelles.actors.search.sqlite)."""

from django.db.models import F

from passerelles.actors.search.sqlite import match_expression  # noqa: F401
from passerelles.projects.search.documents import Document
from passerelles.projects.search.models import TABLE

# bm25 weights per column (title, acronym, themes, body, people, places), frozen in the
# migration: a word in the title outweighs the same word many times in the description.
WEIGHTS = (10.0, 10.0, 4.0, 1.0, 2.0, 0.5)


def filter_kwargs(expression: str) -> dict:
    return {"search_entry__fts__fts_match": expression}


def rank_expression(expression: str):
    # FTS5's rank is bm25, lower is better; search_rank is "higher is better".
    return -F("search_entry__rank")


def has_match(cursor, expression: str) -> bool:
    cursor.execute(f"SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s LIMIT 1", [expression])
    return cursor.fetchone() is not None


def delete(cursor, ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk
        )


def clear(cursor) -> None:
    cursor.execute(f"DELETE FROM {TABLE}")


def write(cursor, docs: list[Document]) -> None:
    cursor.executemany(
        f"INSERT INTO {TABLE}(rowid, title, acronym, themes, body, people, places) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [(d.id, d.title, d.acronym, d.themes, d.body, d.people, d.places) for d in docs],
    )


def optimize(cursor) -> None:
    cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
    # Statistics so SQLite starts joins from the MATCH rather than from the status index.
    cursor.execute("ANALYZE projects_project")
