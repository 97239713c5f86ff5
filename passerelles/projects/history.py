"""What the history of a project tracks, and how each field reads (the implementation is
passerelles.core.history, shared with organisations). Every change goes through the actions
module (passerelles.projects.actions), which snapshots before and records after.

Besides the project's own fields, the participations, places and funding lines are tracked as
sorted lists of labels ("Terres Vivantes — porteur du projet"), so the history page tells who
joined or left a project and where it moved, not only how its title changed."""

from functools import lru_cache

from django.db.models import Prefetch
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, gettext_lazy

from passerelles.core.history import Tracker
from passerelles.core.richtext import html_to_text
from passerelles.projects.enums import Instrument, ParticipationRole, PlaceSide
from passerelles.projects.models import (
    FundingLine,
    Participation,
    Project,
    ProjectChangeRecord,
    ProjectPlace,
)

FIELDS = [
    "title",
    "acronym",
    "summary",
    "description",
    "project_status",
    "start_date",
    "end_date",
    "themes",
    "sdg_targets",
    "dac_sectors",
    "iati_identifier",
    "iati_reporting_ref",
    "iati_reporting_name",
    "website",
    "status",
]
M2M_FIELDS = ("themes", "sdg_targets", "dac_sectors")
# Related rows, each shown as one line; the labels are the history page's headings.
RELATED = {
    "participations": gettext_lazy("participants"),
    "places_here": gettext_lazy("lieux ici"),
    "places_there": gettext_lazy("lieux là-bas"),
    "funding_lines": gettext_lazy("financements"),
}
TRACKED_FIELDS = [*FIELDS, *RELATED]


def funding_label(line, instruments=None) -> str:
    instruments = instruments or dict(Instrument.choices)
    parts = [
        line.funder_label,
        f"{number_format(line.amount, 0, force_grouping=True)} {line.currency}",
        str(instruments.get(line.instrument, line.instrument)),
    ]
    if line.year:
        parts.append(str(line.year))
    return " — ".join(parts)


@lru_cache(maxsize=8)
def _labels(language: str) -> tuple[dict, dict]:
    """Roles' and instruments' labels in `language`, looked up once (a model's
    get_FOO_display() rebuilds its choices at each call: most of a bulk snapshot's time)."""
    return (
        {value: str(label) for value, label in ParticipationRole.choices},
        {value: str(label) for value, label in Instrument.choices},
    )


def related_labels(participations, places, lines) -> dict[str, str]:
    """The related rows as history lines; the rows carry their organisations, communes,
    departments and countries (loaded together by `with_relations`)."""
    roles, instruments = _labels(get_language())
    here = sorted(p.label for p in places if p.side == PlaceSide.HERE)
    there = sorted(
        p.label + ("" if p.has_point else " " + gettext("(localité introuvable)"))
        for p in places
        if p.side == PlaceSide.THERE
    )
    return {
        "participations": "\n".join(
            sorted(f"{p.organisation} — {roles.get(p.role, p.role)}" for p in participations)
        ),
        "places_here": "\n".join(here),
        "places_there": "\n".join(there),
        "funding_lines": "\n".join(sorted(funding_label(line, instruments) for line in lines)),
    }


def _related(project: Project) -> dict[str, str]:
    if hasattr(project, "history_rows"):
        # A project just created by a bulk action: its rows, in memory.
        return related_labels(*project.history_rows)
    cache = getattr(project, "_prefetched_objects_cache", {})
    if "participations" in cache:
        # Prefetched with their relations (with_relations): no query per row.
        return related_labels(
            project.participations.all(), project.places.all(), project.funding_lines.all()
        )
    return related_labels(
        project.participations.select_related("organisation"),
        project.places.select_related("commune", "department", "country"),
        project.funding_lines.select_related("funder"),
    )


def with_relations(queryset):
    """`queryset` with everything a snapshot reads, in one query per table: snapshots of a
    whole import chunk cost a handful of queries."""
    return queryset.prefetch_related(
        *M2M_FIELDS,
        "dac_categories",
        Prefetch("participations", queryset=Participation.objects.select_related("organisation")),
        Prefetch(
            "places",
            queryset=ProjectPlace.objects.select_related("commune", "department", "country"),
        ),
        Prefetch("funding_lines", queryset=FundingLine.objects.select_related("funder")),
    )


TRACKER = Tracker(
    Project,
    FIELDS,
    record_model=ProjectChangeRecord,
    owner="project",
    m2m=M2M_FIELDS,
    # The history reads like the page: a description as its plain text, never its tags.
    displays={"description": html_to_text},
    related=_related,
    related_labels=RELATED,
)
snapshot = TRACKER.snapshot
diff = TRACKER.diff
field_label = TRACKER.field_label


def snapshots(ids) -> dict[int, dict[str, str]]:
    """Snapshots of many projects, by pk, in a handful of queries."""
    return {
        project.pk: snapshot(project)
        for project in with_relations(Project.objects.filter(pk__in=list(ids)))
    }
