"""Who may do what in bridges. Plain functions, used by views, templates and the API."""


def can_manage_calls(user) -> bool:
    """Network staff record, edit and unpublish funding calls."""
    return user.is_authenticated and user.is_network_staff


def can_see_call_candidates(user) -> bool:
    """The list of organisations eligible for a call is a staff tool (to point them to it)."""
    return can_manage_calls(user)


def can_curate_issues(user) -> bool:
    """Network staff curate common-issue pages (title, description, pinned pairs)."""
    return user.is_authenticated and user.is_network_staff


def can_view_call(user, call) -> bool:
    """Published calls are public; drafts are seen by staff."""
    return call.is_published or can_manage_calls(user)


def can_give_feedback(user, organisation) -> bool:
    """A person acting for a published organisation (a member, here or abroad) marks the
    partners suggested to it: useful, not relevant, led to a partnership. The marks are the
    organisation's, so network staff and admins may only when they are members of it too."""
    return (
        user.is_authenticated
        and user.is_active
        and organisation.status == "published"
        and organisation.memberships.filter(user=user).exists()
    )


def can_see_feedback_stats(user) -> bool:
    """The counts of marks and of partnerships they led to are a staff tool (the observatory
    may read them later); they never say who marked what."""
    return user.is_authenticated and user.is_network_staff
