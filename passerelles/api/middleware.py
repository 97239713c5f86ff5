"""Personal tokens for the API, and CSRF for API calls made with the session.

`Authorization: Bearer <key>` makes the request act as the token's user, so every endpoint
applies exactly the permission functions the web pages use (`request.user`). A token call
carries no cookie, so CSRF does not apply to it; a call authenticated by the session cookie
(a browser, htmx) must pass Django's CSRF check on unsafe methods, which django-ninja would
otherwise skip because its views are CSRF-exempt.
"""

from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _protected_view(request):  # pragma: no cover - never called, only inspected by the check
    raise AssertionError


class TokenAuthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        request.auth_token = None
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _sep, key = header.partition(" ")
            if scheme.lower() != "bearer" or not request.path.startswith(API_PREFIX):
                if request.path.startswith(API_PREFIX):
                    return self._refuse(_("Utilisez « Authorization: Bearer <jeton> »."))
            else:
                from passerelles.users.models import ApiToken

                token = ApiToken.authenticate(key.strip())
                if token is None:
                    return self._refuse(_("Jeton d'API invalide ou révoqué."))
                request.user = token.user
                request.auth_token = token
                # No cookie is involved in a token call: CSRF cannot forge it.
                request._dont_enforce_csrf_checks = True
                # One write a minute at most per token: enough to show "last used".
                now = timezone.now()
                if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
                    type(token).objects.filter(pk=token.pk).update(last_used_at=now)
        elif (
            request.path.startswith(API_PREFIX)
            and request.method in UNSAFE
            and request.user.is_authenticated
        ):
            refused = self._csrf.process_view(request, _protected_view, (), {})
            if refused is not None:
                return JsonResponse(
                    {"detail": _("Vérification CSRF échouée : rechargez la page et réessayez.")},
                    status=403,
                )
        return self.get_response(request)

    @staticmethod
    def _refuse(detail: str) -> JsonResponse:
        response = JsonResponse({"detail": detail}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="passerelles"'
        return response
