"""When two organisations are merged, the duplicate's grant applications (as applicant or as
partner abroad) pass to the kept record (grants.actions.move_organisation)."""

from django.apps import apps

from passerelles.core.signals import records_merged


def move_organisation(sender, duplicate, target, **kwargs):
    from passerelles.grants.actions import move_organisation as move

    move(duplicate, target)


def connect() -> None:
    records_merged.connect(
        move_organisation,
        sender=apps.get_model("actors", "Organisation"),
        dispatch_uid="passerelles.grants.merging",
    )
