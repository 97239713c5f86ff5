"""The public API, version 1 (django-ninja). The OpenAPI document is at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Passerelles API",
    version="1.0.0",
    description="Annuaire des acteurs de la coopération internationale et de l'ESS, ici et là-bas.",
    urls_namespace="api-1.0.0",
)
