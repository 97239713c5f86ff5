from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "passerelles.users"
    verbose_name = _("Comptes")

    def ready(self):
        from django.db.models.signals import post_migrate

        from passerelles.users import merging
        from passerelles.users.groups import sync_staff_group

        # Rows pointing at a merged duplicate move to the kept organisation.
        merging.connect()

        # post_migrate is sent once per installed app, and auth creates each app's permissions
        # in that app's turn: listening to every app (not only ours) means the last call sees
        # them all. A handful of cheap queries per app, only during migrate.
        post_migrate.connect(sync_staff_group, dispatch_uid="sync_staff_group")
