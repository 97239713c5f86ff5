"""SQLite back end: an FTS5 table of normalised French tokens, ranked with weighted bm25."""

from django.db.models import F

from passerelles.actors.search.documents import Document
from passerelles.actors.search.models import TABLE
from passerelles.actors.search.text import Term

# bm25 weights per column (name, acronym, themes, body, places): a word in the name or acronym
# outweighs the same word many times in a description.
WEIGHTS = (10.0, 10.0, 4.0, 1.0, 0.5)


def _quote(token: str) -> str:
    # Tokens are made of word characters only; doubling quotes keeps this safe regardless.
    return '"' + token.replace('"', '""') + '"'


def _term(term: Term) -> str:
    if not term.prefix:
        return _quote(term.token)
    if term.folded.startswith(term.token):
        return _quote(term.token) + "*"
    # The lemma is not a prefix of what was typed (partial word, odd lemma): accept either.
    return f"({_quote(term.token)}* OR {_quote(term.folded)}*)"


def match_expression(terms: list[Term], *, any_term: bool = False) -> str:
    return (" OR " if any_term else " AND ").join(_term(t) for t in terms)


def filter_kwargs(expression: str) -> dict:
    return {"search_entry__fts__fts_match": expression}


def rank_expression(expression: str):
    # FTS5's rank is bm25, where lower is better; search_rank is "higher is better".
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
        f"INSERT INTO {TABLE}(rowid, name, acronym, themes, body, places) "
        "VALUES (%s, %s, %s, %s, %s, %s)",
        [(d.id, d.name, d.acronym, d.themes, d.body, d.places) for d in docs],
    )


def optimize(cursor) -> None:
    # Merge the b-trees written chunk by chunk into one: faster queries after a rebuild.
    cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
    # Without statistics SQLite may drive a join from the organisations' status index and run
    # the full-text query once per row (seconds at 100,000 rows instead of milliseconds); with
    # them it starts from the MATCH, as it should.
    cursor.execute("ANALYZE actors_organisation")
