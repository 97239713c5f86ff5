"""When two organisations are merged, the practice sheets linked to the duplicate are linked to
the kept record (practices.actions.move_organisation)."""

from django.apps import apps

from passerelles.core.signals import records_merged


def move_organisation(sender, duplicate, target, **kwargs):
    from passerelles.practices.actions import move_organisation as move

    move(duplicate, target)


def connect() -> None:
    records_merged.connect(
        move_organisation,
        sender=apps.get_model("actors", "Organisation"),
        dispatch_uid="passerelles.practices.merging",
    )
