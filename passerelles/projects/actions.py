"""The one door for projects: every creation, change, publication and archiving of a project,
with its participations, places and funding lines, goes through these functions
(docs/decisions.md §15, "One door").

Each action takes validated plain data (passerelles.projects.validation cleans it) and an
`Origin` (who, through which channel). The data of a project is a dict of:

- its fields (DATA_FIELDS), relations as objects or keys;
- its vocabularies (M2M_FIELDS), lists of objects or keys;
- its rows, each a list that replaces the whole list when given (LIST_FIELDS):
  `participations` [{"organisation", "role", "note"}], `places` [{"side", "commune",
  "department", "country", "locality", "lat", "lon"}], `funding_lines` [{"funder",
  "funder_name", "amount", "currency", "year", "instrument"}].

An action runs in one transaction with index work deferred to its end, derives what the
models derive (Project.derive, ProjectPlace.derive, FundingLine.derive; a locality abroad is
geocoded offline), writes ONE change record per project changed (action "imported" for
imports) and reports `indexing.changed("project", …)` and, for the organisations whose
participations changed, `indexing.changed("participants", …)`. Single and bulk writes share
one implementation, so an import derives and records exactly what the editor does.
"""

from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from decimal import Decimal

from django.db import connections, router, transaction
from django.db.models import Model
from django.utils import timezone

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.core import door, indexing
from passerelles.core.history import ChangeAction, Origin
from passerelles.core.slugs import allocate_slugs
from passerelles.geo import gazetteer
from passerelles.geo.models import Commune, Country, Department
from passerelles.projects.enums import Instrument, PlaceSide
from passerelles.projects.history import M2M_FIELDS as HISTORY_M2M
from passerelles.projects.history import TRACKER, with_relations
from passerelles.projects.models import (
    RESERVED_SLUGS,
    FundingLine,
    Participation,
    Project,
    ProjectChangeRecord,
    ProjectPlace,
)

TOPIC = "project"
PARTICIPANTS_TOPIC = "participants"

DATA_FIELDS = (
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
    # Derived when empty; staff may choose it in the administration.
    "slug",
    # Provenance.
    "source",
    "source_id",
)
M2M_FIELDS = ("themes", "sdg_targets", "dac_sectors", "dac_categories")
LIST_FIELDS = ("participations", "places", "funding_lines")
_NULLABLE = {"start_date", "end_date"}


@contextmanager
def _action():
    """An action's frame: one transaction, the door open, index work batched to its end."""
    with transaction.atomic(), door.inside(), indexing.deferred_indexing():
        yield


def _unknown(data: Mapping) -> None:
    extra = set(data) - {*DATA_FIELDS, *M2M_FIELDS, *LIST_FIELDS, "status"}
    if extra:
        raise TypeError(f"Not project data: {', '.join(sorted(extra))}")


def _pk(value):
    return getattr(value, "pk", value)


def _default_action(origin: Origin, action: str) -> str:
    return ChangeAction.IMPORTED if origin.is_import else action


def _assign(project: Project, data: Mapping) -> None:
    for name in DATA_FIELDS:
        if name in data:
            value = data[name]
            setattr(project, name, "" if value is None and name not in _NULLABLE else value)


# -- rows ---------------------------------------------------------------------------------


