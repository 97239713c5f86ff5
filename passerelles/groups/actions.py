"""The one door of working groups (docs/decisions.md §15, §37): every write to a group, its
members, requests, meetings, news and digests is here.

E-mails are queued after the commit (core.mail) and sent by the task runner. Digests are sent
by `send_digests` (the `groups_digests` command, and a job after each post for the members who
chose "immediate"): each member's batch is one transaction that locks the membership, records
a `Delivery` per post and queues the e-mail, so two runs at once, or a run after a worker died,
send nobody the same post twice."""

import datetime
from contextlib import contextmanager

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from passerelles.core import door, jobs
from passerelles.core.mail import send_on_commit
from passerelles.core.mail_limits import DECISION, NOTICE, Policy
from passerelles.core.richtext import html_to_text
from passerelles.events.enums import EventKind
from passerelles.events.models import Event
from passerelles.groups.enums import DigestFrequency, GroupRole, RequestStatus, Visibility
from passerelles.groups.models import (
    Delivery,
    GroupMeeting,
    JoinRequest,
    Membership,
    Post,
    WorkingGroup,
)

# A digest is the person's own choice and comes at most once per its period: the per-address
# limit would drop news the person asked for, and the poster's client did not choose them.
DIGEST_MAIL = Policy(per_address=False, per_client=False)
# A run at the same hour each day finds the previous digest a few seconds less than a day old:
# the slack keeps daily digests daily rather than every other day.
SLACK = datetime.timedelta(hours=1)
PERIODS = {
    DigestFrequency.IMMEDIATE: datetime.timedelta(0),
    DigestFrequency.DAILY: datetime.timedelta(days=1) - SLACK,
    DigestFrequency.WEEKLY: datetime.timedelta(days=7) - SLACK,
}
UNSUBSCRIBE_SALT = "passerelles.groups.unsubscribe"
# Posts in one digest at most; the rest come in the next one (an e-mail stays readable).
DIGEST_POSTS = 50


class ActionError(Exception):
    """An action that cannot be taken as asked; its message is for the person, in French."""


@contextmanager
def _action():
    with transaction.atomic(), door.inside():
        yield


def site_url() -> str:
    return (getattr(settings, "PASSERELLES_SITE_URL", "") or "http://localhost:8000").rstrip("/")


def _unique_slug(name: str, exclude_pk=None) -> str:
    base = slugify(name)[:120] or "groupe"
    slug, n = base, 2
    while WorkingGroup.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# -- groups -----------------------------------------------------------------------------------

GROUP_FIELDS = ("name", "kind", "country", "theme", "visibility", "summary", "description")


def create_group(data: dict, *, by=None, coordinators=()) -> WorkingGroup:
    """A new group; `coordinators` (users) are its first members, as coordinators."""
    with _action():
        group = WorkingGroup(created_by=by, **{k: data[k] for k in GROUP_FIELDS if k in data})
        group.slug = _unique_slug(group.name)
        group.save()
        for user in coordinators:
            Membership.objects.create(group=group, user=user, role=GroupRole.COORDINATOR)
    return group


def update_group(group: WorkingGroup, data: dict) -> WorkingGroup:
    with _action():
        for name in GROUP_FIELDS:
            if name in data:
                setattr(group, name, data[name])
        group.save()
    return group


# -- joining and leaving ---------------------------------------------------------------------


def join(group: WorkingGroup, user, *, organisation=None, message: str = ""):
    """A public group is joined at once (returns the membership); a members-only group gets a
    request its coordinators are told of by e-mail (returns the request)."""
    with _action():
        if Membership.objects.filter(group=group, user=user).exists():
            raise ActionError(_("Vous êtes déjà membre de ce groupe."))
        if group.visibility == Visibility.PUBLIC:
            return Membership.objects.create(group=group, user=user, organisation=organisation)
        if JoinRequest.objects.pending().filter(group=group, user=user).exists():
            raise ActionError(_("Votre demande est déjà entre les mains des coordinateur·rices."))
        request = JoinRequest.objects.create(
            group=group, user=user, organisation=organisation, message=message
        )
        url = site_url() + reverse("groups:manage", kwargs={"slug": group.slug})
        for membership in group.memberships.coordinators().select_related("user"):
            coordinator = membership.user
            send_on_commit(
                coordinator.email,
                "groups/email/join_request",
                {
                    "group": group.name,
                    "person": str(user),
                    "organisation": organisation.name if organisation else "",
                    "message": message,
                    "url": url,
                },
                coordinator.preferred_language,
                policy=NOTICE,
            )
    return request


