"""Who may see what the task runner does. Plain functions, shared by views and templates."""


def can_see_jobs(user) -> bool:
    """Network staff and admins follow the outbox and the jobs: recipients' addresses and
    errors are not for members or partners."""
    return user.is_authenticated and user.is_network_staff
