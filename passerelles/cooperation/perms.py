"""Who may do what in a co-construction space. Plain functions used by the views, the
templates and the API alike.

Rights come from the space, never from the network role: a partner abroad acting for a
member organisation has exactly the rights of a member here. Staff read everything and act
on nothing; visitors see what the space makes public."""

from passerelles.cooperation.enums import MemberRole, MemberStatus
from passerelles.cooperation.models import SpaceMember


def _user_ok(user) -> bool:
    return user.is_authenticated and user.is_active


def user_members(user, space):
    """Member rows (any status) of the organisations the user acts for in this space."""
    if not _user_ok(user):
        return SpaceMember.objects.none()
    return space.members.filter(organisation__memberships__user=user).select_related(
        "organisation", "college"
    )


def acting_members(user, space):
    """The active, non-observer members the user may act for."""
    return (
        user_members(user, space)
        .filter(status=MemberStatus.ACTIVE)
        .exclude(role=MemberRole.OBSERVER)
    )


def lead_members(user, space):
    """The active lead members the user acts for."""
    return acting_members(user, space).filter(role=MemberRole.LEAD)


def can_view_space(user, space) -> bool:
    """The whole space: staff, and people acting for an invited, active or observer member.
    Visitors see only its public page (`public_view`)."""
    if not _user_ok(user):
        return False
    if user.is_network_staff:
        return True
    return user_members(user, space).exclude(status=MemberStatus.LEFT).exists()


def can_take_part(user, space) -> bool:
    """Write and rate statements, amend, comment, answer rounds, add actions and
    contributions: people acting for an active member that is not an observer."""
    return acting_members(user, space).exists()


def can_lead(user, space) -> bool:
    """Invite organisations, write versions, integrate amendments, open and close rounds,
    set the governance rules: people acting for an active lead member."""
    return lead_members(user, space).exists()


def can_open_space(user, project) -> bool:
    """Opening a project's space: people acting for the project's lead organisation."""
    if not _user_ok(user):
        return False
    return project.participations.filter(role="lead", organisation__memberships__user=user).exists()


def can_add_action(user, space) -> bool:
    """Actions: members who take part, once a purpose is adopted."""
    return space.adopted_version_id is not None and can_take_part(user, space)


def answerable_members(user, rnd):
    """The members a user may answer for in an open round."""
    if not rnd.is_open:
        return SpaceMember.objects.none()
    return acting_members(user, rnd.space)


def can_accept_invitation(user, member) -> bool:
    """An invitation is accepted by someone acting for the invited organisation."""
    return (
        _user_ok(user)
        and member.status == MemberStatus.INVITED
        and member.organisation.memberships.filter(user=user).exists()
    )


def can_view_log(user, space) -> bool:
    """The decision log is the space's memory: everyone who may view the space."""
    return can_view_space(user, space)


# -- the public page of spaces and requests to join -----------------------------------------


def can_list_spaces(user) -> bool:
    """The public page of spaces (listed spaces: name, countries, themes, number of members)
    is open to everyone, visitors included."""
    return True


def organisations_that_may_ask(user, space):
    """The published organisations the user acts for that may ask to join this listed space:
    not already invited or active in it, no request of theirs waiting."""
    from passerelles.actors.enums import Status
    from passerelles.actors.models import Organisation
    from passerelles.cooperation.enums import JoinRequestStatus

    if not _user_ok(user) or not space.listed:
        return Organisation.objects.none()
    # Subqueries, not exclude() across relations: each condition is about the same row.
    inside = space.members.filter(status__in=[MemberStatus.INVITED, MemberStatus.ACTIVE]).values(
        "organisation_id"
    )
    waiting = space.join_requests.filter(status=JoinRequestStatus.PENDING).values("organisation_id")
    return (
        Organisation.objects.filter(memberships__user=user, status=Status.PUBLISHED)
        .exclude(pk__in=inside)
        .exclude(pk__in=waiting)
        .order_by("name")
    )


def can_ask_to_join(user, space) -> bool:
    """People acting for a published organisation (members here and partners abroad alike)
    that is not yet in the space. Staff and admins ask only through an organisation of
    theirs, like anyone: a network role gives no seat in a space."""
    return organisations_that_may_ask(user, space).exists()


def can_decide_join_request(user, space) -> bool:
    """Accepting or refusing a request belongs to the space's leads, as inviting does."""
    return can_lead(user, space)


def acts_for_member(user, member) -> bool:
    """People acting for the member's organisation: they answer its invitation (accept or
    decline), whatever their network role."""
    return _user_ok(user) and member.organisation.memberships.filter(user=user).exists()