def decide_request(request: JoinRequest, *, accept: bool, by) -> JoinRequest:
    """Accept (the person becomes a member) or refuse; the person is told by e-mail."""
    with _action():
        request = JoinRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.PENDING:
            raise ActionError(_("Cette demande a déjà reçu une réponse."))
        request.status = RequestStatus.ACCEPTED if accept else RequestStatus.REFUSED
        request.decided_at, request.decided_by = timezone.now(), by
        request.save(update_fields=["status", "decided_at", "decided_by"])
        group = request.group
        if accept:
            Membership.objects.get_or_create(
                group=group, user=request.user, defaults={"organisation": request.organisation}
            )
        send_on_commit(
            request.user.email,
            "groups/email/accepted" if accept else "groups/email/refused",
            {
                "group": group.name,
                "url": site_url()
                + (group.get_absolute_url() if accept else reverse("groups:list")),
            },
            request.user.preferred_language,
            policy=DECISION,
        )
    return request


def _last_coordinator(membership: Membership) -> bool:
    return (
        membership.role == GroupRole.COORDINATOR
        and not membership.group.memberships.coordinators().exclude(pk=membership.pk).exists()
    )


def leave(group: WorkingGroup, user) -> None:
    """The person leaves; the last coordinator must first hand over (a group is never left
    without anyone to answer its requests)."""
    with _action():
        membership = Membership.objects.filter(group=group, user=user).first()
        if membership is None:
            raise ActionError(_("Vous n'êtes pas membre de ce groupe."))
        if _last_coordinator(membership):
            raise ActionError(
                _(
                    "Vous êtes la seule personne à coordonner ce groupe : confiez d'abord la "
                    "coordination à un autre membre."
                )
            )
        membership.delete()


def remove_member(membership: Membership) -> None:
    with _action():
        if _last_coordinator(membership):
            raise ActionError(_("Le groupe doit garder au moins une personne à sa coordination."))
        membership.delete()


def set_role(membership: Membership, role: str) -> Membership:
    if role not in GroupRole.values:
        raise ActionError(_("Rôle inconnu."))
    with _action():
        if role == GroupRole.MEMBER and _last_coordinator(membership):
            raise ActionError(_("Le groupe doit garder au moins une personne à sa coordination."))
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def add_member(group: WorkingGroup, user, *, role=GroupRole.MEMBER, organisation=None):
    """Coordinators and staff add a person directly (the demo, a meeting's attendance)."""
    with _action():
        membership, _created = Membership.objects.get_or_create(
            group=group, user=user, defaults={"role": role, "organisation": organisation}
        )
    return membership


def set_digest(membership: Membership, frequency: str) -> Membership:
    if frequency not in DigestFrequency.values:
        raise ActionError(_("Fréquence inconnue."))
    with _action():
        membership.digest = frequency
        membership.save(update_fields=["digest"])
    return membership


# -- meetings and notes ----------------------------------------------------------------------


def plan_meeting(group: WorkingGroup, data: dict) -> GroupMeeting:
    """A meeting is an event of its own (unpublished: it is the group's, not the public
    agenda's, and nobody registers to it) linked to the group."""
    with _action():
        event = Event(
            title=data["title"],
            kind=EventKind.OTHER,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data.get("place") or _("En ligne"),
            online_url=data.get("online_url", ""),
            summary=data.get("summary", ""),
            is_published=False,
            source="groups",
        )
        event.full_clean(exclude=["slug"])
        event.save()
        meeting = GroupMeeting.objects.create(group=group, event=event)
    return meeting


def save_notes(meeting: GroupMeeting, notes: str, *, by) -> GroupMeeting:
    with _action():
        meeting.notes = notes
        meeting.notes_updated_at, meeting.notes_updated_by = timezone.now(), by
        meeting.save(update_fields=["notes", "notes_updated_at", "notes_updated_by"])
    return meeting


# -- news --------------------------------------------------------------------------------------


