"""The organisations' full-text search index, one table per database back end.

SQLite: an FTS5 virtual table of normalised French tokens, with a weighted bm25 as its rank.
PostgreSQL: the unaccent extension, a `french_unaccent` text-search configuration and a table
holding a weighted tsvector under a GIN index. The SQL is frozen here on purpose (a migration
must not change when the search code does). Rows are written by passerelles.actors.search; run
`passerelles rebuild_search_index` on a database that already had organisations."""

import django.db.models.deletion
from django.db import migrations, models

import passerelles.actors.search.models

TABLE = "actors_organisation_search"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "name, acronym, themes, body, places, "
    "tokenize='unicode61 remove_diacritics 2', prefix='4')",
    # Columns: name, acronym, themes, body, places. A name match outweighs a description match.
    f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('rank', 'bm25(10.0, 10.0, 4.0, 1.0, 0.5)')",
]
SQLITE_DROP = [f"DROP TABLE IF EXISTS {TABLE}"]

POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END $$""",
    # The key column is called rowid like FTS5's, so one Django model fits both back ends.
    # No foreign key: the index is derived data kept in sync by signals, and a key Django does
    # not know about would make its test-database flush (TRUNCATE) fail on PostgreSQL.
    f"""CREATE TABLE {TABLE} (
        rowid bigint PRIMARY KEY,
        document tsvector NOT NULL
    )""",
    f"CREATE INDEX {TABLE}_document ON {TABLE} USING gin (document)",
]
# unaccent stays installed: harmless, and other features may rely on it.
POSTGRES_DROP = [
    f"DROP TABLE IF EXISTS {TABLE}",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, ()):
            schema_editor.execute(sql, params=None)

    return run


create = _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE})
drop = _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0002_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "organisation",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="actors.organisation",
                    ),
                ),
                (
                    "fts",
                    passerelles.actors.search.models.FtsMatchField(
                        db_column="actors_organisation_search", null=True
                    ),
                ),
                ("rank", models.FloatField(db_column="rank", null=True)),
                ("document", passerelles.actors.search.models.TsVectorField(null=True)),
            ],
            options={
                "db_table": "actors_organisation_search",
                "managed": False,
                "default_permissions": (),
            },
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