class _Lookups:
    """Communes, departments, countries and organisations the rows of a write name, read
    together (a query per table for a whole import chunk), so deriving and recording a row
    costs no query of its own."""

    def __init__(self, rows: Iterable[Mapping]):
        wanted: dict[str, set] = {"commune": set(), "department": set(), "country": set()}
        orgs: set = set()
        for data in rows:
            for place in data.get("places") or ():
                for name in wanted:
                    if place.get(name) and not hasattr(place[name], "pk"):
                        wanted[name].add(place[name])
            # Organisations as rows, keys, or an import's light records of them (with a pk).
            for item in data.get("participations") or ():
                if not isinstance(item["organisation"], Organisation):
                    orgs.add(_pk(item["organisation"]))
            for line in data.get("funding_lines") or ():
                if line.get("funder") and not isinstance(line["funder"], Organisation):
                    orgs.add(_pk(line["funder"]))
        self.communes = Commune.objects.in_bulk(wanted["commune"]) if wanted["commune"] else {}
        self.departments = (
            Department.objects.in_bulk(wanted["department"]) if wanted["department"] else {}
        )
        self.countries = Country.objects.in_bulk(wanted["country"]) if wanted["country"] else {}
        self.organisations = Organisation.objects.in_bulk(orgs) if orgs else {}

    @staticmethod
    def vocabularies(rows: list[Mapping]) -> dict[str, dict]:
        """The tracked vocabularies the rows name, by key (for the history's labels)."""
        out = {}
        for name in HISTORY_M2M:
            given = [v for data in rows for v in data.get(name) or ()]
            known = {v.pk: v for v in given if isinstance(v, Model)}
            missing = {_pk(v) for v in given} - set(known)
            if missing:
                model = Project._meta.get_field(name).related_model
                known.update(model.objects.in_bulk(missing))
            out[name] = known
        return out

    @staticmethod
    def _get(table: dict, value):
        if value is None or value == "" or isinstance(value, Model):
            return value or None
        return table[_pk(value)]

    def participation(self, project: Project, data: Mapping) -> Participation:
        return Participation(
            project=project,
            organisation=self._get(self.organisations, data["organisation"]),
            role=data["role"],
            note=data.get("note") or "",
        )

    def place(self, project: Project, data: Mapping) -> ProjectPlace:
        place = ProjectPlace(
            project=project,
            side=data.get("side") or PlaceSide.HERE,
            commune=self._get(self.communes, data.get("commune")),
            department=self._get(self.departments, data.get("department")),
            country=self._get(self.countries, data.get("country")),
            locality=(data.get("locality") or "")[:120],
            lat=data.get("lat"),
            lon=data.get("lon"),
        )
        place.derive()
        return place

    def funding_line(self, project: Project, data: Mapping) -> FundingLine:
        line = FundingLine(
            project=project,
            funder=self._get(self.organisations, data.get("funder")),
            funder_name=(data.get("funder_name") or "")[:200],
            amount=Decimal(data["amount"]),
            currency=(data.get("currency") or "EUR").upper(),
            year=data.get("year"),
            instrument=data.get("instrument") or Instrument.GRANT,
        )
        line.derive()
        return line


def _rounded(value):
    return None if value is None else round(value, 6)


def _participation_key(p: Participation) -> tuple:
    return (p.organisation_id, p.role, p.note)


def _place_key(p: ProjectPlace) -> tuple:
    department = None if p.commune_id else p.department_id
    return (p.side, p.commune_id, department, p.country_id, p.locality, _rounded(p.lat))


def _line_key(f: FundingLine) -> tuple:
    name = "" if f.funder_id else f.funder_name
    return (f.funder_id, name, Decimal(f.amount), f.currency, f.year, f.instrument)


_KEYS = {
    "participations": _participation_key,
    "places": _place_key,
    "funding_lines": _line_key,
}


def _changes(old: list, new: list, key) -> tuple[list[int], list]:
    """(pks of stored rows to delete, new rows to insert) to turn `old` into `new`: a row
    equal to a stored one keeps the stored row (and its pk)."""
    stored: dict[tuple, list] = {}
    for row in old:
        stored.setdefault(key(row), []).append(row)
    added = []
    for row in new:
        same = stored.get(key(row))
        if same:
            same.pop()
        else:
            added.append(row)
    return [row.pk for rows in stored.values() for row in rows], added


def _where(p: ProjectPlace) -> tuple:
    return (p.side, p.commune_id, p.department_id, p.country_id, p.locality)


