"""Who decides on membership requests. Plain functions, one rule each, shared by the views,
the template tags and the tests so the rules cannot drift apart. Who may ask to act for an
organisation depends on the organisation's status: that rule is in passerelles.actors.perms
(users sit below actors in the layers, docs/decisions.md §18)."""


def can_review_membership_requests(user) -> bool:
    """Network staff and admins grant memberships, as they do in the Django admin."""
    return user.is_authenticated and user.is_network_staff
