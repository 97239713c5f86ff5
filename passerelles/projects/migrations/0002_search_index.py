"""The projects' full-text search index, one table per database back end (see
passerelles/projects/search). PostgreSQL reuses the `french_unaccent` configuration created by
actors.0003_search_index. The SQL is frozen here on purpose; run
`passerelles rebuild_project_index` on a database that already had projects."""

import django.db.models.deletion
from django.db import migrations, models

import passerelles.actors.search.models

TABLE = "projects_project_search"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "title, acronym, themes, body, people, places, "
    "tokenize='unicode61 remove_diacritics 2', prefix='4')",
    # Columns: title, acronym, themes, body, people, places. A title match outweighs a
    # description match.
    f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('rank', 'bm25(10.0, 10.0, 4.0, 1.0, 2.0, 0.5)')",
]
SQLITE_DROP = [f"DROP TABLE IF EXISTS {TABLE}"]

POSTGRES_CREATE = [
    # No foreign key: derived data kept in sync by signals and services; a key Django does not
    # know about would make the test database's flush (TRUNCATE) fail.
    f"""CREATE TABLE {TABLE} (
        rowid bigint PRIMARY KEY,
        document tsvector NOT NULL
    )""",
    f"CREATE INDEX {TABLE}_document ON {TABLE} USING gin (document)",
]
POSTGRES_DROP = [f"DROP TABLE IF EXISTS {TABLE}"]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(sql, params=None)

    return run


create = _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE})
drop = _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProjectSearchEntry",
            fields=[
                (
                    "project",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="projects.project",
                    ),
                ),
                (
                    "fts",
                    passerelles.actors.search.models.FtsMatchField(
                        db_column="projects_project_search", null=True
                    ),
                ),
                ("rank", models.FloatField(db_column="rank", null=True)),
                ("document", passerelles.actors.search.models.TsVectorField(null=True)),
            ],
            options={
                "db_table": "projects_project_search",
                "managed": False,
                "default_permissions": (),
            },
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