def _locate(places: list[ProjectPlace], current: list[ProjectPlace], geocode: bool) -> list:
    """Points of places given without one: kept from the same place already stored (an edit
    that does not move it keeps its point, geocoded or imported), else, abroad, found in the
    offline gazetteer. Returns the places whose locality was not found."""
    known = {_where(p): (p.lat, p.lon) for p in current if p.lat is not None}
    not_found = []
    for place in places:
        if place.lat is not None:
            continue
        if _where(place) in known:
            place.lat, place.lon = known[_where(place)]
        elif geocode and place.side == PlaceSide.THERE and place.locality:
            point = gazetteer.geocode_abroad(place.locality, place.country_id).point
            if point is None:
                not_found.append(place)
            else:
                place.lat, place.lon = point
    return not_found


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert plain rows (values already what the columns store: keys, strings, numbers,
    Decimals) with one prepared statement: for the thousands of rows of an import chunk,
    bulk_create's per-value SQL compilation costs more than the database itself. The door
    is open (only the actions call this)."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _insert_rows(model, objs: list) -> None:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    _insert(
        model,
        [f.column for f in fields],
        [tuple(getattr(obj, f.attname) for f in fields) for obj in objs],
    )


def _insert_links(pairs: list[tuple[Project, Mapping]]) -> None:
    """The vocabulary links of the given projects, one insert per relation."""
    for name in M2M_FIELDS:
        relation = getattr(Project, name)
        through = relation.through._meta
        source = through.get_field(relation.field.m2m_field_name()).column
        target = through.get_field(relation.field.m2m_reverse_field_name()).column
        rows = [
            (project.pk, pk)
            for project, data in pairs
            if name in data
            for pk in sorted({_pk(v) for v in data[name] or ()}, key=str)
        ]
        _insert(relation.through, [source, target], rows)


# -- writing many (one implementation for one and many) -----------------------------------


def _create(rows: list[Mapping], *, origin: Origin, status: str, geocode: bool) -> list[Project]:
    for data in rows:
        _unknown(data)
    lookups = _Lookups(rows)
    now = timezone.now()
    projects, pairs = [], []
    for data in rows:
        project = Project(status=data.get("status") or status, created_by=origin.actor)
        _assign(project, data)
        if not project.source:
            project.source = origin.source if origin.is_import else "user"
        if origin.is_import:
            project.imported_at = now
        project.derive(with_slug=False)
        projects.append(project)
        pairs.append((project, data))
    # A slug given (the demo's, staff's in the administration) is kept.
    allocate_slugs(Project, [p for p in projects if not p.slug], Project.slug_base, RESERVED_SLUGS)
    Project.objects.bulk_create(projects, batch_size=500)
    _insert_links(pairs)
    participations, places, lines = [], [], []
    for project, data in pairs:
        participations += [
            lookups.participation(project, d) for d in data.get("participations") or ()
        ]
        mine = [lookups.place(project, d) for d in data.get("places") or ()]
        project.places_not_found = _locate(mine, [], geocode)
        places += mine
        lines += [lookups.funding_line(project, d) for d in data.get("funding_lines") or ()]
    _insert_rows(Participation, participations)
    _insert_rows(ProjectPlace, places)
    _insert_rows(FundingLine, lines)
    # The snapshot of a new project from what was just written, in memory: its rows carry
    # their organisations, communes and countries (the look-ups), its vocabularies are loaded
    # once for the batch.
    vocabularies = lookups.vocabularies(rows)
    by_project: dict[int, tuple[list, list, list]] = {p.pk: ([], [], []) for p in projects}
    for i, items in enumerate((participations, places, lines)):
        for item in items:
            by_project[item.project_id][i].append(item)
    records = []
    for project, data in pairs:
        project.history_rows = by_project[project.pk]
        m2m = {
            name: [vocabularies[name][_pk(v)] for v in data.get(name) or ()] for name in HISTORY_M2M
        }
        after = TRACKER.snapshot(project, m2m=m2m)
        del project.history_rows
        records.append(
            TRACKER.build(
                project,
                TRACKER.diff({}, after),
                origin=origin,
                action=_default_action(origin, ChangeAction.CREATED),
            )
        )
    ProjectChangeRecord.objects.bulk_create(records, batch_size=1000)
    for project, record in zip(projects, records, strict=True):
        project.last_record = record
    indexing.changed(TOPIC, [p.pk for p in projects])
    indexing.changed(PARTICIPANTS_TOPIC, {p.organisation_id for p in participations})
    return projects


