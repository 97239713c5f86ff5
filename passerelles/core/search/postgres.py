"""PostgreSQL back end: a stored, GIN-indexed, weighted tsvector, ranked with ts_rank weighted
and length-normalised like SQLite's bm25.

Documents are exactly the tokens SQLite indexes (folded simplemma lemmas and their roots, see
text.py) under the `simple` configuration (fields.PG_CONFIG), and queries take the same path, so
both databases find the same rows; phrases use `<->` over the same positions."""

import numpy as np

from passerelles.core.search.fields import PG_CONFIG, TS_NORMALISATION, TS_WEIGHTS, TsRank
from passerelles.core.search.text import Term


def _quote(token: str) -> str:
    # Tokens are word characters only; quoting makes to_tsquery read them as plain lexemes.
    return "'" + token.replace("\\", "").replace("'", "''") + "'"


def _phrase(tokens, prefix: bool = False) -> str:
    quoted = [_quote(t) for t in tokens]
    if prefix:
        quoted[-1] += ":*"
    return " <-> ".join(quoted)


def _term(term: Term) -> str:
    if term.parts:
        # A compound: its joined form, or its parts side by side.
        joined = _quote(term.token) + (":*" if term.prefix else "")
        return f"({joined} | {_phrase(term.parts, term.prefix)})"
    if not term.prefix:
        return _quote(term.token)
    if term.folded.startswith(term.token):
        return _quote(term.token) + ":*"
    return f"({_quote(term.token)}:* | {_quote(term.folded)}:*)"


def match_expression(terms: list[Term], *, any_term: bool = False) -> str:
    return (" | " if any_term else " & ").join(_term(t) for t in terms)


def phrase_expression(index, terms: list[Term]) -> str:
    """The query's words as one phrase, whole words only (a compound by its parts), in the
    weights of the index's phrase columns only (each lexeme labelled with them)."""
    others = {c.weight for c in index.columns if not c.phrase}
    weights = "".join(sorted({c.weight for c in index.columns if c.phrase} - others))
    tokens = [p for t in terms for p in (t.parts or (t.token,))]
    return " <-> ".join(f"{_quote(t)}:{weights}" for t in tokens)


def phrase_condition(index, pk_column: str, expression: str) -> tuple[str, list]:
    """SQL true for rows holding the phrase, answered from the GIN index once, not per row."""
    return (
        f"{pk_column} IN (SELECT rowid FROM {index.table} "
        f"WHERE document @@ to_tsquery(%s::regconfig, %s))",
        [PG_CONFIG, expression],
    )


def filter_kwargs(index, expression: str) -> dict:
    return {f"{index.relation}__document__ts_match": expression}


def rank_expression(index, expression: str):
    return TsRank(f"{index.relation}__document", expression)


def ranked(cursor, index, expression: str, phrase: str | None = None):
    """Every match's id, sort key (ts_rank negated: lower is better) and the ids holding
    `phrase`, table alone, as numpy arrays. The same ts_rank call as TsRank, so the same
    float4 values and the same order. The phrase is tested on the row already read (a
    positional match needs the document anyway), not by a second scan of the index.

    Sent packed: each column one bytea of big-endian binary values (`int8send`,
    `float4send`) that numpy reads as it is. A broad query's 40,000 rows as rows cost the
    client a fifth of the statement's time (docs/benchmarks.md); the aggregates of one
    statement see the rows in the same order, so the columns stay aligned."""
    query = "to_tsquery(%s::regconfig, %s)"
    rank = f"-ts_rank('{TS_WEIGHTS}'::float4[], document, {query}, {TS_NORMALISATION})"
    in_phrase, params = "false", []
    if phrase:
        in_phrase, params = f"document @@ {query}", [PG_CONFIG, phrase]
    cursor.execute(
        f"SELECT string_agg(int8send(rowid), ''), string_agg(float4send({rank}), ''), "
        f"string_agg(int8send(rowid), '') FILTER (WHERE {in_phrase}) "
        f"FROM {index.table} WHERE document @@ {query}",
        [PG_CONFIG, expression, *params, PG_CONFIG, expression],
    )
    ids, keys, phrase_ids = cursor.fetchone()
    return (
        np.frombuffer(ids or b"", dtype=">i8").astype(np.int64),
        np.frombuffer(keys or b"", dtype=">f4").astype(np.float64),
        np.frombuffer(phrase_ids or b"", dtype=">i8").astype(np.int64),
    )


def has_match(cursor, index, expression: str) -> bool:
    # LIMIT (SELECT 1), not LIMIT 1: with a constant limit the planner expects the first
    # match early and scans the table, which reads all of it when a rare or misspelt word
    # matches nothing (80 ms at 100,000 rows, for every search the spelling check looks at);
    # a limit it cannot see at planning keeps the GIN index for rare words and the scan for
    # common ones (under 2 ms both, docs/decisions.md §46).
    cursor.execute(
        f"SELECT 1 FROM {index.table} WHERE document @@ to_tsquery(%s::regconfig, %s) "
        "LIMIT (SELECT 1)",
        [PG_CONFIG, expression],
    )
    return cursor.fetchone() is not None


def delete(cursor, index, ids: list[int]) -> None:
    cursor.execute(f"DELETE FROM {index.table} WHERE rowid = ANY(%s)", [list(ids)])


def clear(cursor, index) -> None:
    cursor.execute(f"TRUNCATE {index.table}")


def write(cursor, index, docs: list) -> None:
    if not docs:
        return
    # One statement per chunk: arrays unnested server-side instead of one round trip per row.
    # Each column is weighted (A–D) on its own, then the vectors are concatenated.
    cfg = f"'{PG_CONFIG}'::regconfig"
    names = [c.name for c in index.columns]
    vector = "\n            || ".join(
        f"setweight(to_tsvector({cfg}, u.{c.name}), '{c.weight}')" for c in index.columns
    )
    arrays = ", ".join(["%s::bigint[]"] + ["%s::text[]"] * len(names))
    cursor.execute(
        f"""INSERT INTO {index.table} (rowid, document)
        SELECT u.id,
            {vector}
        FROM unnest({arrays}) AS u(id, {", ".join(names)})
        ON CONFLICT (rowid) DO UPDATE SET document = EXCLUDED.document""",
        [[d.id for d in docs], *([getattr(d, n) for d in docs] for n in names)],
    )


def optimize(cursor, index) -> None:
    # Fresh statistics after a bulk load: without them the planner takes status = 'published'
    # for a rare value, starts from the searched table and tests the tsquery row by row (10×
    # slower than starting from the GIN index).
    cursor.execute(f"ANALYZE {index.table}")
    cursor.execute(f"ANALYZE {index.model()._meta.db_table}")
