from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Tables whose statistics the directory and project searches depend on.
SEARCHED_TABLES = ("actors_organisation", "projects_project")


def analyze_after_migrate(sender, using="default", plan=None, **kwargs):
    """Fresh planner statistics after any migration was applied.

    SQLite rebuilds a table for most schema changes and forgets its statistics; without them
    its planner drives a search from the status index and runs the full-text query once per
    organisation (minutes at 100,000 rows instead of milliseconds). Cheap: about a second at
    100,000 rows, and only when a migration ran."""
    if not plan:
        return
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in SEARCHED_TABLES:
            if table in existing:
                cursor.execute(f"ANALYZE {table}")


class ActorsConfig(AppConfig):
    name = "passerelles.actors"
    verbose_name = _("Acteurs")

    def import_models(self):
        super().import_models()
        # The search index model lives with the search code (passerelles/actors/search) rather
        # than in models/: import it while the app registry is loading models, like models/.
        import passerelles.actors.search.models  # noqa: F401

    def ready(self):
        from passerelles.actors.history import M2M_FIELDS
        from passerelles.actors.models import Organisation
        from passerelles.actors.search import signals
        from passerelles.core import door

        signals.connect()
        from passerelles.core import fragments

        # Saves report "organisation" through the actions; a deletion (admin, cascade) does not.
        fragments.bump_on_save(
            Organisation, topic="organisation", saves=False, ids=lambda org: [org.pk]
        )
        # Organisations are written by passerelles.actors.actions only (docs/decisions.md).
        door.guard(Organisation, m2m=M2M_FIELDS)
        # sender=self: once per migrate, not once per installed app.
        post_migrate.connect(
            analyze_after_migrate, sender=self, dispatch_uid="passerelles.actors.analyze"
        )
