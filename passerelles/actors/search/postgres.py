"""PostgreSQL back end: a stored, GIN-indexed, weighted tsvector with a French configuration
over unaccented words, ranked with ts_rank.

Documents are the same normalised tokens as on SQLite (simplemma lemmas, folded), then go through
`french_unaccent`: the lemmas bring feminine and irregular forms together ("paysanne" → "paysan"),
which the Snowball stemmer alone does not, and queries take exactly the same path."""

from passerelles.actors.search.documents import Document
from passerelles.actors.search.models import PG_CONFIG, TABLE, TsRank
from passerelles.actors.search.text import Term


def _quote(token: str) -> str:
    # Tokens are word characters only; quoting makes to_tsquery read them as plain lexemes.
    return "'" + token.replace("\\", "").replace("'", "''") + "'"


def _term(term: Term) -> str:
    if not term.prefix:
        return _quote(term.token)
    if term.folded.startswith(term.token):
        return _quote(term.token) + ":*"
    return f"({_quote(term.token)}:* | {_quote(term.folded)}:*)"


def match_expression(terms: list[Term], *, any_term: bool = False) -> str:
    return (" | " if any_term else " & ").join(_term(t) for t in terms)


def filter_kwargs(expression: str) -> dict:
    return {"search_entry__document__ts_match": expression}


def rank_expression(expression: str):
    return TsRank("search_entry__document", expression)


def has_match(cursor, expression: str) -> bool:
    cursor.execute(
        f"SELECT 1 FROM {TABLE} WHERE document @@ to_tsquery(%s::regconfig, %s) LIMIT 1",
        [PG_CONFIG, expression],
    )
    return cursor.fetchone() is not None


def delete(cursor, ids: list[int]) -> None:
    cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = ANY(%s)", [list(ids)])


def clear(cursor) -> None:
    cursor.execute(f"TRUNCATE {TABLE}")


def write(cursor, docs: list[Document]) -> None:
    if not docs:
        return
    # One statement per chunk: arrays unnested server-side instead of one round trip per row.
    cfg = f"'{PG_CONFIG}'::regconfig"
    cursor.execute(
        f"""INSERT INTO {TABLE} (rowid, document)
        SELECT u.id,
            setweight(to_tsvector({cfg}, u.name), 'A')
            || setweight(to_tsvector({cfg}, u.acronym), 'A')
            || setweight(to_tsvector({cfg}, u.themes), 'B')
            || setweight(to_tsvector({cfg}, u.body), 'C')
            || setweight(to_tsvector({cfg}, u.places), 'D')
        FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
            AS u(id, name, acronym, themes, body, places)
        ON CONFLICT (rowid) DO UPDATE SET document = EXCLUDED.document""",
        [
            [d.id for d in docs],
            [d.name for d in docs],
            [d.acronym for d in docs],
            [d.themes for d in docs],
            [d.body for d in docs],
            [d.places for d in docs],
        ],
    )


def optimize(cursor) -> None:
    # Fresh statistics after a bulk load: without them the planner takes status = 'published'
    # for a rare value, starts from the organisations and tests the tsquery row by row (10×
    # slower than starting from the GIN index).
    cursor.execute(f"ANALYZE {TABLE}")
    cursor.execute("ANALYZE actors_organisation")
