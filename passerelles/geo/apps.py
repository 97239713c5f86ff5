from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "passerelles.geo"
    verbose_name = _("Géographie")
