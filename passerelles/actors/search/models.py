"""The organisations' search index as seen by the ORM: one unmanaged model over a table that
each database back end creates its own way (migration 0003_search_index), with the shared field
types of passerelles.core.search.fields:

- SQLite: an FTS5 virtual table. Its key is FTS5's `rowid` (= the organisation id); `rank` and
  the hidden column named after the table (the left operand of MATCH) come with FTS5.
- PostgreSQL: a plain table whose key column is also called `rowid`, so one model fits both,
  holding a stored, GIN-indexed, weighted `tsvector` in `document`.

Columns that exist only on one back end are never selected: the model is only ever joined from
Organisation (`search_entry__…`), so searches stay plain, composable querysets."""

from django.db import models

# Re-exported: migration 0003 (and the projects' 0002) name the field types by this path.
from passerelles.core.search.fields import FtsMatchField, TsVectorField

__all__ = ["TABLE", "FtsMatchField", "SearchEntry", "TsVectorField"]

TABLE = "actors_organisation_search"


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
