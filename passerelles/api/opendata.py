"""API v1: open-data exports (public), Murmurations profiles (public) and imports (staff).

Exports are the same files as on /donnees/ (made by the worker, opendata.export_cache), with
an ETag and Last-Modified to ask again cheaply; before the first file exists, 503 with
Retry-After. `passerelles export` writes the same content. An import through
the API runs the same registry source as the web upload and the CLI: a dry run unless
`wet_run` is true, answering with the report (counts and the rejected rows with reasons). A
file of more than PASSERELLES_API_IMPORT_SYNC_ROWS records is handed to the task worker
instead (an ImportRun and its job, as for the web page): 202, then GET /imports/{job_id} says
how far it got and, at the end, gives the same report."""

import io

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import ConfigDict

from passerelles.api.errors import errors
from passerelles.core import progress
from passerelles.core.models import Job
from passerelles.opendata import export, registry, tasks
from passerelles.opendata.formats import murmurations
from passerelles.opendata.forms import max_import_bytes
from passerelles.opendata.models import ImportRun, RunStatus
from passerelles.opendata.perms import can_import
from passerelles.opendata.report import REJECTED
from passerelles.opendata.views_exports import serve

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
    response={200: None, **errors(404, 503)},
    openapi_extra={
        "responses": {
            200: {"description": "Le fichier, avec ETag, Last-Modified et Content-Length."},
            304: {"description": "Inchangé depuis la version désignée par If-None-Match."},
            503: {
                "description": "Le premier fichier est en préparation : réessayer après "
                "Retry-After secondes.",
            },
        }
    },
)
def get_export(request: HttpRequest, kind: str, fmt: str):
    """Les organisations ou projets publiés, au format demandé (csv, xlsx, geojson, jsonld
    pour les organisations, iati : activités pour les projets, fichier d'organisations IATI
    pour les organisations). Le fichier est produit par le worker et
    refait après chaque modification des données ; tant que le premier n'existe pas, la
    réponse est 503 avec Retry-After."""
    entry = export.get(kind, fmt)
    if entry is None:
        raise HttpError(
            404,
            _("Pas d'export « %(fmt)s » des « %(kind)s ». Voir /api/v1/exports.")
            % {"fmt": fmt, "kind": kind},
        )
    return serve(request, entry, api=True)


@router.get(
    "/murmurations/{slug}",
    response={200: MurmurationsProfile, **errors(404)},
    summary="Profil Murmurations d'une organisation",
)
def get_murmurations_profile(request: HttpRequest, slug: str):
    """Le profil Murmurations (organizations_schema-v1.0.0) d'une organisation publiée."""
    org = get_object_or_404(murmurations.profiles_queryset(), slug=slug)
    return murmurations.profile(org, export.base_url(request))


class ImportJobOut(Schema):
    id: int
    status: str = Field(description="queued, running, done ou failed")
    status_label: str
    done: int = Field(description="Enregistrements (lignes, activités) déjà traités")
    total: int | None = Field(description="Enregistrements du fichier, une fois comptés")
    message: str
    error: str = Field(description="Pourquoi l'import a échoué (état failed)")
    wet_run: bool
    status_url: str
    result: ImportOut | None = Field(description="Le rapport, une fois l'import terminé")


def _check_can_import(request: HttpRequest) -> None:
    if not can_import(request.user):
        status = 401 if not request.user.is_authenticated else 403
        raise HttpError(status, _("L'import de données est réservé à l'équipe du réseau."))


def _rows(outcomes) -> list[dict]:
    return [
        {"row": str(o.row), "outcome": o.outcome, "label": o.label, "reason": o.reason}
        for o in outcomes[:MAX_ROWS_RETURNED]
    ]


