"""When two organisations are merged, the kept record takes over the duplicate's part in
projects: its participations (a role it already holds in the same project is not doubled) and
the funding lines it gave (core.signals.records_merged)."""

from django.apps import apps

from passerelles.core import indexing
from passerelles.core.merging import repoint
from passerelles.core.signals import records_merged
from passerelles.projects.models import FundingLine, Participation


def move_participations(sender, duplicate, target, **kwargs):
    projects = set(
        Participation.objects.filter(organisation=duplicate).values_list("project_id", flat=True)
    )
    repoint(Participation, "organisation", duplicate, target)
    repoint(FundingLine, "funder", duplicate, target)
    # The projects' documents name their participants: they now name the kept record.
    indexing.changed("project", projects)


def connect() -> None:
    records_merged.connect(
        move_participations,
        sender=apps.get_model("actors", "Organisation"),
        dispatch_uid="passerelles.projects.merging",
    )