def _snapshots(projects: list[Project]) -> dict[int, dict[str, str]]:
    loaded = with_relations(Project.objects.filter(pk__in=[p.pk for p in projects]))
    return {project.pk: TRACKER.snapshot(project) for project in loaded}


def _update(  # noqa: C901 (one pass over the projects, then one write per table)
    pairs: list[tuple[Project, Mapping]], *, origin: Origin, action: str, geocode: bool
) -> list[Project]:
    """Apply each (project, changes): scalars given set, lists and vocabularies given replace
    the stored ones when they differ. Writes only what changed; returns the projects changed
    (the callers' instances, brought up to date)."""
    for _project, data in pairs:
        _unknown(data)
    if not pairs:
        return []
    lookups = _Lookups(data for _project, data in pairs)
    # The stored rows with everything a snapshot reads (the callers' instances may be partial:
    # an import reads only the columns it compares).
    current = {
        p.pk: p for p in with_relations(Project.objects.filter(pk__in=[p.pk for p, _d in pairs]))
    }
    before = {pk: TRACKER.snapshot(p) for pk, p in current.items()}
    now = timezone.now()
    concrete = [f.attname for f in Project._meta.concrete_fields]
    builders = {
        "participations": lookups.participation,
        "places": lookups.place,
        "funding_lines": lookups.funding_line,
    }
    dirty_fields: set[str] = set()
    changed, participants = [], set()
    replace: dict[str, dict[int, list]] = {name: {} for name in LIST_FIELDS}
    links: list[tuple[Project, dict]] = []
    for caller, data in pairs:
        project = current[caller.pk]
        values_before = {name: getattr(project, name) for name in concrete}
        if "status" in data:
            project.status = data["status"]
        _assign(project, data)
        project.derive()
        dirty = {name for name in concrete if getattr(project, name) != values_before[name]}
        project.places_not_found = []
        wanted_links = {}
        for name in M2M_FIELDS:
            if name in data:
                wanted = {_pk(v) for v in data[name] or ()}
                if wanted != {item.pk for item in getattr(project, name).all()}:
                    wanted_links[name] = wanted
        rows_changed = False
        for name in LIST_FIELDS:
            if name not in data:
                continue
            new = [builders[name](project, d) for d in data[name] or ()]
            old = list(getattr(project, name).all())
            if name == "places":
                project.places_not_found = _locate(new, old, geocode)
            removed, added = _changes(old, new, _KEYS[name])
            if removed or added:
                replace[name][project.pk] = (removed, added)
                rows_changed = True
                if name == "participations":
                    # Their suggestion profiles count their projects and partners.
                    gone = set(removed)
                    participants |= {p.organisation_id for p in old if p.pk in gone}
                    participants |= {p.organisation_id for p in added}
        caller.places_not_found = project.places_not_found
        caller.last_record = None
        if not dirty and not wanted_links and not rows_changed:
            continue
        if origin.is_import:
            project.imported_at = now
            dirty.add("imported_at")
        project.updated_at = now
        dirty.add("updated_at")
        dirty_fields |= dirty
        if wanted_links:
            links.append((project, wanted_links))
        changed.append((caller, project))
    if not changed:
        return []
    fields = sorted({Project._meta.get_field(n.removesuffix("_id")).name for n in dirty_fields})
    Project.objects.bulk_update([p for _c, p in changed], fields, batch_size=500)
    for name, model in (
        ("participations", Participation),
        ("places", ProjectPlace),
        ("funding_lines", FundingLine),
    ):
        if replace[name]:
            removed = [pk for gone, _new in replace[name].values() for pk in gone]
            if removed:
                model.objects.filter(pk__in=removed).delete()
            rows = [row for _gone, new in replace[name].values() for row in new]
            _insert_rows(model, rows)
    for name in M2M_FIELDS:
        ids = [p.pk for p, wanted in links if name in wanted]
        if ids:
            through = getattr(Project, name).through
            through.objects.filter(project_id__in=ids).delete()
    _insert_links([(p, {n: list(v) for n, v in wanted.items()}) for p, wanted in links])
    after = _snapshots([p for _c, p in changed])
    records = []
    for caller, project in changed:
        changes = TRACKER.diff(before[project.pk], after[project.pk])
        record = None
        if changes or action != ChangeAction.UPDATED:
            record = TRACKER.build(
                project, changes, origin=origin, action=_default_action(origin, action)
            )
            records.append(record)
        for name in concrete:
            setattr(caller, name, getattr(project, name))
        caller.last_record = project.last_record = record
    ProjectChangeRecord.objects.bulk_create(records, batch_size=1000)
    indexing.changed(TOPIC, [p.pk for _c, p in changed])
    indexing.changed(PARTICIPANTS_TOPIC, participants)
    return [caller for caller, _p in changed]


