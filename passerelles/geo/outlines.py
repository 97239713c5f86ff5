"""Where the maps find the bundled base-map outlines (countries of the world, departments of
France) that they draw under their markers, so a map still reads without its tile server."""

from django.conf import settings
from django.templatetags.static import static

# Shown in the map's attribution, as the data's public-domain origin asks (see NOTICE).
ATTRIBUTION = '<a href="https://www.naturalearthdata.com/">Natural Earth</a>'


def outlines_config(country: str = "") -> dict:
    """For a map script's JSON config: the GeoJSON files (fetched only when a map is shown),
    the network's region (its departments are highlighted) and a country to highlight."""
    return {
        "countries": static("geo/countries-110m.geojson"),
        "departments": static("geo/departments.geojson"),
        "region": settings.PASSERELLES_REGION_CODE,
        "country": country,
        "attribution": ATTRIBUTION,
    }
