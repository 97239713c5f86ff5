from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "passerelles.geo"
    verbose_name = _("Géographie")

    def ready(self):
        from passerelles.core import fragments
        from passerelles.geo.models import Commune, Country, Department, Region

        # Pages name places: a corrected name retires the cached parts that show it.
        fragments.bump_on_save(Country, Region, Department, Commune, topic="referentials")
