"""When two organisations are merged, the people who came to a working group for the duplicate
now come for the kept record (groups.actions.move_organisation)."""

from django.apps import apps

from passerelles.core.signals import records_merged


def move_organisation(sender, duplicate, target, **kwargs):
    from passerelles.groups.actions import move_organisation as move

    move(duplicate, target)


def connect() -> None:
    records_merged.connect(
        move_organisation,
        sender=apps.get_model("actors", "Organisation"),
        dispatch_uid="passerelles.groups.merging",
    )
