from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "passerelles.observatory"
    verbose_name = _("Observatoire")

    def ready(self):
        # Registers every indicator (each module adds its own to the registry).
        from passerelles.observatory import indicators  # noqa: F401
