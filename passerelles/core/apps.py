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
