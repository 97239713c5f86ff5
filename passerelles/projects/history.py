"""Change history of projects, like passerelles.actors.history: snapshot a project before and
after a change, write one ProjectChangeRecord with {field: [old, new]} as display strings.

Besides the project's own fields, the participations, places and funding lines are tracked as
sorted lists of labels ("Terres Vivantes — porteur du projet"), so the history page tells who
joined or left a project and where it moved, not only how its title changed."""

from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy, override

from passerelles.actors.models import ChangeAction
from passerelles.core.history import normalise_text
from passerelles.core.richtext import html_to_text
from passerelles.projects.enums import PlaceSide
from passerelles.projects.models import Project, ProjectChangeRecord

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
    "website",
    "status",
]
M2M_FIELDS = {"themes", "sdg_targets", "dac_sectors"}
# Related rows, each shown as one line; the labels are the history page's headings.
RELATED = {
    "participations": gettext_lazy("participants"),
    "places_here": gettext_lazy("lieux ici"),
    "places_there": gettext_lazy("lieux là-bas"),
    "funding_lines": gettext_lazy("financements"),
}
TRACKED_FIELDS = [*FIELDS, *RELATED]


def _field(project: Project, name: str) -> str:
    field = Project._meta.get_field(name)
    if name in M2M_FIELDS:
        items = getattr(project, name).all() if project.pk else []
        return ", ".join(sorted(str(item) for item in items))
    value = getattr(project, name)
    if field.choices:
        return str(getattr(project, f"get_{name}_display")()) if value else ""
    if value is None:
        return ""
    if name == "description":
        # The history reads like the page: the description as its plain text, never its tags.
        return html_to_text(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def funding_label(line) -> str:
    parts = [
        line.funder_label,
        f"{number_format(line.amount, 0, force_grouping=True)} {line.currency}",
        line.get_instrument_display(),
    ]
    if line.year:
        parts.append(str(line.year))
    return " — ".join(parts)


def _related(project: Project) -> dict[str, str]:
    if not project.pk:
        return dict.fromkeys(RELATED, "")
    participations = sorted(
        f"{p.organisation} — {p.get_role_display()}"
        for p in project.participations.select_related("organisation")
    )
    places = project.places.select_related("commune", "department", "country")
    here = sorted(p.label for p in places if p.side == PlaceSide.HERE)
    there = sorted(
        p.label + ("" if p.has_point else " " + gettext("(localité introuvable)"))
        for p in places
        if p.side == PlaceSide.THERE
    )
    funding = sorted(funding_label(line) for line in project.funding_lines.all())
    return {
        "participations": "\n".join(participations),
        "places_here": "\n".join(here),
        "places_there": "\n".join(there),
        "funding_lines": "\n".join(funding),
    }


def snapshot(project: Project) -> dict[str, str]:
    """The tracked values of `project` as display strings, read from the database for the
    related rows. Labels are taken in French so the history does not depend on the language
    of whoever made the change."""
    with override("fr"):
        return {**{name: _field(project, name) for name in FIELDS}, **_related(project)}


def diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    # Compared once normalised (line endings, spaces): only what a person sees counts.
    return {
        name: [before.get(name, ""), after.get(name, "")]
        for name in TRACKED_FIELDS
        if normalise_text(before.get(name, "")) != normalise_text(after.get(name, ""))
    }


def record_change(project, before, *, user=None, action=ChangeAction.UPDATED, comment=""):
    """Write a ProjectChangeRecord if anything changed since `before` (a snapshot); returns it
    or None. For a creation pass before={} so every filled field appears."""
    changes = diff(before, snapshot(project))
    if not changes and action == ChangeAction.UPDATED:
        return None
    return ProjectChangeRecord.objects.create(
        project=project,
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        changes=changes,
        comment=str(comment)[:300],
    )


def field_label(name: str) -> str:
    if name in RELATED:
        return str(RELATED[name])
    try:
        return str(Project._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # removed since the record was written: show its code name
        return name
