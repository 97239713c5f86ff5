"""Joining, requests, leaving, coordinators managing members, meetings, notes and news."""

import pytest
from django.core import mail

from passerelles.groups import actions
from passerelles.groups.enums import GroupRole, RequestStatus
from passerelles.groups.models import Membership
from tests.groups import factories
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_public_group_is_joined_at_once():
    group = factories.group()
    person = UserFactory()
    membership = actions.join(group, person)
    assert isinstance(membership, Membership)
    assert group.memberships.filter(user=person).exists()
    with pytest.raises(actions.ActionError, match="déjà membre"):
        actions.join(group, person)


def test_a_closed_group_asks_its_coordinators(django_capture_on_commit_callbacks):
    coordinator = UserFactory(email="coord@example.org")
    group = factories.closed_group(coordinator=coordinator)
    person = UserFactory(full_name="Awa Traoré")
    with django_capture_on_commit_callbacks(execute=True):
        request = actions.join(group, person, message="Je suis enseignante à Blois.")
    assert not group.memberships.filter(user=person).exists()
    assert request.status == RequestStatus.PENDING
    [message] = mail.outbox
    assert message.to == ["coord@example.org"]
    assert "Awa Traoré demande à rejoindre « Écoles »" in message.subject
    assert "Je suis enseignante à Blois." in message.body
    with pytest.raises(actions.ActionError, match="déjà entre les mains"):
        actions.join(group, person)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_request(request, accept=True, by=coordinator)
    assert group.memberships.filter(user=person).exists()
    assert mail.outbox[0].to == [person.email]
    assert "Bienvenue" in mail.outbox[0].subject
    with pytest.raises(actions.ActionError, match="déjà reçu une réponse"):
        actions.decide_request(request, accept=False, by=coordinator)


def test_a_refused_request_makes_nobody_a_member(django_capture_on_commit_callbacks):
    group = factories.closed_group()
    person = UserFactory()
    request = actions.join(group, person)
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_request(request, accept=False, by=None)
    assert not group.memberships.filter(user=person).exists()
    assert "n'ont pas donné suite" in mail.outbox[-1].body


def test_leaving_and_the_last_coordinator():
    coordinator = UserFactory()
    group = factories.group(coordinator=coordinator)
    person = factories.member(group).user
    actions.leave(group, person)
    assert not group.memberships.filter(user=person).exists()
    with pytest.raises(actions.ActionError, match="seule personne à coordonner"):
        actions.leave(group, coordinator)
    other = factories.member(group)
    actions.set_role(other, GroupRole.COORDINATOR)
    actions.leave(group, coordinator)
    with pytest.raises(actions.ActionError, match="au moins une personne"):
        actions.remove_member(other)


def test_meetings_are_unpublished_events_with_notes():
    group = factories.group()
    meeting = factories.meeting(group)
    assert not meeting.event.is_published  # not in the public agenda
    author = UserFactory(full_name="Issa Diallo")
    actions.save_notes(meeting, "<p>Ordre du jour</p><script>alert(1)</script>", by=author)
    meeting.refresh_from_db()
    assert meeting.notes == "<p>Ordre du jour</p>"
    assert meeting.notes_updated_by == author


def test_posts_are_plain_text_and_can_be_removed():
    group = factories.group()
    author = factories.member(group).user
    post = actions.create_post(group, author, "<b>Bonjour</b> &amp; bienvenue")
    assert post.body == "Bonjour & bienvenue"
    with pytest.raises(actions.ActionError):
        actions.create_post(group, author, "   ")
    actions.remove_post(post, by=author)
    assert not group.posts.shown().exists()
