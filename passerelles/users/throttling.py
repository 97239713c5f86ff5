"""Sign-in throttling with django-axes: who is attempting, and from where (docs/decisions.md §14).

Axes counts failed sign-ins per pair (e-mail address, client address) and refuses the pair for
a while after too many. These two functions tell it what the pair is."""

from django.conf import settings

from passerelles.core import security


def attempted_email(request, credentials) -> str:
    """The e-mail address being tried, as the sign-in matches it: without surrounding spaces and
    whatever its case. Otherwise "Awa@Example.org" and "awa@example.org" would be counted
    apart, and changing the case would buy an attacker five more guesses each time."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username", "")
    return str(value or "").strip().lower()


# The client's address, as every throttle of the site counts it (AXES_CLIENT_IP_CALLABLE).
client_ip = security.client_ip


def lockout_response(request, original_response, credentials):
    """The page of a refused sign-in (HTTP 429), in the site's theme and language."""
    from django.shortcuts import render

    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "users/locked_out.html", {"minutes": minutes}, status=429)


def unlock(email: str) -> None:
    """Forget the failed sign-ins of an address: its owner has just proved who they are by
    choosing a new password through the link sent to it."""
    from axes.utils import reset

    reset(username=attempted_email(None, {"username": email}))
