"""Template helpers of the cooperation app."""

from django import template

from passerelles.cooperation import perms
from passerelles.cooperation.models import CooperationSpace

register = template.Library()


@register.simple_tag(takes_context=True)
def cooperation_panel(context, project) -> dict:
    """What the project page shows about its co-construction space, for this person."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    space = CooperationSpace.objects.filter(project=project).first()
    if space is None:
        can_open = user is not None and perms.can_open_space(user, project)
        return {"space": None, "can_open": can_open}
    can_view = user is not None and perms.can_view_space(user, space)
    return {"space": space, "can_view": can_view, "public": space.public_purpose}


@register.filter
def percent(value):
    """0.3333 → "33 %"; None → "—" (not computable)."""
    if value is None:
        return "—"
    return f"{round(value * 100)} %"
