"""Field types and lookups of the search index tables, shared by every index (organisations,
projects): the migrations that create those tables refer to them, so they live here once.

- SQLite: an FTS5 virtual table; `fts` is FTS5's hidden column named after the table (the left
  operand of MATCH), `rank` is its configured bm25.
- PostgreSQL: a plain table holding a stored, GIN-indexed, weighted `tsvector` in `document`,
  made of the same Python tokens as SQLite's under the `simple` configuration."""

from django.db import models
from django.db.models import Lookup

# `simple`: the tokens are taken as they are, already folded, lemmatised and rooted in Python
# (core/search/text.py), exactly as SQLite's FTS5 takes them. The `french_unaccent`
# configuration that migration 0003 creates is no longer used: Snowball stemming on top of the
# roots made PostgreSQL match more than SQLite, worst on a prefix ("écoles" → "ecol:*" found
# "écologie"). Changing it needs the indexes rebuilt.
PG_CONFIG = "simple"


class FtsMatchField(models.TextField):
    """SQLite FTS5's hidden column named after the table: `col MATCH 'query'`."""


class TsVectorField(models.Field):
    """PostgreSQL `tsvector`."""

    def db_type(self, connection):
        return "tsvector"


@FtsMatchField.register_lookup
class FtsMatch(Lookup):
    lookup_name = "fts_match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", (*lhs_params, *rhs_params)


@TsVectorField.register_lookup
class TsMatch(Lookup):
    lookup_name = "ts_match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return (
            f"{lhs} @@ to_tsquery('{PG_CONFIG}'::regconfig, {rhs})",
            (*lhs_params, *rhs_params),
        )


# ts_rank's weights for D, C, B, A: the same ratios as SQLite's bm25 column weights (name and
# acronym 10, themes 4, body 1, places 0.5), so both databases rank alike.
TS_WEIGHTS = "{0.05, 0.1, 0.4, 1.0}"
# ts_rank normalisation 1: divided by 1 + log(document length), as bm25 discounts long documents
# (without it a long description repeating a word outranks a name that says it).
TS_NORMALISATION = 1


class TsRank(models.Func):
    """`ts_rank(weights, document, to_tsquery(config, query), 1)`, higher is better."""

    output_field = models.FloatField()

    def __init__(self, document, query: str):
        super().__init__(document, models.Value(query, output_field=models.TextField()))

    def as_sql(self, compiler, connection, **extra):
        doc_sql, doc_params = compiler.compile(self.source_expressions[0])
        q_sql, q_params = compiler.compile(self.source_expressions[1])
        sql = (
            f"ts_rank('{TS_WEIGHTS}'::float4[], {doc_sql}, "
            f"to_tsquery('{PG_CONFIG}'::regconfig, {q_sql}), {TS_NORMALISATION})"
        )
        return sql, (*doc_params, *q_params)
