"""When two organisations are merged, the duplicate's survey invitations pass to the kept
record (surveys.actions.move_invitations)."""

from django.apps import apps

from passerelles.core.signals import records_merged


def move_invitations(sender, duplicate, target, **kwargs):
    from passerelles.surveys.actions import move_invitations as move

    move(duplicate, target)


def connect() -> None:
    records_merged.connect(
        move_invitations,
        sender=apps.get_model("actors", "Organisation"),
        dispatch_uid="passerelles.surveys.merging",
    )
