"""API v1: open-data exports (public), Murmurations profiles (public) and imports (staff).

Exports are the same as on /donnees/ and `passerelles export`, streamed. An import through
the API runs the same registry source as the web upload and the CLI: a dry run unless
`wet_run` is true, answering with the report (counts and the rejected rows with reasons)."""

import io

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import ConfigDict

from passerelles.api.errors import errors
from passerelles.opendata import export, registry
from passerelles.opendata.formats import murmurations
from passerelles.opendata.forms import max_import_bytes
from passerelles.opendata.perms import can_import
from passerelles.opendata.views import export_response

router = Router(tags=["opendata"])
MAX_ROWS_RETURNED = 1000


class ExportOut(Schema):
    kind: str
    format: str
    label: str
    media_type: str
    url: str
    licence: str


class MurmurationsProfile(Schema):
    """The keys every profile has; the others (description, tags, geolocation…) follow the
    Murmurations organizations_schema-v1.0.0 and appear when the organisation has them."""

    model_config = ConfigDict(extra="allow")

    linked_schemas: list[str]
    name: str
    primary_url: str
    unique_id: str


class RowOut(Schema):
    row: str
    outcome: str
    label: str
    reason: str


class ImportOut(Schema):
    source: str
    wet_run: bool
    counts: dict[str, int]
    rejected: list[RowOut]
    rows: list[RowOut]


@router.get("/exports", response={200: list[ExportOut], **errors()}, summary="Lister les exports")
def list_exports(request: HttpRequest):
    """Chaque export de données ouvertes : format, type de contenu, adresse, licence."""
    return [
        {
            "kind": e.kind,
            "format": e.format,
            "label": str(e.label),
            "media_type": e.media_type,
            "url": request.build_absolute_uri(f"/api/v1/exports/{e.kind}/{e.format}"),
            "licence": str(export.LICENCE),
        }
        for e in export.EXPORTS
    ]


@router.get(
    "/exports/{kind}/{fmt}",
    summary="Télécharger un export",
    response={200: None, **errors(404)},
    openapi_extra={"responses": {200: {"description": "Le fichier, diffusé en flux."}}},
)
def get_export(request: HttpRequest, kind: str, fmt: str):
    """Les organisations ou projets publiés, au format demandé (csv, xlsx, geojson, jsonld
    pour les organisations, iati pour les projets)."""
    entry = export.get(kind, fmt)
    if entry is None:
        raise HttpError(
            404,
            _("Pas d'export « %(fmt)s » des « %(kind)s ». Voir /api/v1/exports.")
            % {"fmt": fmt, "kind": kind},
        )
    return export_response(entry, export.base_url(request))


@router.get(
    "/murmurations/{slug}",
    response={200: MurmurationsProfile, **errors(404)},
    summary="Profil Murmurations d'une organisation",
)
def get_murmurations_profile(request: HttpRequest, slug: str):
    """Le profil Murmurations (organizations_schema-v1.0.0) d'une organisation publiée."""
    org = get_object_or_404(murmurations.profiles_queryset(), slug=slug)
    return murmurations.profile(org, export.base_url(request))


@router.post("/imports", response=ImportOut, summary="Importer un fichier (équipe)")
def post_import(
    request: HttpRequest,
    kind: Form[str],
    file: File[UploadedFile],
    wet_run: Form[bool] = False,
):
    """Importe un tableau (organisations, projets) ou un fichier IATI ; simulation sauf si
    `wet_run` vaut true. Réservé à l'équipe du réseau (jeton personnel ou session)."""
    if not can_import(request.user):
        status = 401 if not request.user.is_authenticated else 403
        raise HttpError(status, _("L'import de données est réservé à l'équipe du réseau."))
    try:
        source = registry.get(kind)
    except KeyError:
        raise HttpError(
            422,
            _("Source inconnue « %(kind)s » (sources : %(keys)s).")
            % {"kind": kind, "keys": ", ".join(s.key for s in registry.sources())},
        ) from None
    if file.size > max_import_bytes():
        raise HttpError(413, _("Le fichier dépasse la taille autorisée pour un import."))
    content = file.read()
    report = source.run(io.BytesIO(content), wet_run=wet_run, user=request.user, name=file.name)
    if report.error:
        raise HttpError(422, _("Fichier refusé : %(error)s") % {"error": report.error})

    def rows(outcomes):
        return [
            {"row": str(o.row), "outcome": o.outcome, "label": o.label, "reason": o.reason}
            for o in outcomes[:MAX_ROWS_RETURNED]
        ]

    return {
        "source": source.key,
        "wet_run": wet_run,
        "counts": report.counts,
        "rejected": rows(report.rejections),
        "rows": rows(report.details),
    }
