"""Response headers Django does not set itself.

Content-Security-Policy comes from django-csp (settings CONTENT_SECURITY_POLICY); inline
scripts carry `nonce="{{ request.csp_nonce }}"`. Permissions-Policy switches off the browser
features no page of ours uses (camera, microphone, geolocation, payment…), so a script that got
in anyway cannot reach them either."""

import time

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.value = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response


def client_ip(request) -> str | None:
    """The client's address. Behind `PROXY_COUNT` reverse proxies, each appending the address it
    received the request from to X-Forwarded-For, it is that many entries from the right: the
    entries further left were written by the client and may be forged. Without proxies, or
    with a header shorter than that, REMOTE_ADDR."""
    count = getattr(settings, "PROXY_COUNT", 0)
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if len(entries) >= count:
            return entries[-count]
    return request.META.get("REMOTE_ADDR")


# (seconds, most requests) windows for what visitors without an account send: a burst limit
# that stops a script (50 registrations in 2 s were measured), and a longer one generous
# enough for a venue's shared Wi-Fi where a room registers for the regional day.
ANONYMOUS_WRITE_LIMITS = ((10, 10), (600, 60))


class AnonymousWriteThrottle:
    """Refuses, with a 429 in words and Retry-After, the POST/PUT/PATCH/DELETE requests of a
    client address without an account beyond ANONYMOUS_WRITE_LIMITS (settings
    PASSERELLES_ANONYMOUS_WRITE_LIMITS). Every form a visitor can send (proposal, correction,
    registration, sign-up, password reset, sign-in) and the API share the budget. Counted in
    the "throttle" cache, shared by the workers of one machine (a file cache by default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self._refusal(request)
        return refused if refused is not None else self.get_response(request)

    def _refusal(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        from django.core.cache import caches

        cache = caches["throttle"]
        address = client_ip(request) or "unknown"
        limits = getattr(settings, "PASSERELLES_ANONYMOUS_WRITE_LIMITS", ANONYMOUS_WRITE_LIMITS)
        now = int(time.time())
        for seconds, most in limits:
            window = now // seconds
            key = f"anon-writes:{address}:{seconds}:{window}"
            count = cache.get_or_set(key, 0, timeout=seconds * 2)
            if count >= most:
                return self._response(request, retry_after=(window + 1) * seconds - now)
            try:
                cache.incr(key)
            except ValueError:  # expired between the two calls
                cache.set(key, 1, timeout=seconds * 2)
        return None

    @staticmethod
    def _response(request, retry_after: int):
        message = _(
            "Trop d'envois depuis votre connexion en peu de temps. Patientez %(seconds)s "
            "secondes, puis réessayez ; rien n'a été enregistré cette fois."
        ) % {"seconds": max(1, retry_after)}
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=429)
        else:
            page = loader.get_template("429.html").render({"message": message})
            response = HttpResponse(page, status=429)
        response["Retry-After"] = str(max(1, retry_after))
        return response
