"""Working groups for tests, made through the groups' door (groups.actions)."""

import datetime

from django.utils import timezone

from passerelles.core import door
from passerelles.geo.models import Country
from passerelles.groups import actions
from passerelles.groups.enums import DigestFrequency, GroupKind, GroupRole, Visibility
from passerelles.groups.models import Post
from tests.users.factories import UserFactory


def group(name="Groupe Mali", *, visibility=Visibility.PUBLIC, coordinator=None, **fields):
    data = {"name": name, "kind": GroupKind.FREE, "visibility": visibility, **fields}
    if "country_id" in fields:
        data["country"] = Country.objects.get(pk=data.pop("country_id"))
    if "country" in data:
        data["kind"] = GroupKind.COUNTRY
    if "theme" in fields:
        data["kind"] = GroupKind.THEME
    return actions.create_group(data, coordinators=[coordinator or UserFactory()])


def closed_group(name="Écoles", **fields):
    return group(name, visibility=Visibility.MEMBERS_ONLY, **fields)


def member(
    group, user=None, *, digest=DigestFrequency.IMMEDIATE, role=GroupRole.MEMBER, days_ago=10
):
    """A member who joined `days_ago` (so the posts of the test are after it)."""
    user = user or UserFactory()
    membership = actions.add_member(group, user, role=role)
    with door.inside():
        membership.digest = digest
        membership.joined_at = timezone.now() - datetime.timedelta(days=days_ago)
        membership.save(update_fields=["digest", "joined_at"])
    return membership


def post(group, author, body="Réunion jeudi", *, minutes_ago=0) -> Post:
    """A post written `minutes_ago`, without the immediate job (tests call send_digests)."""
    with door.inside():
        return Post.objects.create(
            group=group,
            author=author,
            body=body,
            created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        )


def meeting(group, title="Réunion de rentrée", *, days=7):
    starts = timezone.now() + datetime.timedelta(days=days)
    return actions.plan_meeting(
        group,
        {"title": title, "starts_at": starts, "ends_at": starts + datetime.timedelta(hours=2)},
    )
