from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "passerelles.core"
    verbose_name = _("Socle")

    def ready(self):
        from passerelles.core.collation import register_sqlite_collation

        connection_created.connect(
            register_sqlite_collation, dispatch_uid="passerelles.core.collation"
        )
        from django.db.models.signals import post_migrate

        from passerelles.core import fragments

        # Parts of pages shared by the workers are retired by what actions report changed,
        # and all of them by a migration (a deploy, a restored database).
        fragments.listen()
        post_migrate.connect(
            lambda **kwargs: fragments.bump_all(), weak=False, dispatch_uid="core.pages.migrate"
        )
        from passerelles.core import changes, jobs

        # The change log the columns in memory patch themselves from (§45) keeps one day.
        jobs.housekeeping("core.prune_change_log", changes.prune)
        from passerelles.core.search import formats

        # sender=self: once per migrate, after every app's migrations (the schema is today's).
        post_migrate.connect(formats.rebuild_stale, sender=self, dispatch_uid="core.search.formats")
