"""When two organisations are merged, the duplicate's cases (and the links proposing it as a
partner) pass to the kept record (accompaniment.actions.move_cases)."""

from django.apps import apps

from passerelles.core.signals import records_merged


def move_cases(sender, duplicate, target, **kwargs):
    from passerelles.accompaniment.actions import move_cases as move

    move(duplicate, target)


def connect() -> None:
    records_merged.connect(
        move_cases,
        sender=apps.get_model("actors", "Organisation"),
        dispatch_uid="passerelles.accompaniment.merging",
    )
