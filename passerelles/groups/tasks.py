"""The group e-mails sent by the task runner (docs/decisions.md §19, §37)."""

from django_tasks import task

from passerelles.groups.enums import DigestFrequency


@task()
def send_immediate(group_id: int) -> int:
    """After a post: the digests of the members who chose "immediate" (idempotent, see
    groups.actions.send_digests)."""
    from passerelles.groups import actions
    from passerelles.groups.models import WorkingGroup

    group = WorkingGroup.objects.filter(pk=group_id).first()
    if group is None:
        return 0
    result = actions.send_digests(group=group, frequencies=[DigestFrequency.IMMEDIATE])
    return result["mails"]
