"""SQLite back end: an FTS5 table of normalised French tokens, ranked with weighted bm25.

The bm25 weights per column (a word in a name or title outweighs the same word many times in a
description) are frozen in each index's migration, as FTS5's `rank` configuration."""

import numpy as np
from django.db.models import F

from passerelles.core.search.text import Term


def _quote(token: str) -> str:
    # Tokens are made of word characters only; doubling quotes keeps this safe regardless.
    return '"' + token.replace('"', '""') + '"'


def _phrase(tokens, prefix: bool = False) -> str:
    # FTS5 reads the tokens of one quoted string as a phrase (adjacent, in order); a `*` after
    # it makes its last token a prefix.
    return _quote(" ".join(tokens)) + ("*" if prefix else "")


def _term(term: Term) -> str:
    if term.parts:
        # A compound: its joined form, or its parts side by side.
        joined = _quote(term.token) + ("*" if term.prefix else "")
        return f"({joined} OR {_phrase(term.parts, term.prefix)})"
    if not term.prefix:
        return _quote(term.token)
    if term.folded.startswith(term.token):
        return _quote(term.token) + "*"
    # The root is not a prefix of what was typed (partial word, odd lemma): accept either.
    return f"({_quote(term.token)}* OR {_quote(term.folded)}*)"


def phrase_expression(index, terms: list[Term]) -> str:
    """The query's words as one phrase, whole words only (a compound by its parts), in the
    index's phrase columns."""
    columns = " ".join(c.name for c in index.columns if c.phrase)
    return f"{{{columns}}} : " + _phrase([p for t in terms for p in (t.parts or (t.token,))])


def phrase_condition(index, pk_column: str, expression: str) -> tuple[str, list]:
    """SQL true for rows holding the phrase: the FTS5 query runs once, not per row."""
    table = index.table
    return f"{pk_column} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)", [expression]


def match_expression(terms: list[Term], *, any_term: bool = False) -> str:
    return (" OR " if any_term else " AND ").join(_term(t) for t in terms)


def filter_kwargs(index, expression: str) -> dict:
    return {f"{index.relation}__fts__fts_match": expression}


def rank_expression(index, expression: str):
    # FTS5's rank is bm25, where lower is better; search_rank is "higher is better".
    return -F(f"{index.relation}__rank")


def ranked(cursor, index, expression: str, phrase: str | None = None):
    """Every match's id, sort key (FTS5's bm25 `rank`: lower is better) and the ids holding
    `phrase`, table alone, as numpy arrays. FTS5 cannot test a second MATCH on a row: the
    phrase is an uncorrelated subquery, which SQLite runs once into a temporary index."""
    table = index.table
    in_phrase, params = "0", []
    if phrase:
        in_phrase = f"rowid IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)"
        params = [phrase]
    cursor.execute(
        f"SELECT rowid, rank, {in_phrase} FROM {table} WHERE {table} MATCH %s",
        [*params, expression],
    )
    rows = cursor.fetchall()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    keys = np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))
    in_phrase = np.fromiter((bool(r[2]) for r in rows), dtype=bool, count=len(rows))
    return ids, keys, ids[in_phrase]


def has_match(cursor, index, expression: str) -> bool:
    table = index.table
    cursor.execute(f"SELECT 1 FROM {table} WHERE {table} MATCH %s LIMIT 1", [expression])
    return cursor.fetchone() is not None


def delete(cursor, index, ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        cursor.execute(
            f"DELETE FROM {index.table} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk
        )


def clear(cursor, index) -> None:
    cursor.execute(f"DELETE FROM {index.table}")


def write(cursor, index, docs: list) -> None:
    names = [c.name for c in index.columns]
    cursor.executemany(
        f"INSERT INTO {index.table}(rowid, {', '.join(names)}) "
        f"VALUES ({', '.join(['%s'] * (len(names) + 1))})",
        [(d.id, *(getattr(d, n) for n in names)) for d in docs],
    )


def optimize(cursor, index) -> None:
    # Merge the b-trees written chunk by chunk into one: faster queries after a rebuild.
    cursor.execute(f"INSERT INTO {index.table}({index.table}) VALUES ('optimize')")
    # Without statistics SQLite may drive a join from the searched table's status index and
    # run the full-text query once per row (seconds at 100,000 rows instead of milliseconds);
    # with them it starts from the MATCH, as it should.
    cursor.execute(f"ANALYZE {index.model()._meta.db_table}")
