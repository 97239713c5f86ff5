"""Who may do what with projects. Plain functions, one rule each, used by views, templates and
the API alike so the rules cannot drift apart (the API applies them to the token's user)."""

from passerelles.actors.enums import Status
from passerelles.projects.enums import EDITING_ROLES
from passerelles.users.enums import NetworkRole


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_create_project(user) -> bool:
    """Staff create projects for anyone; a member or a partner abroad creates one when they act
    for at least one organisation (the project must name one of them as lead or partner)."""
    if not _active(user):
        return False
    if user.is_network_staff:
        return True
    if user.role not in (NetworkRole.MEMBER, NetworkRole.PARTNER_ABROAD):
        return False
    return user.memberships.exists()


def can_edit_project(user, project) -> bool:
    """Staff edit every project; a member or partner abroad edits the projects in which an
    organisation they act for is the lead or a partner (here or there). A funder's or an
    expert's members read the project but do not rewrite it."""
    if not _active(user):
        return False
    if user.is_network_staff:
        return True
    if user.role not in (NetworkRole.MEMBER, NetworkRole.PARTNER_ABROAD):
        return False
    return project.participations.filter(
        role__in=EDITING_ROLES, organisation__memberships__user=user
    ).exists()


def can_change_publication(user, project=None) -> bool:
    """Only network staff publish, unpublish or archive a project."""
    return _active(user) and user.is_network_staff


def can_view_project(user, project) -> bool:
    """Published projects are public; others are seen by staff and by the members of any
    participating organisation (whatever its role)."""
    if project.status == Status.PUBLISHED:
        return True
    if not _active(user):
        return False
    if user.is_network_staff:
        return True
    return project.participations.filter(organisation__memberships__user=user).exists()


def can_view_history(user, project) -> bool:
    """The history of a visible project is visible: it tells what changed, and only staff
    see who in person changed it (see can_see_contributor_identity)."""
    return can_view_project(user, project)


def can_see_contributor_identity(user) -> bool:
    """Only staff see the e-mail of whoever made a change; others see a role."""
    return _active(user) and user.is_network_staff
