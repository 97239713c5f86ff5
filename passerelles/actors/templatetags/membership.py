"""Membership requests in pages owned by other views (the organisation page, the moderation
queue, the account page), so those views need not know about them."""

from django import template

from passerelles.actors import perms
from passerelles.actors.enums import Status
from passerelles.users import perms as user_perms
from passerelles.users.models import MembershipRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def membership_request_offer(context, organisation) -> bool:
    """Whether to show "Je représente cette organisation": to visitors on a published
    organisation (the link sends them to log in first), and to people who may ask."""
    user = context["request"].user
    if not user.is_authenticated:
        return organisation.status == Status.PUBLISHED
    return perms.can_request_membership(user, organisation)


@register.simple_tag(takes_context=True)
def pending_membership_requests_count(context) -> int:
    """How many membership requests wait for staff; 0 for anyone who cannot review them."""
    if not user_perms.can_review_membership_requests(context["request"].user):
        return 0
    return MembershipRequest.objects.pending().count()


@register.simple_tag(takes_context=True)
def my_membership_requests(context, limit=20):
    """The logged-in person's requests, the most recent first."""
    user = context["request"].user
    if not user.is_authenticated:
        return []
    return list(
        user.membership_requests.select_related("organisation").order_by("-created_at", "-pk")[
            :limit
        ]
    )
