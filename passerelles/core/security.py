"""Response headers Django does not set itself.

Content-Security-Policy comes from django-csp (settings CONTENT_SECURITY_POLICY); inline
scripts carry `nonce="{{ request.csp_nonce }}"`. Permissions-Policy switches off the browser
features no page of ours uses (camera, microphone, geolocation, payment…), so a script that got
in anyway cannot reach them either."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.value = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response
