"""Helpers shared by the views: loading a space, refusing politely, running a service and
turning its French error into a message."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect

from passerelles.cooperation import perms
from passerelles.cooperation.models import CooperationSpace
from passerelles.cooperation.services import CooperationError


def load_space(slug) -> CooperationSpace:
    return get_object_or_404(
        CooperationSpace.objects.select_related("project", "adopted_version"), project__slug=slug
    )


def deny(request):
    """Visitors are sent to log in; logged-in people without the right get a 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def space_rights(request, space) -> dict:
    user = request.user
    acting = list(perms.acting_members(user, space))
    return {
        "space": space,
        "can_view": perms.can_view_space(user, space),
        "can_take_part": bool(acting),
        "can_lead": any(m.role == "lead" for m in acting),
        "acting_members": acting,
    }


def run(request, fn, *args, success=None, **kwargs):
    """Run a service; show its French error instead of failing. Returns the result or None."""
    try:
        result = fn(*args, **kwargs)
    except CooperationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def require(request, allowed: bool):
    if not allowed:
        return deny(request)
    return None


def back(space, anchor=""):
    response = redirect(space.get_absolute_url())
    if anchor:
        response["Location"] += f"#{anchor}"
    return response
