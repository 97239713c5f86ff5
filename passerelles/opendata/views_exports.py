"""Downloading an open-data export: the file the worker made (opendata.export_cache), served
from storage with what a client needs to keep a copy and ask again cheaply: Content-Type,
Content-Disposition, Content-Length, an ETag (the file's SHA-256) and Last-Modified (when its
data were read), answered 304 when unchanged. The gzip copy goes to clients that accept it,
with its own length (the compression middleware leaves an encoded response alone).

A stale file is served while its successor is made. With no file yet, the person gets a page
that says it is being prepared and reloads itself (with htmx, a status box asks every few
seconds instead); the API answers 503 with Retry-After, which `curl --retry` and most HTTP
clients wait for and try again."""

import re

from django.http import FileResponse, Http404, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import gettext as _

from passerelles.opendata import export, export_cache
from passerelles.opendata.models import ExportFile

RETRY_SECONDS = 5
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def download(request, kind: str, fmt: str):
    entry = export.get(kind, fmt)
    if entry is None:
        raise Http404
    return serve(request, entry)


def serve(request, entry: export.Export, *, api: bool = False):
    """The export's current file, a 304, or the "being prepared" answer."""
    row = ExportFile.objects.filter(key=entry.key).first()
    if row is not None and row.name and not getattr(request, "htmx", False):
        response = _file_response(request, entry, row)
        if response is not None:
            export_cache.refresh_if_needed(row)
            return response
        # The row names a file that is gone (a restored database, a wiped folder): make it.
        row.name = ""
    if row is None or not row.name:
        row = export_cache.first_file(entry, request)
    if getattr(request, "htmx", False):
        return _status_fragment(request, entry, row)
    if row.name:  # made at once (the immediate backend of tests and development)
        response = _file_response(request, entry, row)
        if response is not None:
            return response
    return _preparing(request, entry, row, api=api)


def _etags(row: ExportFile) -> tuple[str, str]:
    # Strong validators, one per encoding of the same bytes.
    return f'"{row.sha256}"', f'"{row.sha256}-gzip"'


def _not_modified(request, row: ExportFile) -> bool:
    if if_none_match := request.META.get("HTTP_IF_NONE_MATCH"):
        tags = {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}
        return "*" in tags or bool(tags & set(_etags(row)))
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(row.generated_at.timestamp()) <= since


def _file_response(request, entry: export.Export, row: ExportFile):
    """The file (or a 304), or None when the stored file is gone."""
    compressed = bool(row.gzip_name) and bool(
        ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    )
    identity_tag, gzip_tag = _etags(row)
    headers = {
        "ETag": gzip_tag if compressed else identity_tag,
        "Last-Modified": http_date(row.generated_at.timestamp()),
        # Anyone may keep a copy, and asks again each time: a 304 costs one small query.
        "Cache-Control": "public, no-cache",
        "Vary": "Accept-Encoding",
    }
    if _not_modified(request, row):
        response = HttpResponseNotModified()
    else:
        handle = export_cache.open_file(row.gzip_name if compressed else row.name)
        if handle is None:
            return None
        response = FileResponse(
            handle, content_type=entry.media_type, as_attachment=True, filename=entry.filename
        )
        if compressed:
            response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(row.gzip_size if compressed else row.size)
    for header, value in headers.items():
        response[header] = value
    return response


def _state(row: ExportFile) -> str:
    if row.name:
        return "ready"
    if not export_cache.is_waiting(row) and row.failed_at:
        return "failed"
    return "preparing"


def _context(entry: export.Export, row: ExportFile) -> dict:
    return {"entry": entry, "row": row, "state": _state(row), "retry": RETRY_SECONDS}


def _status_fragment(request, entry: export.Export, row: ExportFile):
    # Always 200: htmx swaps only successful answers. The "ready" box no longer polls.
    return render(request, "opendata/_export_status.html", _context(entry, row))


def _preparing(request, entry: export.Export, row: ExportFile, *, api: bool):
    context = _context(entry, row)
    retry = RETRY_SECONDS if context["state"] == "preparing" else 300
    if api:
        if context["state"] == "failed":
            message = _(
                "L'export « %(label)s » n'a pas pu être préparé ; l'équipe du réseau en est "
                "informée. Réessayez dans quelques minutes."
            )
        else:
            message = _(
                "L'export « %(label)s » est en préparation : réessayez dans %(seconds)s secondes."
            )
        response = JsonResponse(
            {"detail": message % {"label": entry.label, "seconds": retry}}, status=503
        )
    else:
        response = render(request, "opendata/preparing.html", context, status=503)
    response["Retry-After"] = str(retry)
    response["Cache-Control"] = "no-store"
    return response
