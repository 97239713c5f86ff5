"""Who may see what the task runner does. Plain functions, shared by views and templates."""


def can_see_jobs(user) -> bool:
    """Network staff and admins follow the outbox and the jobs: recipients' addresses and
    errors are not for members or partners."""
    return user.is_authenticated and user.is_network_staff


def can_follow_job(user, job) -> bool:
    """A long job's progress and outcome: for the person who asked for it, and for network
    staff and admins, who follow every job."""
    if not user.is_authenticated:
        return False
    return user.is_network_staff or (job.owner_id is not None and job.owner_id == user.pk)
