"""Shared set-up of the freshness tests: run a campaign, read its e-mails, make a link."""

import re
from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from passerelles.actors.models import FreshnessCheck

LINK = re.compile(r"https?://\S+/annuaire/fraicheur/reponse/(\S+)/\?reponse=(\w+)")
ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def days_ago(n: int):
    return timezone.now() - timedelta(days=n)


def run_campaign(capture, *args) -> list:
    """Run the command (as cron would) and return the e-mails it sent."""
    before = len(mail.outbox)
    with capture(execute=True):
        call_command("freshness_campaign", *args, verbosity=0)
    return mail.outbox[before:]


def by_recipient(messages) -> dict:
    return {m.to[0]: m for m in messages}


def links(message) -> dict[str, str]:
    """{answer: path} of the links of a one-organisation e-mail."""
    found = LINK.findall(message.body)
    return {answer: f"/annuaire/fraicheur/reponse/{token}/" for token, answer in found}


def check_of(org) -> FreshnessCheck:
    return FreshnessCheck.objects.filter(organisation=org).latest("asked_at", "pk")
