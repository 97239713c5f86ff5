"""Who may do what with organisations. Plain functions, one rule each, used by views, templates
and the API alike so the rules cannot drift apart."""

from passerelles.actors.enums import Status
from passerelles.users.enums import MembershipRequestStatus


def can_view_organisation(user, organisation) -> bool:
    """Published organisations are public; others are visible to staff and to their members."""
    if organisation.status == Status.PUBLISHED:
        return True
    return can_edit_organisation(user, organisation)


def can_edit_organisation(user, organisation) -> bool:
    """Staff edit everything; a member edits the organisations they act for, directly."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_network_staff:
        return True
    return organisation.memberships.filter(user=user).exists()


def can_moderate(user) -> bool:
    """The moderation queue, merges and duplicate decisions belong to network staff."""
    return user.is_authenticated and user.is_network_staff


def can_propose(user) -> bool:
    """Anyone, even without an account, may propose an organisation or a correction."""
    return True


def can_suggest_correction(user, organisation) -> bool:
    """Anyone may suggest a correction to a published organisation; pending or archived ones
    are not public, so there is nothing to correct from outside."""
    return organisation.status == Status.PUBLISHED


def can_view_history(user, organisation) -> bool:
    """The history of a public organisation is public (it shows what changed, not who in
    person); otherwise the same people who may see the organisation."""
    return can_view_organisation(user, organisation)


def can_see_contributor_identity(user) -> bool:
    """Only staff see who exactly made a change (e-mail); the public sees a role."""
    return can_moderate(user)


def can_use_admin(user) -> bool:
    """Staff and admins reach the Django admin (is_staff follows the network role)."""
    return user.is_authenticated and user.is_active and user.is_staff


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


def can_review_families(user) -> bool:
    """The list of families to check (guessed from a name) belongs to network staff and
    admins, like the rest of moderation: a family changes where an organisation is found."""
    return can_moderate(user)


def can_see_freshness(user) -> bool:
    """The freshness of the records (by department and family, the stale list, starting a
    campaign) belongs to network staff and admins: the list names who was asked."""
    return can_moderate(user)
