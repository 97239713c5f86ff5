"""What the database holds for a chunk of activities, read and written in a few queries.

The importer works chunk by chunk (importer.CHUNK activities): `load_current` reads the
existing projects of a chunk with everything the mapper compares (participations, places,
funding lines, vocabularies) in one query per table, and `ChunkWriter` writes the chunk's new
and changed projects with bulk inserts and updates, whatever the chunk's size.

Like the demo builder, this is a bulk writer: no per-row signals. The mapper brings the search
indexes and suggestion profiles of what was written up to date once at the end
(ActivityMapper.finish).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, router
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passerelles.actors.models import sanitise_html
from passerelles.geo.models import Commune
from passerelles.projects.enums import PlaceSide
from passerelles.projects.models import (
    RESERVED_SLUGS,
    FundingLine,
    Participation,
    Project,
    ProjectPlace,
)

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
)
# The project's vocabularies (many-to-many) the import sets, with their labels in the report.
VOCABULARIES = (
    ("dac_sectors", gettext_lazy("secteurs CAD")),
    ("dac_categories", gettext_lazy("catégories CAD")),
    ("sdg_targets", gettext_lazy("cibles ODD")),
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
    funding: list[tuple] = field(default_factory=list)


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def place_key(side, commune_id, department_id, country_id, locality, lat, lon) -> tuple:
    """A place in comparable form (what an import can say of it, nothing more)."""
    if side == PlaceSide.HERE:
        if commune_id:
            return (PlaceSide.HERE, commune_id, None, None, "", None, None)
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


def load_current(identifiers: list[str], network_ref: str) -> dict[str, Current]:
    """The existing projects of these activities, by activity identifier: matched on the IATI
    identifier, then on our export's `<network ref>-<pk>` for a project without one."""
    found: dict[str, Project] = {}
    if identifiers:
        # The exclude restates the partial unique index's condition: SQLite uses the index.
        for project in (
            Project.objects.filter(iati_identifier__in=identifiers)
            .exclude(iati_identifier="")
            .only(*PROJECT_FIELDS)
        ):
            found[project.iati_identifier] = project
    ours = {}
    for identifier in identifiers:
        if identifier not in found and (pk := our_pk(identifier, network_ref)) is not None:
            ours[pk] = identifier
    if ours:
        rows = Project.objects.filter(pk__in=ours, iati_identifier="").only(*PROJECT_FIELDS)
        for project in rows:
            found[ours[project.pk]] = project
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


