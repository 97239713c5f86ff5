"""When two organisations are merged, the duplicate's place in co-construction spaces passes
to the kept record. In a space where only the duplicate was a member, the membership moves.
Where both were members, the duplicate's statements, votes, versions, amendments, comments,
consent answers, actions and contributions are the kept member's (its own answer wins where
both answered), contributions between the two disappear (a record does not give to itself),
and the duplicate's membership goes. The duplicate's requests to join follow it too, except a
waiting one that has become pointless: the kept record already waits for that space, or is
already in it (one waiting request per space and organisation, a database constraint)."""

from django.apps import apps
from django.db.models import Q

from passerelles.cooperation.enums import JoinRequestStatus
from passerelles.cooperation.models import Contribution, JoinRequest, SpaceMember
from passerelles.core.merging import repoint
from passerelles.core.signals import records_merged


def _member_relations():
    """(model, field name) of every foreign key to SpaceMember."""
    return [
        (rel.related_model, rel.field.name)
        for rel in SpaceMember._meta.get_fields(include_hidden=True)
        if rel.is_relation and rel.auto_created and not rel.concrete
    ]


def move_memberships(sender, duplicate, target, **kwargs):
    kept = {m.space_id: m for m in SpaceMember.objects.filter(organisation=target)}
    for member in SpaceMember.objects.filter(organisation=duplicate):
        twin = kept.get(member.space_id)
        if twin is None:
            SpaceMember.objects.filter(pk=member.pk).update(organisation=target)
            continue
        Contribution.objects.filter(
            Q(giver=member, receiver=twin) | Q(giver=twin, receiver=member)
        ).delete()
        for model, field in _member_relations():
            repoint(model, field, member, twin)
        member.delete()
    move_join_requests(duplicate, target)


def move_join_requests(duplicate, target) -> None:
    # Runs after the memberships moved: "already in" counts the duplicate's former spaces.
    waiting = set(
        JoinRequest.objects.pending().filter(organisation=target).values_list("space", flat=True)
    )
    inside = set(SpaceMember.objects.filter(organisation=target).values_list("space", flat=True))
    pointless = JoinRequest.objects.filter(
        organisation=duplicate,
        status=JoinRequestStatus.PENDING,
        space__in=waiting | inside,
    )
    pointless.delete()
    JoinRequest.objects.filter(organisation=duplicate).update(organisation=target)


def connect() -> None:
    records_merged.connect(
        move_memberships,
        sender=apps.get_model("actors", "Organisation"),
        dispatch_uid="passerelles.cooperation.merging",
    )
