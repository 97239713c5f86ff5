"""What the database holds for a chunk of activities, read and written in a few queries.

The importer works chunk by chunk (importer.CHUNK activities): `load_current` reads the
existing projects of a chunk with everything the mapper compares (participations, places,
funding lines, vocabularies) in one query per table, and `ChunkWriter` writes the chunk's new
and changed projects through the projects' bulk actions, whatever the chunk's size.

The actions report what they wrote to core.indexing; the importer defers that work to the end
of the file, so the search indexes and suggestion profiles are brought up to date once.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passerelles.core.history import ChangeSource, Origin
from passerelles.projects.actions import bulk_create_projects, bulk_update_projects
from passerelles.projects.enums import PlaceSide
from passerelles.projects.models import FundingLine, Participation, Project, ProjectPlace

SOURCE = "iati"
# What the mapper reads of an existing project (the rest of the row is never loaded).
PROJECT_FIELDS = (
    "title",
    "acronym",
    "summary",
    "description",
    "project_status",
    "start_date",
    "end_date",
    "iati_identifier",
    "iati_reporting_ref",
    "iati_reporting_name",
    "iati_reporting_type",
    "website",
    "source",
    "source_id",
)
# The project's vocabularies (many-to-many) the import sets, with their labels in the report.
VOCABULARIES = (
    ("dac_sectors", gettext_lazy("secteurs CAD")),
    ("dac_categories", gettext_lazy("catégories CAD")),
    ("sdg_targets", gettext_lazy("cibles ODD")),
    ("themes", gettext_lazy("thématiques")),
)
_FUNDING_FIELDS = ("funder_id", "funder_name", "amount", "currency", "year", "instrument")
_PLACE_FIELDS = ("side", "commune_id", "department_id", "country_id", "locality", "lat", "lon")


@dataclass
class Current:
    """An existing project and its relations, in the comparable form of mapper.Desired."""

    project: Project
    participations: set[tuple[int, str]] = field(default_factory=set)
    places: list[tuple] = field(default_factory=list)
    dac_sectors: set[str] = field(default_factory=set)
    dac_categories: set[str] = field(default_factory=set)
    sdg_targets: set[str] = field(default_factory=set)
    themes: set[int] = field(default_factory=set)
    funding: list[tuple] = field(default_factory=list)


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _comparable(places: list[tuple]) -> list[tuple]:
    """Places compared at the precision a file carries (six decimals)."""
    return sorted(((*key[:5], rounded(key[5]), rounded(key[6])) for key in places), key=repr)


def place_key(side, commune_id, department_id, country_id, locality, lat, lon) -> tuple:
    """A place in comparable form (what an import can say of it, nothing more)."""
    if side == PlaceSide.HERE:
        if commune_id:
            return (PlaceSide.HERE, commune_id, None, None, "", rounded(lat), rounded(lon))
        return (PlaceSide.HERE, None, department_id, None, "", rounded(lat), rounded(lon))
    return (PlaceSide.THERE, None, None, country_id, locality, rounded(lat), rounded(lon))


def funding_key(line: tuple):
    funder_id, funder_name, amount, currency, year, instrument = line
    return (year or 0, funder_name, currency, Decimal(amount), instrument, funder_id or 0)


def _through(attr: str):
    """The through model of a project vocabulary and its two column names."""
    relation = Project._meta.get_field(attr)
    return relation.remote_field.through, relation.m2m_column_name(), relation.m2m_reverse_name()


def our_pk(identifier: str, network_ref: str) -> int | None:
    """The pk in the identifier our export gives a project without one (`<ref>-<pk>`)."""
    prefix = f"{network_ref}-"
    if identifier.startswith(prefix):
        digits = identifier[len(prefix) :]
        if digits.isascii() and digits.isdigit() and len(digits) <= 18:
            return int(digits)
    return None


def load_current(
    identifiers: list[str], network_ref: str, titles: dict[str, str] | None = None
) -> dict[str, Current]:
    """The existing projects of these activities, by activity identifier: matched on the IATI
    identifier, then on the identifier an earlier import created the project from, then on
    our export's `<network ref>-<pk>` when the title agrees (`titles`: identifier → title): in
    another directory, that pk is another project."""
    found: dict[str, Project] = {}
    if identifiers:
        # The exclude restates the partial unique index's condition: SQLite uses the index.
        for project in (
            Project.objects.filter(iati_identifier__in=identifiers)
            .exclude(iati_identifier="")
            .only(*PROJECT_FIELDS)
        ):
            found[project.iati_identifier] = project
    missing = [i for i in identifiers if i not in found and i.startswith(f"{network_ref}-")]
    if missing:
        # A project this source created from an activity of ours (whose identifier it does
        # not keep: it named a record of another directory).
        for project in Project.objects.filter(source=SOURCE, source_id__in=missing).only(
            *PROJECT_FIELDS
        ):
            found.setdefault(project.source_id, project)
    ours = {}
    for identifier in identifiers:
        if identifier not in found and (pk := our_pk(identifier, network_ref)) is not None:
            ours[pk] = identifier
    if ours:
        rows = Project.objects.filter(pk__in=ours).only(*PROJECT_FIELDS)
        for project in rows:
            identifier = ours[project.pk]
            if titles is None or titles.get(identifier) == project.title:
                found[identifier] = project
    current = {identifier: Current(project) for identifier, project in found.items()}
    by_pk = {state.project.pk: state for state in current.values()}
    if not by_pk:
        return current
    ids = list(by_pk)
    rows = Participation.objects.filter(project_id__in=ids)
    for project_id, organisation_id, role in rows.values_list(
        "project_id", "organisation_id", "role"
    ):
        by_pk[project_id].participations.add((organisation_id, role))
    for project_id, *values in ProjectPlace.objects.filter(project_id__in=ids).values_list(
        "project_id", *_PLACE_FIELDS
    ):
        by_pk[project_id].places.append(place_key(*values))
    for project_id, *values in FundingLine.objects.filter(project_id__in=ids).values_list(
        "project_id", *_FUNDING_FIELDS
    ):
        by_pk[project_id].funding.append(tuple(values))
    for state in by_pk.values():
        state.funding.sort(key=funding_key)
    for attr, _label in VOCABULARIES:
        through, source, target = _through(attr)
        rows = through.objects.filter(**{f"{source}__in": ids}).values_list(source, target)
        for project_id, code in rows:
            getattr(by_pk[project_id], attr).add(code)
    return current


IATI_ORIGIN = Origin(None, ChangeSource.IATI, gettext_lazy("Import IATI"))


def _place(key: tuple) -> dict:
    side, commune, department, country, locality, lat, lon = key
    return {
        "side": side,
        "commune": commune,
        "department": department,
        "country": country,
        "locality": locality,
        "lat": lat,
        "lon": lon,
    }


def _line(line: tuple) -> dict:
    funder_id, funder_name, amount, currency, year, instrument = line
    return {
        "funder": funder_id,
        "funder_name": funder_name,
        "amount": amount,
        "currency": currency,
        "year": year,
        "instrument": instrument,
    }


def project_data(desired, fields: dict, relations) -> dict:
    """The mapper's desired state as the projects' actions take it: `fields` and the
    relations named in `relations` (every one for a new project)."""
    data = dict(fields)
    if "participations" in relations:
        data["participations"] = [
            {"organisation": organisation, "role": role, "note": ""}
            for (_pk, role), organisation in desired.participations.items()
        ]
    if "places" in relations:
        data["places"] = [_place(key) for key in desired.places]
    if "funding" in relations:
        data["funding_lines"] = [_line(line) for line in desired.funding]
    for attr, _label in VOCABULARIES:
        if attr in relations:
            data[attr] = sorted(getattr(desired, attr))
    return data


EVERY = frozenset({"participations", "places", "funding", *(a for a, _l in VOCABULARIES)})


class ChunkWriter:
    """Collects a chunk's new and changed projects, then writes them through the projects'
    bulk actions (passerelles.projects.actions): the same derivations and history as the
    editor, one change record per project with source "iati" and action "imported"."""

    def __init__(self, now, status: str):
        self.now = now
        self.status = status  # publication of the projects created (policy.import_status)
        self.created: list[tuple[Project, object]] = []  # (project, desired)
        self.updated: list[tuple[Project, dict, object, set[str]]] = []

    def create(self, identifier: str, desired) -> Project:
        """A placeholder for the new project: write() gives it its pk."""
        project = Project(source=SOURCE, source_id=identifier, **desired.fields)
        self.created.append((project, desired))
        return project

    def update(self, state: Current, desired) -> list[str]:
        """Compare; stage what differs; the labels of what changed (empty: unchanged)."""
        project, changed, values = state.project, [], {}
        for name, value in desired.fields.items():
            if getattr(project, name) != value:
                values[name] = value
                changed.append(str(Project._meta.get_field(name).verbose_name))
        relations = set()
        if state.participations != set(desired.participations):
            relations.add("participations")
            changed.append(_("participants"))
        if _comparable(state.places) != _comparable(desired.places):
            relations.add("places")
            changed.append(_("lieux"))
        for attr, label in VOCABULARIES:
            if getattr(state, attr) != getattr(desired, attr):
                relations.add(attr)
                changed.append(str(label))
        if state.funding != desired.funding:
            relations.add("funding")
            changed.append(_("financements"))
        if changed:
            self.updated.append((project, values, desired, relations))
        return changed

    def write(self) -> None:
        rows = [
            project_data(
                desired, {"source": SOURCE, "source_id": p.source_id, **desired.fields}, EVERY
            )
            for p, desired in self.created
        ]
        # The mapper geocoded the places already (and said which it could not).
        written = bulk_create_projects(rows, origin=IATI_ORIGIN, status=self.status, geocode=False)
        for (placeholder, _desired), project in zip(self.created, written, strict=True):
            placeholder.pk, placeholder.slug = project.pk, project.slug
        bulk_update_projects(
            [
                (project, project_data(desired, values, relations))
                for project, values, desired, relations in self.updated
            ],
            origin=IATI_ORIGIN,
            geocode=False,
        )
