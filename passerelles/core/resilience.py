"""Bad input and a struggling database answer with words, never with the 500 page.

Two guards:

- `InputHygieneMiddleware` refuses, with a 400 that says why, a request whose query string,
  form fields or JSON body hold a NUL or another control character. PostgreSQL cannot store a
  NUL in a text column (the query fails inside the view, a 500), and no person types one: such a
  request is a broken client or a probe. Tabs and line breaks are text and pass. Checking the
  request once at the door covers every form, filter and API endpoint, including those written
  later; files (imports) are cleaned by their readers.

- `server_error` (the project's handler500) answers 503 "try again in a moment", with a
  Retry-After header, when the failure is the database's state rather than a bug: locked by a
  long write (SQLite), read-only, disk full, or a connection the server dropped (a PostgreSQL
  restart). The person learns it is temporary; every other failure keeps the 500 page. Both
  pages are rendered without the database (it may be what failed).
"""

import json
import re
import sys

from django.db import DatabaseError, InterfaceError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

# C0 control characters except tab, line feed and carriage return; DEL. Not the C1 range:
# those code points appear in mis-decoded but legitimate text and PostgreSQL stores them.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
RETRY_AFTER_SECONDS = 30

# Substrings of the messages SQLite and PostgreSQL give when the database, not the code, is the
# problem (lower case).
_TEMPORARY = (
    "database is locked",
    "database table is locked",
    "readonly database",
    "read-only",
    "disk is full",
    "database or disk is full",
    "no space left on device",
    "could not extend file",
    "terminating connection",
    "server closed the connection",
    "connection already closed",
    "could not connect to server",
    "connection refused",
    "the database system is shutting down",
    "the database system is starting up",
)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _has_control(value) -> bool:
    if isinstance(value, str):
        return CONTROL.search(value) is not None
    if isinstance(value, dict):
        return any(_has_control(k) or _has_control(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_control(v) for v in value)
    return False


def _json_has_control(body: bytes) -> bool:
    # A raw control byte is invalid JSON anyway; an escaped one (\u0000) only shows once
    # decoded. The cheap look for an escape spares decoding every ordinary body.
    if CONTROL.search(body.decode("utf-8", "replace")):
        return True
    if b"\\u" not in body:
        return False
    try:
        return _has_control(json.loads(body))
    except ValueError:
        return False  # the API answers malformed JSON itself, with its own message


def request_has_control_characters(request) -> bool:
    for key, values in request.GET.lists():
        if _has_control(key) or _has_control(values):
            return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return any(_has_control(k) or _has_control(v) for k, v in request.POST.lists())
    if content_type.endswith("json"):
        return _json_has_control(request.body)
    return False


class InputHygieneMiddleware:
    """After LocaleMiddleware (the refusal speaks the visitor's language), before the views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_control_characters(request):
            message = _(
                "Votre envoi contient un caractère invisible non autorisé (caractère de "
                "contrôle, par exemple NUL). Retirez-le, puis réessayez."
            )
            if _is_api(request):
                return JsonResponse({"detail": message}, status=400)
            page = loader.get_template("400.html").render({"message": message})
            return HttpResponseBadRequest(page)
        return self.get_response(request)


def is_temporary_database_trouble(exc: BaseException | None) -> bool:
    """True for a database error caused by the database's state (locked, read-only, full,
    connection lost), which a retry in a moment may cure."""
    seen = 0
    while exc is not None and seen < 5:  # the driver's error is often the __cause__
        if isinstance(exc, DatabaseError | InterfaceError) or type(exc).__module__.startswith(
            ("sqlite3", "psycopg")
        ):
            text = str(exc).lower()
            if isinstance(exc, InterfaceError) or any(part in text for part in _TEMPORARY):
                return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def server_error(request, template_name="500.html"):
    """handler500: 503 with Retry-After for temporary database trouble, else Django's 500."""
    exc = sys.exc_info()[1]
    if not is_temporary_database_trouble(exc):
        return defaults.server_error(request, template_name)
    message = _(
        "Le service est momentanément indisponible (base de données occupée ou en maintenance). "
        "Rien n'a été enregistré par cette demande : réessayez dans une minute."
    )
    if _is_api(request):
        response = JsonResponse({"detail": message}, status=503)
    else:
        page = loader.get_template("503.html").render({"message": message})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
