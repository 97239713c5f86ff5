"""Who may do what with accompaniment case files. Plain functions, one rule each.

Staff (and admins) work on every case. An organisation's members (any membership role) see
their organisation's cases, only the shared part, and may add a message. Everybody else —
visitors, members of other organisations, partners abroad who do not act for the
organisation — sees nothing, not even whether a case exists (404 rather than 403 on a case)."""


def can_work_on_cases(user) -> bool:
    """Opening cases, the log, next steps, documents and links, every case and the yearly
    count: network staff and admins (the log holds private notes about organisations)."""
    return user.is_authenticated and user.is_active and user.is_network_staff


def is_case_member(user, case) -> bool:
    """The person acts for the case's organisation."""
    return (
        user.is_authenticated
        and user.is_active
        and user.memberships.filter(organisation_id=case.organisation_id).exists()
    )


def can_view_case(user, case) -> bool:
    """Staff see every case; the organisation's members see theirs (shared part only)."""
    return can_work_on_cases(user) or is_case_member(user, case)


def can_see_private(user, case) -> bool:
    """Private entries, private documents and the staff forms: staff only."""
    return can_work_on_cases(user)


def can_write_message(user, case) -> bool:
    """The organisation's members write to the network on an active case."""
    return not case.is_closed and is_case_member(user, case)


def can_download(user, document) -> bool:
    """Staff download every document; members only the shared ones of their case."""
    if can_work_on_cases(user):
        return True
    return document.shared and is_case_member(user, document.case)


def has_cases(user) -> bool:
    """Whether "Mon espace" links to the cases (staff, or a member whose organisation has one)."""
    from passerelles.accompaniment.models import Case

    if not (user.is_authenticated and user.is_active):
        return False
    return can_work_on_cases(user) or Case.objects.for_member(user).exists()