def create_post(group: WorkingGroup, author, body: str) -> Post:
    from passerelles.groups import tasks

    body = body.strip()
    if not body:
        raise ActionError(_("Écrivez un message avant de publier."))
    with _action():
        post = Post.objects.create(group=group, author=author, body=body)
        # The members who chose "immediate" get it now, not at the next run of the command.
        jobs.enqueue(tasks.send_immediate, group.pk)
    return post


def remove_post(post: Post, *, by) -> Post:
    with _action():
        if post.removed_at is None:
            post.removed_at, post.removed_by = timezone.now(), by
            post.save(update_fields=["removed_at", "removed_by"])
    return post


# -- merges ----------------------------------------------------------------------------------


def move_organisation(duplicate, target) -> None:
    """A merged duplicate's group members and join requests come for the kept record."""
    with _action():
        Membership.objects.filter(organisation=duplicate).update(organisation=target)
        JoinRequest.objects.filter(organisation=duplicate).update(organisation=target)


# -- digests -----------------------------------------------------------------------------------


def unsubscribe_token(membership: Membership) -> str:
    # No expiry: stopping e-mails must work from an old message too. A person who leaves and
    # joins again has a new membership, so an old link stops nothing new.
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(membership.pk))


def membership_for_token(token: str) -> Membership | None:
    """The membership a link names, or None for a tampered, unknown or outdated link."""
    try:
        pk = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    if not pk.isdigit():
        return None
    return Membership.objects.select_related("group", "user").filter(pk=int(pk)).first()


def unsubscribe(membership: Membership) -> Membership:
    return set_digest(membership, DigestFrequency.NONE)


def is_due(membership: Membership, now) -> bool:
    period = PERIODS.get(membership.digest)
    if period is None:
        return False
    return membership.last_digest_at is None or membership.last_digest_at <= now - period


def pending_posts(membership: Membership, now):
    """Shown posts of the group since the person joined, not their own, not sent yet."""
    return (
        Post.objects.shown()
        .filter(group_id=membership.group_id, created_at__gte=membership.joined_at)
        .filter(created_at__lte=now)
        .exclude(Q(author_id=membership.user_id))
        .exclude(pk__in=Delivery.objects.filter(membership=membership).values("post_id"))
        .select_related("author")
        .order_by("created_at", "pk")
    )


def _send_digest(membership_pk: int, now) -> int:
    """One member's digest, in its own transaction; returns how many posts it carried."""
    with _action():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("group", "user")
            .filter(pk=membership_pk)
            .first()
        )
        if membership is None or not membership.user.is_active or not is_due(membership, now):
            return 0
        posts = list(pending_posts(membership, now)[:DIGEST_POSTS])
        if not posts:
            return 0
        try:
            with transaction.atomic():
                Delivery.objects.bulk_create(
                    [Delivery(membership=membership, post=post, sent_at=now) for post in posts]
                )
        except IntegrityError:
            # Another run sent them between our reading and writing: it has the lock now.
            return 0
        membership.last_digest_at = now
        membership.save(update_fields=["last_digest_at"])
        group = membership.group
        send_on_commit(
            membership.user.email,
            "groups/email/digest",
            {
                "group": group.name,
                "posts": [
                    {
                        "author": str(post.author) if post.author else _("un ancien membre"),
                        "date": timezone.localtime(post.created_at),
                        "body": html_to_text(post.body),
                    }
                    for post in posts
                ],
                "frequency": membership.get_digest_display(),
                "url": site_url() + group.get_absolute_url(),
                "unsubscribe_url": site_url()
                + reverse("groups:unsubscribe", kwargs={"token": unsubscribe_token(membership)}),
            },
            membership.user.preferred_language,
            policy=DIGEST_MAIL,
        )
    return len(posts)


def send_digests(*, now=None, group=None, frequencies=None) -> dict:
    """Send every due digest (of one group, of some frequencies); returns the counts."""
    now = now or timezone.now()
    members = Membership.objects.subscribed()
    if group is not None:
        members = members.filter(group=group)
    if frequencies:
        members = members.filter(digest__in=frequencies)
    ids = list(members.order_by("pk").values_list("pk", flat=True))
    mails = posts = 0
    for pk in ids:
        sent = _send_digest(pk, now)
        if sent:
            mails, posts = mails + 1, posts + sent
    return {"mails": mails, "posts": posts}
