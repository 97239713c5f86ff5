"""Who may do what with working groups (docs/decisions.md §37). Plain functions, one rule each.

Roles: a visitor (no account), a member or a partner abroad (signed in), a group's member, a
group's coordinator, network staff and admins (`is_network_staff`). A public group and all it
holds are seen by everyone; a members-only group is seen (name, presentation, coordinators)
by signed-in people, so they can ask to join it, and its content (news, meetings and their
notes, member list) by its members and staff only."""

from passerelles.groups.enums import GroupRole


def _signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


def _staff(user) -> bool:
    return _signed_in(user) and user.is_network_staff


def membership_of(user, group):
    """The person's membership of the group, or None. Views pass it on (one query)."""
    if not _signed_in(user):
        return None
    cache = getattr(group, "_membership_cache", {})
    if user.pk not in cache:
        cache[user.pk] = group.memberships.filter(user=user).first()
        group._membership_cache = cache
    return cache[user.pk]


def can_create_group(user) -> bool:
    """Network staff and admins create groups (and name their first coordinators)."""
    return _staff(user)


def can_see_group(user, group) -> bool:
    """A public group: everyone. A members-only group: signed-in people (not visitors)."""
    return group.is_public or _signed_in(user)


def can_see_content(user, group) -> bool:
    """News, meetings, notes and the member list: everyone for a public group; the group's
    members and staff for a members-only one."""
    if group.is_public:
        return True
    return _staff(user) or membership_of(user, group) is not None


def is_member(user, group) -> bool:
    return membership_of(user, group) is not None


def can_manage(user, group) -> bool:
    """Coordinators and staff: edit the group, accept or refuse requests, manage members,
    plan meetings, remove posts."""
    if _staff(user):
        return True
    membership = membership_of(user, group)
    return membership is not None and membership.role == GroupRole.COORDINATOR


def can_join(user, group) -> bool:
    """Any signed-in person who is not a member yet (a members-only group: by request)."""
    return _signed_in(user) and can_see_group(user, group) and not is_member(user, group)


def can_post(user, group) -> bool:
    """The group's members (coordinators included) and staff write in the news thread."""
    return _signed_in(user) and (is_member(user, group) or _staff(user))


def can_remove_post(user, post) -> bool:
    """The author takes back their own post; coordinators and staff remove any."""
    if not _signed_in(user):
        return False
    return post.author_id == user.pk or can_manage(user, post.group)


def can_edit_notes(user, group) -> bool:
    """A meeting's notes are written together by the group's members (and staff)."""
    return can_post(user, group)
