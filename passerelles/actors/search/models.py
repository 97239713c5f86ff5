"""The search index as seen by the ORM: one unmanaged model over a table that each database
back end creates its own way (migration 0003_search_index).

- SQLite: an FTS5 virtual table. Its key is FTS5's `rowid` (= the organisation id); `rank` and
  the hidden column named after the table (the left operand of MATCH) come with FTS5.
- PostgreSQL: a plain table whose key column is also called `rowid`, so one model fits both,
  holding a stored, GIN-indexed, weighted `tsvector` in `document`.

Columns that exist only on one back end are never selected: the model is only ever joined from
Organisation (`search_entry__…`), so searches stay plain, composable querysets."""

from django.db import models
from django.db.models import Lookup

# The text-search configuration created by the migration: French stemming over unaccented words.
PG_CONFIG = "french_unaccent"
TABLE = "actors_organisation_search"


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


class SearchEntry(models.Model):
    # DO_NOTHING and no constraint: Django's deletion collector must not query this table (the
    # signal handler removes SQLite rows; PostgreSQL cascades with its own foreign key).
    organisation = models.OneToOneField(
        "actors.Organisation",
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="search_entry",
    )
    # SQLite only.
    fts = FtsMatchField(db_column=TABLE, null=True)
    rank = models.FloatField(db_column="rank", null=True)
    # PostgreSQL only.
    document = TsVectorField(null=True)

    class Meta:
        app_label = "actors"
        managed = False
        db_table = TABLE
        default_permissions = ()

    def __str__(self):
        return f"search entry {self.pk}"
