"""When two organisations are merged, the people who act for the duplicate act for the kept
record: memberships and membership requests move (core.signals.records_merged)."""

from django.apps import apps

from passerelles.core.merging import repoint
from passerelles.core.signals import records_merged
from passerelles.users.models import Membership, MembershipRequest


def move_people(sender, duplicate, target, **kwargs):
    # A person already a member of the kept record keeps that membership (and its role); a
    # pending request for both leaves one pending request. Decided requests move as records.
    repoint(Membership, "organisation", duplicate, target)
    repoint(MembershipRequest, "organisation", duplicate, target)


def connect() -> None:
    records_merged.connect(
        move_people,
        sender=apps.get_model("actors", "Organisation"),
        dispatch_uid="passerelles.users.merging",
    )
