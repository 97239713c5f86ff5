"""The survey's e-mails, sent by the task runner (docs/decisions.md §19) in batches: each batch
commits its invitations (or reminders) with their outbox rows, so running a task twice, or
again after a worker died, writes to nobody twice."""

import datetime

from django_tasks import task

from passerelles.surveys import actions
from passerelles.surveys.models import Campaign


@task()
def send_invitations(campaign_id: int) -> int:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or not campaign.is_open:
        return 0
    total = 0
    while sent := actions.invite_batch(campaign):
        total += sent
    return total


@task()
def send_reminders(campaign_id: int, asked_at: str) -> int:
    """Reminds those due when staff asked (`asked_at`, ISO), not those who become due while
    the job runs."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    now = datetime.datetime.fromisoformat(asked_at)
    total = 0
    while sent := actions.remind_batch(campaign, now=now):
        total += sent
    return total
