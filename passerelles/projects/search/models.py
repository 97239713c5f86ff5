"""The projects' search index as seen by the ORM: one unmanaged model over a table that each
database back end creates its own way (migration 0002_search_index), on the same principles as
passerelles.actors.search, with the field types of passerelles.core.search.fields:

- SQLite: an FTS5 virtual table whose `rowid` is the project id;
- PostgreSQL: a plain table with a `rowid` key column and a stored, GIN-indexed, weighted
  `tsvector` in `document` (core/search/fields.py says under which configuration).

It is only ever joined from Project (`search_entry__…`), so searches stay lazy querysets."""

from django.db import models

from passerelles.core.search.fields import FtsMatchField, TsVectorField

TABLE = "projects_project_search"


class ProjectSearchEntry(models.Model):
    # DO_NOTHING and no constraint: the deletion collector must not query this table (signals
    # remove the rows; the index is derived data, rebuilt by a command).
    project = models.OneToOneField(
        "projects.Project",
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
        app_label = "projects"
        managed = False
        db_table = TABLE
        default_permissions = ()

    def __str__(self):
        return f"project search entry {self.pk}"