# -- the actions ----------------------------------------------------------------------------


def create_project(
    data: Mapping, *, origin: Origin, status: str = Status.PUBLISHED, geocode: bool = True
) -> Project:
    """A new project from validated `data`, with its participations, places and funding
    lines. `project.places_not_found` lists the places abroad whose locality the gazetteer
    does not know (kept without a point); `project.last_record` is its creation record."""
    with _action():
        return _create([data], origin=origin, status=status, geocode=geocode)[0]


def update_project(
    project: Project,
    changes: Mapping,
    *,
    origin: Origin,
    action: str = ChangeAction.UPDATED,
    geocode: bool = True,
) -> Project:
    """Apply validated `changes` (the keys given; a list given replaces the whole list) to
    `project`. Writes nothing when nothing changes; `project.last_record` is the record
    written (or None), `project.places_not_found` as for a creation."""
    with _action():
        _update([(project, changes)], origin=origin, action=action, geocode=geocode)
    return project


def set_status(
    project: Project, status: str, *, origin: Origin, action: str = ChangeAction.STATUS
) -> Project:
    """Publish, archive or hold back a project (its publication, not its progress)."""
    with _action():
        _update([(project, {"status": status})], origin=origin, action=action, geocode=False)
    return project


def publish_project(project: Project, *, origin: Origin) -> Project:
    return set_status(project, Status.PUBLISHED, origin=origin)


def archive_project(project: Project, *, origin: Origin) -> Project:
    """Out of the lists and the atlas; kept with its history."""
    return set_status(project, Status.ARCHIVED, origin=origin)


def bulk_create_projects(
    rows: list[Mapping],
    *,
    origin: Origin,
    status: str = Status.PUBLISHED,
    geocode: bool = True,
) -> list[Project]:
    """Create many projects in a few queries per batch (imports, the demo): the same
    derivations and history as `create_project`. `geocode` may be False when the rows carry
    their points or were geocoded already (the IATI mapper). Returns the projects, with pks."""
    if not rows:
        return []
    with _action():
        return _create(list(rows), origin=origin, status=status, geocode=geocode)


def bulk_update_projects(
    changes: list[tuple[Project, Mapping]], *, origin: Origin, geocode: bool = True
) -> list[Project]:
    """`update_project` for many projects in a few queries per batch. Returns those that
    changed."""
    with _action():
        return _update(list(changes), origin=origin, action=ChangeAction.UPDATED, geocode=geocode)
