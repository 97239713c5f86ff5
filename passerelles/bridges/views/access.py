from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def allowed_or_refuse(request, allowed: bool):
    """Visitors are sent to log in; people logged in without the right get a 403."""
    if allowed:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def requires(rule):
    """Decorate a view with a perms.py rule taking the user."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            refused = allowed_or_refuse(request, rule(request.user))
            return refused or view(request, *args, **kwargs)

        return wrapper

    return decorator
