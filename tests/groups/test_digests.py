"""Digests: each member's frequency, never a post twice, plain text, the unsubscribe link."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from passerelles.groups import actions
from passerelles.groups.enums import DigestFrequency
from tests.groups import factories
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(now=None):
        with django_capture_on_commit_callbacks(execute=True):
            return actions.send_digests(now=now)

    return run


def _to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_each_frequency_and_never_twice(run):
    group = factories.group("A & B")
    author = factories.member(group).user
    immediate = factories.member(group, digest=DigestFrequency.IMMEDIATE)
    daily = factories.member(group, digest=DigestFrequency.DAILY)
    weekly = factories.member(group, digest=DigestFrequency.WEEKLY)
    never = factories.member(group, digest=DigestFrequency.NONE)
    factories.post(group, author, "Réunion jeudi à l'Hôtel de ville", minutes_ago=5)

    now = timezone.now()
    run(now)
    for m in (immediate, daily, weekly):
        [message] = _to(m.user.email)
        assert "A & B" in message.subject and "&amp;" not in message.subject
        assert "Réunion jeudi à l'Hôtel de ville" in message.body
        assert "&#x27;" not in message.body and "<" not in message.body
    assert _to(never.user.email) == []
    assert _to(author.email) == []  # not one's own post

    # Running again sends nothing: the post was delivered.
    mail.outbox.clear()
    assert run(now)["mails"] == 0
    assert mail.outbox == []

    # A new post an hour later: immediate gets it, daily and weekly wait.
    factories.post(group, author, "Compte rendu en ligne")
    later = now + datetime.timedelta(hours=1)
    run(later)
    assert len(_to(immediate.user.email)) == 1
    assert _to(daily.user.email) == [] and _to(weekly.user.email) == []

    mail.outbox.clear()
    run(now + datetime.timedelta(days=1))
    [message] = _to(daily.user.email)
    assert "Compte rendu en ligne" in message.body
    assert "Réunion jeudi" not in message.body  # never twice
    assert _to(weekly.user.email) == [] and _to(immediate.user.email) == []

    mail.outbox.clear()
    run(now + datetime.timedelta(days=7))
    [message] = _to(weekly.user.email)
    assert "Compte rendu en ligne" in message.body
    assert _to(daily.user.email) == []  # nothing new for them


def test_removed_posts_and_posts_before_joining_are_not_sent(run):
    group = factories.group()
    author = factories.member(group).user
    old = factories.post(group, author, "Ancien message", minutes_ago=60 * 24 * 30)
    removed = factories.post(group, author, "Message retiré", minutes_ago=1)
    actions.remove_post(removed, by=author)
    del old
    newcomer = factories.member(group, days_ago=1)
    run()
    assert _to(newcomer.user.email) == []


def test_the_command_is_idempotent(django_capture_on_commit_callbacks):
    group = factories.group()
    author = factories.member(group).user
    reader = factories.member(group, digest=DigestFrequency.DAILY)
    factories.post(group, author, minutes_ago=1)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("groups_digests", stdout=out)
        call_command("groups_digests", stdout=out)
    assert len(_to(reader.user.email)) == 1
    assert "1 e-mail de nouvelles envoyé" in out.getvalue()
    assert "\n0 e-mail" in out.getvalue()


def test_posting_sends_at_once_to_immediate_members(django_capture_on_commit_callbacks):
    group = factories.group()
    author = factories.member(group).user
    reader = factories.member(group, digest=DigestFrequency.IMMEDIATE)
    daily = factories.member(group, digest=DigestFrequency.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_post(group, author, "Tout de suite")
    assert len(_to(reader.user.email)) == 1
    assert _to(daily.user.email) == []


def test_unsubscribe_link_without_signing_in(client, run):
    group = factories.group("Groupe Mali")
    author = factories.member(group).user
    reader = factories.member(group, user=UserFactory(email="lecteur@example.org"))
    factories.post(group, author, minutes_ago=1)
    run()
    [message] = _to("lecteur@example.org")
    url = re.search(r"https?://\S+/groupes/desabonnement/\S+/", message.body).group(0)
    path = url.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    assert "Ne plus recevoir les nouvelles du groupe « Groupe Mali »" in page.content.decode()
    reader.refresh_from_db()
    assert reader.digest == DigestFrequency.IMMEDIATE  # reading the page changes nothing
    page = client.post("/" + path)
    assert "vous ne recevrez plus les nouvelles" in page.content.decode()
    reader.refresh_from_db()
    assert reader.digest == DigestFrequency.NONE

    bad = client.get("/" + path[:-3] + "xx/")
    assert bad.status_code == 400
    assert "n'est pas valable" in bad.content.decode()
