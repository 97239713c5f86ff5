from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "passerelles.actors"
    verbose_name = _("Acteurs")

    def import_models(self):
        super().import_models()
        # The search index model lives with the search code (passerelles/actors/search) rather
        # than in models/: import it while the app registry is loading models, like models/.
        import passerelles.actors.search.models  # noqa: F401

    def ready(self):
        from passerelles.actors.search import signals

        signals.connect()
