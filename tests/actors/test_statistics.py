"""After a migration, the planner statistics the search depends on are there again."""

import pytest
from django.db import connection

from passerelles.actors.apps import analyze_after_migrate

pytestmark = pytest.mark.django_db


def _stats_rows() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'actors_organisation'")
        else:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'actors_organisation'")
        return cursor.fetchone()[0]


def test_statistics_are_refreshed_only_when_a_migration_ran():
    from tests.actors.factories import OrganisationFactory

    OrganisationFactory.create_batch(3)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'actors_organisation'")
    if connection.vendor == "sqlite":
        analyze_after_migrate(sender=None, using="default", plan=[])
        assert _stats_rows() == 0  # nothing migrated: nothing to do
    analyze_after_migrate(sender=None, using="default", plan=[("migration", False)])
    assert _stats_rows() > 0
