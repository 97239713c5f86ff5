"""The error answers of the API, declared in the OpenAPI document operation by operation.

Every error is `{"detail": "<a sentence>"}`. Each operation declares the codes it can really
answer, so that a client (and the schemathesis run in the tests) knows them in advance:

- 400 on every operation: input holding a NUL or another control character is refused before
  any view (passerelles.core.resilience.InputHygieneMiddleware), wherever it is (query string
  included);
- 401 on every operation: an `Authorization` header with an unknown or revoked token
  (passerelles.api.middleware), and the operations that need a signed-in person;
- on every write (POST, PATCH): 403 when a call signed in by the session cookie fails the CSRF
  check, and 429 when a client without an account has sent too many writes
  (passerelles.core.security.AnonymousWriteThrottle);
- the others where the operation answers them (403, 404, 409, 413, 422).
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from ninja import Schema

API_PREFIX = "/api/"


class ErrorOut(Schema):
    detail: str


ALWAYS = (400, 401)
WRITES = (403, 429)


def errors(*codes: int, write: bool = False) -> dict[int, type[Schema]]:
    """The error part of an operation's `response=`: the codes given, plus those every
    operation (`write`: every write) can answer."""
    return {code: ErrorOut for code in sorted({*ALWAYS, *(WRITES if write else ()), *codes})}


def shown(value, limit: int = 100) -> str:
    """A value echoed in a message, cut to a readable length (the answer must stay short
    whatever was sent; what is stored is never cut)."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def page_not_found(request, exception=None):
    """handler404: an address under /api/ that no operation serves (an unknown path, or a
    path parameter of the wrong kind such as letters for a number) answers in JSON like the
    operations do; elsewhere, the site's 404 page."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Ressource introuvable.")}, status=404)
    return defaults.page_not_found(request, exception)
