from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "passerelles.events"
    verbose_name = _("Événements")

    def ready(self):
        from passerelles.events import merging

        # Rows pointing at a merged duplicate move to the kept organisation.
        merging.connect()
