"""When two organisations are merged, registrations made for the duplicate are for the kept
record (their meeting requests and meetings follow the registrations)."""

from django.apps import apps

from passerelles.core.merging import repoint
from passerelles.core.signals import records_merged
from passerelles.events.models import Registration


def move_registrations(sender, duplicate, target, **kwargs):
    repoint(Registration, "organisation", duplicate, target)


def connect() -> None:
    records_merged.connect(
        move_registrations,
        sender=apps.get_model("actors", "Organisation"),
        dispatch_uid="passerelles.events.merging",
    )
