"""Who may do what with open data. Plain functions, used by views, templates and the API."""


def can_import(user) -> bool:
    """Imports write to the directory in bulk: network staff (and admins) only. A member or a
    partner abroad edits their own records through the forms, which moderation follows."""
    return user.is_authenticated and user.is_active and user.is_network_staff


def can_abandon(user, run) -> bool:
    """A preview nobody applied may be given up by those who may apply it: network staff (the
    person who uploaded it is one)."""
    return can_import(user) and run.can_apply


def can_publish_run(user, run) -> bool:
    """Publishing what an applied import created, at once: network staff, as for applying it
    (the records were pending for them to review)."""
    return can_import(user) and run.is_applied and bool(run.created_ids)


def can_export(user) -> bool:
    """Exports hold published records only: open data, for everyone, without an account."""
    return True
