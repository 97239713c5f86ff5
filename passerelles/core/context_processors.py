from django.conf import settings


def _section(request) -> str:
    """The part of the site a page belongs to, for the navigation's aria-current: the URL
    namespace, with the map and the three bridges pages told apart."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.view_name.startswith("actors:map"):
        return "map"
    if match.namespace == "bridges":
        name = match.url_name or ""
        if "call" in name:
            return "calls"
        if "issue" in name:
            return "issues"
        return "partners"
    return match.namespace or match.view_name or ""


def site(request):
    return {
        "section": _section(request),
        "network_name": settings.PASSERELLES_NETWORK_NAME,
        # AGPL-3.0 §13: users of a network service are offered its source code.
        "source_url": settings.PASSERELLES_SOURCE_URL,
    }
