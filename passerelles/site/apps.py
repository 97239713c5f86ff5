from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The top layer: pages that show several apps at once (the home page). Nothing imports
    it; it may import any app (docs/decisions.md §18)."""

    name = "passerelles.site"
    label = "site"
    verbose_name = _("Site")
