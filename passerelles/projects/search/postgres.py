"""PostgreSQL back end: a stored, GIN-indexed, weighted tsvector in the `french_unaccent`
configuration, ranked with ts_rank. Query syntax is shared with the organisations' index."""

from passerelles.actors.search.models import PG_CONFIG, TsRank
from passerelles.actors.search.postgres import match_expression  # noqa: F401
from passerelles.projects.search.documents import Document
from passerelles.projects.search.models import TABLE


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
    cfg = f"'{PG_CONFIG}'::regconfig"
    # Four weights only: title and acronym A, themes B, description and participants C,
    # places D. One statement per chunk, arrays unnested server-side.
    cursor.execute(
        f"""INSERT INTO {TABLE} (rowid, document)
        SELECT u.id,
            setweight(to_tsvector({cfg}, u.title), 'A')
            || setweight(to_tsvector({cfg}, u.acronym), 'A')
            || setweight(to_tsvector({cfg}, u.themes), 'B')
            || setweight(to_tsvector({cfg}, u.body), 'C')
            || setweight(to_tsvector({cfg}, u.people), 'C')
            || setweight(to_tsvector({cfg}, u.places), 'D')
        FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
                    %s::text[])
            AS u(id, title, acronym, themes, body, people, places)
        ON CONFLICT (rowid) DO UPDATE SET document = EXCLUDED.document""",
        [
            [d.id for d in docs],
            [d.title for d in docs],
            [d.acronym for d in docs],
            [d.themes for d in docs],
            [d.body for d in docs],
            [d.people for d in docs],
            [d.places for d in docs],
        ],
    )


def optimize(cursor) -> None:
    cursor.execute(f"ANALYZE {TABLE}")
    cursor.execute("ANALYZE projects_project")
