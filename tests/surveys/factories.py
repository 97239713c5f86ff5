"""Campaigns and invitations for tests, made through the survey's door (surveys.actions)."""

import datetime

from django.utils import timezone

from passerelles.core import door
from passerelles.surveys import actions
from passerelles.surveys.models import Campaign, Invitation


def campaign(year=None, *, deadline=None, reminder_days=7, **fields) -> Campaign:
    """An open campaign with no invitation yet (its invitation job is not run)."""
    today = timezone.localdate()
    with door.inside():
        return Campaign.objects.create(
            year=year or today.year - 1,
            deadline=deadline or today + datetime.timedelta(days=30),
            reminder_days=reminder_days,
            **fields,
        )


def invite(campaign: Campaign, organisation, *, sent_days_ago=0, **fields) -> Invitation:
    """An invitation as the invitation job writes it, sent `sent_days_ago`."""
    sent = timezone.now() - datetime.timedelta(days=sent_days_ago)
    values = {
        "email": organisation.email or "contact@example.org",
        "sent_at": sent,
        "expires_at": sent + datetime.timedelta(days=actions.link_days()),
        **fields,
    }
    with door.inside():
        return Invitation.objects.create(campaign=campaign, organisation=organisation, **values)


def answer(invitation, **data):
    """An answer saved through the action, as the form saves it."""
    return actions.record_answer(invitation, data)