@router.post(
    "/imports",
    response={200: ImportOut, 202: ImportJobOut, **errors(403, 413, 422, write=True)},
    summary="Importer un fichier (équipe)",
)
def post_import(
    request: HttpRequest,
    kind: Form[str],
    file: File[UploadedFile],
    wet_run: Form[bool] = False,
):
    """Importe un tableau (organisations, projets) ou un fichier IATI ; simulation sauf si
    `wet_run` vaut true. Réservé à l'équipe du réseau (jeton personnel ou session).

    Un fichier d'au plus `PASSERELLES_API_IMPORT_SYNC_ROWS` enregistrements (500 par défaut)
    est importé dans la requête, qui répond 200 avec le rapport. Au-delà, l'import est confié
    au worker : la réponse 202 donne l'adresse (`status_url`) où suivre son avancement puis lire
    le rapport."""
    _check_can_import(request)
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
    cap = settings.PASSERELLES_API_IMPORT_SYNC_ROWS
    records = source.count_records(io.BytesIO(content), limit=cap + 1)
    if records is not None and records > cap:
        return Status(202, _queue(request, source, file.name or "", content, wet_run))
    report = source.run(io.BytesIO(content), wet_run=wet_run, user=request.user, name=file.name)
    if report.error:
        raise HttpError(422, _("Fichier refusé : %(error)s") % {"error": report.error})
    return {
        "source": source.key,
        "wet_run": wet_run,
        "counts": report.counts,
        "rejected": _rows(report.rejections),
        "rows": _rows(report.details),
    }


def _queue(request, source, file_name: str, content: bytes, wet_run: bool) -> dict:
    """An import too big to answer within the request: a run, and its job for the worker (a
    dry run is a preview staff may then apply from the web page; a wet run is applied
    directly)."""
    run = ImportRun.objects.create(
        kind=source.key,
        file_name=file_name[:255] or "import",
        content=content,
        size=len(content),
        sha256=ImportRun.digest(content),
        created_by=request.user,
        status=RunStatus.APPLYING if wet_run else RunStatus.PENDING,
        applied_by=request.user if wet_run else None,
    )
    if wet_run:
        tasks.start_apply(run, request.user)
    else:
        tasks.start_preview(run, request.user)
    return _job_out(request, run.job, run)


@router.get(
    "/imports/{job_id}",
    response={200: ImportJobOut, **errors(403, 404, 422)},
    summary="Suivre un import confié au worker (équipe)",
)
def get_import(request: HttpRequest, job_id: int):
    """L'état d'un import trop gros pour être fait dans la requête : `queued`, `running` (avec
    l'avancement `done` / `total`), puis `done` avec le rapport (`result`) ou `failed` avec la
    raison (`error`). Réservé à l'équipe du réseau, comme l'import lui-même."""
    _check_can_import(request)
    job = Job.objects.filter(pk=job_id, kind__in=[tasks.PREVIEW, tasks.APPLY]).first()
    run = ImportRun.objects.defer("content").filter(job=job).first() if job else None
    if run is None:
        raise HttpError(404, _("Aucun import n° %(id)s.") % {"id": job_id})
    job = progress.live(progress.settle(job))
    if job.is_failed:
        run.refresh_from_db()
    return _job_out(request, job, run)


def _job_out(request, job: Job, run: ImportRun) -> dict:
    result = None
    if job.is_done and run.status in (
        RunStatus.PREVIEWED,
        RunStatus.APPLIED,
        RunStatus.ABANDONED,
        RunStatus.EXPIRED,
    ):
        stored = run.rows or []
        result = {
            "source": run.kind,
            "wet_run": run.status == RunStatus.APPLIED,
            "counts": run.counts,
            "rejected": [_row_out(r) for r in stored if r["outcome"] == REJECTED],
            "rows": [_row_out(r) for r in stored if r["outcome"] != REJECTED],
        }
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "error": job.error,
        "wet_run": job.kind == tasks.APPLY,
        "status_url": request.build_absolute_uri(f"/api/v1/imports/{job.pk}"),
        "result": result,
    }


def _row_out(row: dict) -> dict:
    return {
        "row": str(row["row"]),
        "outcome": row["outcome"],
        "label": row["label"],
        "reason": row["reason"],
    }
