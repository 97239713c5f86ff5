"""Who sees what on the pages of the site app. Plain functions, tested for each role."""

from passerelles.actors import perms as actors_perms
from passerelles.users import perms as users_perms


def can_view_my_space(user) -> bool:
    """The personal home: anyone signed in (member, partner abroad, staff, admin); it only
    ever shows what concerns the person. Visitors are sent to sign in."""
    return user.is_authenticated and user.is_active


def sees_staff_work(user) -> bool:
    """The moderation counts and the deadlines to watch: the network's staff and admins, who
    are the people those queues let in (actors.perms.can_moderate)."""
    return actors_perms.can_moderate(user)


def sees_membership_queue(user) -> bool:
    return users_perms.can_review_membership_requests(user)