def allocate_slugs(model, objects: list, base_of, reserved=frozenset()) -> None:
    """Give each new object the slug its model's `_unique_slug()` would (base, base-2, …),
    in a query or two per chunk rather than one or more per object."""
    if not objects:
        return
    bases = [base_of(obj) for obj in objects]
    taken = set(reserved)
    taken.update(model.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    widened: set[str] = set()
    for obj, base in zip(objects, bases, strict=True):
        if base in taken and base not in widened:
            # Collision: read the numbered variants already used, once per base.
            rows = model.objects.filter(slug__startswith=f"{base}-").values_list("slug", flat=True)
            taken.update(rows)
            widened.add(base)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        obj.slug = slug


class ChunkWriter:
    """Collects a chunk's new and changed projects, then writes them in bulk."""

    def __init__(self, now):
        self.now = now
        self.created: list[tuple[Project, object]] = []  # (project, desired)
        self.updated: list[tuple[Project, dict, object, set[str]]] = []
        self.removed_participants: set[int] = set()
        self._communes: dict[str, tuple] = {}

    def create(self, identifier: str, desired) -> Project:
        project = Project(
            source=SOURCE, source_id=identifier, imported_at=self.now, **desired.fields
        )
        project.description = sanitise_html(project.description)
        self.created.append((project, desired))
        return project

    def update(self, state: Current, desired) -> list[str]:
        """Compare; stage what differs; the labels of what changed (empty: unchanged)."""
        project, changed, values = state.project, [], {}
        for name, value in desired.fields.items():
            if getattr(project, name) != value:
                values[name] = sanitise_html(value) if name == "description" else value
                changed.append(str(Project._meta.get_field(name).verbose_name))
        relations = set()
        if state.participations != set(desired.participations):
            relations.add("participations")
            changed.append(_("participants"))
        if sorted(state.places, key=repr) != sorted(desired.places, key=repr):
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
            if "participations" in relations:
                # Their suggestion profiles count projects too (see ActivityMapper.finish).
                self.removed_participants.update(org_id for org_id, _role in state.participations)
            self.updated.append((project, values, desired, relations))
        return changed

    # -- writing -------------------------------------------------------------------------------

    def write(self) -> None:
        new = [project for project, _desired in self.created]
        allocate_slugs(Project, new, _project_slug_base, RESERVED_SLUGS)
        Project.objects.bulk_create(new)
        self._update_projects()
        replaced: dict[str, list[int]] = {}
        for project, _values, _desired, relations in self.updated:
            for relation in relations:
                replaced.setdefault(relation, []).append(project.pk)
        self._delete(replaced)
        wanted = [*self.created, *((p, d) for p, _v, d, _r in self.updated)]
        # Everything of a new project; what changed of an updated one.
        relations_of = {id(p): r for p, _v, _d, r in self.updated}
        every = {"participations", "places", "funding", *(a for a, _l in VOCABULARIES)}

        def rows_for(relation):
            for project, desired in wanted:
                if relation in relations_of.get(id(project), every):
                    yield project, desired

        insert_rows(
            Participation,
            ("project", "organisation", "role", "note"),
            (
                (project.pk, org_id, role, "")
                for project, desired in rows_for("participations")
                for org_id, role in desired.participations
            ),
        )
        places = [
            (project, key) for project, desired in rows_for("places") for key in desired.places
        ]
        self._load_communes({key[1] for _project, key in places if key[1]})
        insert_rows(
            ProjectPlace,
            ("project", *(name.removesuffix("_id") for name in _PLACE_FIELDS)),
            (self._place(project, key) for project, key in places),
        )
        for attr, _label in VOCABULARIES:
            through, source, target = _through(attr)
            insert_rows(
                through,
                (source, target),
                (
                    (project.pk, code)
                    for project, desired in rows_for(attr)
                    for code in sorted(getattr(desired, attr))
                ),
            )
        insert_rows(
            FundingLine,
            ("project", *(name.removesuffix("_id") for name in _FUNDING_FIELDS)),
            (
                (project.pk, *line)
                for project, desired in rows_for("funding")
                for line in desired.funding
            ),
        )

    def _update_projects(self) -> None:
        if not self.updated:
            return
        names: set[str] = {"imported_at", "updated_at"}
        now = timezone.now()
        objects = []
        for project, values, _desired, _relations in self.updated:
            for name, value in values.items():
                setattr(project, name, value)
            names.update(values)
            # Like the creation, without per-row signals (see ActivityMapper.finish).
            project.imported_at, project.updated_at = self.now, now
            objects.append(project)
        Project.objects.bulk_update(objects, sorted(names))

    def _delete(self, replaced: dict[str, list[int]]) -> None:
        if ids := replaced.get("participations"):
            # A raw delete: Participation's post_delete signal would resync the suggestion
            # profile of each former participant one by one; finish() does it once for all.
            rows = Participation.objects.filter(project_id__in=ids)
            rows._raw_delete(router.db_for_write(Participation))
        if ids := replaced.get("places"):
            ProjectPlace.objects.filter(project_id__in=ids).delete()
        if ids := replaced.get("funding"):
            FundingLine.objects.filter(project_id__in=ids).delete()
        for attr, _label in VOCABULARIES:
            if ids := replaced.get(attr):
                through, source, _target = _through(attr)
                through.objects.filter(**{f"{source}__in": ids}).delete()

    def _load_communes(self, codes: set[str]) -> None:
        missing = codes - self._communes.keys()
        if missing:
            rows = Commune.objects.filter(pk__in=missing).values_list(
                "pk", "department_id", "lat", "lon"
            )
            for code, *values in rows:
                self._communes[code] = tuple(values)

    def _place(self, project: Project, key: tuple) -> tuple:
        """The row of a place (columns of _PLACE_FIELDS, after the project)."""
        side, commune, department, country, locality, lat, lon = key
        if commune:
            # ProjectPlace.save() is skipped: fill what it derives from the commune.
            department, lat, lon = self._communes[commune]
        return (project.pk, side, commune, department, country, locality[:120], lat, lon)


def insert_rows(model, fields: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Insert plain rows (values in the order of `fields`, field names or column names of
    `model`) with one prepared statement: for the relation rows of a chunk (thousands of
    participations, places, links), bulk_create's model instances and per-value SQL
    compilation cost more than the database itself. The values must already be what the
    column stores (ids, strings, numbers, Decimals), as the mapper computes them."""
    rows = list(rows)
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = []
    for name in fields:
        try:
            columns.append(model._meta.get_field(name).column)
        except FieldDoesNotExist:
            columns.append(model._meta.get_field(name.removesuffix("_id")).column)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _project_slug_base(project: Project) -> str:
    # The base of Project._unique_slug().
    return slugify(project.acronym or project.title)[:240] or "projet"
