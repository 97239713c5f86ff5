"""The public API, version 1 (django-ninja). The OpenAPI document is at /api/v1/openapi.json.

Errors always answer `{"detail": "<a sentence in the user's language>"}`: a person reading a
failed request in a browser or a log should understand it without the OpenAPI document."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI
from ninja.errors import ValidationError

# Imported for its operations: the writes of /organisations join the organisations' router.
import passerelles.api.organisation_writes  # noqa: F401
from passerelles.api.bridges import router as bridges_router
from passerelles.api.cooperation import router as cooperation_router
from passerelles.api.docs import docs
from passerelles.api.errors import shown
from passerelles.api.events import router as events_router
from passerelles.api.grants import router as grants_router
from passerelles.api.groups import router as groups_router
from passerelles.api.observatory import router as observatory_router
from passerelles.api.observatory_snapshots import router as observatory_snapshots_router
from passerelles.api.opendata import router as opendata_router
from passerelles.api.organisations import router as organisations_router
from passerelles.api.practices import router as practices_router
from passerelles.api.projects import router as projects_router

api = NinjaAPI(
    title="Passerelles API",
    version="1.0.0",
    description="Annuaire des acteurs de la coopération internationale et de l'ESS, ici et là-bas.",
    urls_namespace="api-1.0.0",
    # Our own page with the Swagger UI files the site serves itself, never a CDN (api/docs.py).
    docs=docs(),
)
api.add_router("/", organisations_router)
api.add_router("/", projects_router)
api.add_router("/", opendata_router)
api.add_router("/", bridges_router)
api.add_router("/", cooperation_router)
api.add_router("/", events_router)
api.add_router("/", observatory_router)
api.add_router("/", observatory_snapshots_router)
api.add_router("/", groups_router)
api.add_router("/", grants_router)
api.add_router("/", practices_router)


def _describe(error: dict) -> str:
    """One pydantic error as a French sentence naming the parameter."""
    name = ".".join(str(part) for part in error.get("loc", ())[1:]) or _("requête")
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    given = error.get("input")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        reason = _("doit être un nombre entier")
    elif kind == "greater_than_equal":
        reason = _("doit être supérieur ou égal à %(limit)s") % {"limit": ctx.get("ge")}
    elif kind == "less_than_equal":
        reason = _("doit être inférieur ou égal à %(limit)s") % {"limit": ctx.get("le")}
    elif kind == "enum":
        reason = _("doit être l'une des valeurs : %(values)s") % {
            "values": str(ctx.get("expected", "")).replace(" or ", _(" ou "))
        }
    elif kind in ("bool_parsing", "bool_type"):
        reason = _("doit valoir true ou false")
    elif kind == "missing":
        reason = _("est obligatoire")
    elif kind == "string_too_long":
        reason = _("doit compter %(limit)s caractères au plus") % {"limit": ctx.get("max_length")}
        given = None  # the text itself may be megabytes long
    elif kind == "string_too_short":
        limit = ctx.get("min_length") or 0
        reason = ngettext(
            "doit compter au moins %(limit)s caractère",
            "doit compter au moins %(limit)s caractères",
            limit,
        ) % {"limit": limit}
    elif kind == "too_long":
        reason = _("doit compter %(limit)s éléments au plus") % {"limit": ctx.get("max_length")}
        given = None
    elif kind == "too_short":
        limit = ctx.get("min_length") or 0
        reason = ngettext(
            "doit compter au moins %(limit)s élément",
            "doit compter au moins %(limit)s éléments",
            limit,
        ) % {"limit": limit}
        given = None
    elif kind in ("decimal_max_digits", "decimal_whole_digits"):
        reason = _("a trop de chiffres pour être enregistré")
    elif kind == "decimal_max_places":
        reason = _("doit avoir %(limit)s décimales au plus") % {"limit": ctx.get("decimal_places")}
    elif kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        reason = _("doit être une date AAAA-MM-JJ")
    else:
        reason = _("a une valeur invalide")
    if given is not None and kind != "missing":
        return _("Le paramètre « %(name)s » %(reason)s (reçu : « %(given)s »).") % {
            "name": name,
            "reason": reason,
            "given": shown(given),
        }
    return _("Le paramètre « %(name)s » %(reason)s.") % {"name": name, "reason": reason}


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    detail = " ".join(_describe(error) for error in exc.errors)
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Ressource introuvable.")}, status=404)
