"""Who may ask to act for an organisation, and who decides. Plain functions, one rule each,
shared by the views, the template tags and the tests so the rules cannot drift apart."""

from passerelles.actors.enums import Status
from passerelles.users.enums import MembershipRequestStatus


def can_request_membership(user, organisation) -> bool:
    """A logged-in person may ask to act for a published organisation they are not yet a
    member of, once: while a request of theirs is pending, they wait for the decision."""
    if not user.is_authenticated or not user.is_active:
        return False
    # Unpublished records are not public: nobody outside may claim them.
    if organisation.status != Status.PUBLISHED:
        return False
    if organisation.memberships.filter(user=user).exists():
        return False
    return not organisation.membership_requests.filter(
        user=user, status=MembershipRequestStatus.PENDING
    ).exists()


def can_review_membership_requests(user) -> bool:
    """Network staff and admins grant memberships, as they do in the Django admin."""
    return user.is_authenticated and user.is_network_staff
