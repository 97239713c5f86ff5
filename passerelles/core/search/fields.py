"""Field types and lookups of the search index tables, shared by every index (organisations,
projects): the migrations that create those tables refer to them, so they live here once.

- SQLite: an FTS5 virtual table; `fts` is FTS5's hidden column named after the table (the left
  operand of MATCH), `rank` is its configured bm25.
- PostgreSQL: a plain table holding a stored, GIN-indexed, weighted `tsvector` in `document`,
  in the `french_unaccent` configuration created by the actors' migration 0003."""

from django.db import models
from django.db.models import Lookup

# The text-search configuration created by the migration: French stemming over unaccented words.
PG_CONFIG = "french_unaccent"


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


class TsRank(models.Func):
    """`ts_rank(document, to_tsquery('french_unaccent', query))`, higher is better."""

    output_field = models.FloatField()

    def __init__(self, document, query: str):
        super().__init__(document, models.Value(query, output_field=models.TextField()))

    def as_sql(self, compiler, connection, **extra):
        doc_sql, doc_params = compiler.compile(self.source_expressions[0])
        q_sql, q_params = compiler.compile(self.source_expressions[1])
        sql = f"ts_rank({doc_sql}, to_tsquery('{PG_CONFIG}'::regconfig, {q_sql}))"
        return sql, (*doc_params, *q_params)
