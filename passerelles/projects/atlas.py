"""The cooperation atlas: which organisations and projects of the region work in which
countries, which departments work with which countries, and the links here ↔ there drawn on
the directory's map.

The definitions live here once, so the atlas, its department and country pages and the map
always agree:

- a published project *works in* a country where it has a place there, or where a published
  organisation abroad taking part in it is seated;
- a published organisation here *works in* a country it declares among its countries of
  action, or where a published project it takes part in works;
- a published project *involves* a department where it has a place here, or where a published
  organisation here taking part in it is seated.

Everything is counted in the database. Each definition is a UNION of a few ORM querysets
giving pairs (project, country), (organisation, country)…; a UNION removes duplicates, so
counting the rows of a group counts distinct projects or organisations. Django cannot group
over a UNION, so the outer GROUP BY is a short SQL statement wrapped around the ORM's own SQL
(`_group_count`): standard SQL that SQLite and PostgreSQL both run, with the ORM's parameters.
A page of the atlas is a handful of queries whatever the size of the directory.
"""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, F, FloatField, Prefetch, Q, QuerySet, Sum, When
from django.db.models.functions import Floor

from passerelles.actors.enums import Side, Status
from passerelles.actors.models import Organisation
from passerelles.core.collation import sort_key
from passerelles.geo.models import Country, Department
from passerelles.projects.enums import ParticipationRole, PlaceSide
from passerelles.projects.models import Participation, Project, ProjectPlace

PUBLISHED = Status.PUBLISHED
CountryLink = Organisation.countries_of_action.through


def _published_projects(projects: QuerySet | None) -> dict:
    """Filter keyword on a `project` foreign key: published projects, or those of `projects`
    (already restricted by the caller, e.g. to the map's filters)."""
    if projects is None:
        return {"project__status": PUBLISHED}
    return {"project__in": projects.order_by().values("pk")}


# Published organisations of one side, reached through a foreign key named `prefix`.
def _org(prefix: str, side: str) -> dict:
    return {f"{prefix}__status": PUBLISHED, f"{prefix}__side": side}


def project_countries(projects: QuerySet | None = None) -> QuerySet:
    """Pairs (pid, cid): a published project and a country it works in."""
    scope = _published_projects(projects)
    places = ProjectPlace.objects.filter(side=PlaceSide.THERE, **scope).values(
        pid=F("project_id"), cid=F("country_id")
    )
    partners = Participation.objects.filter(**scope, **_org("organisation", Side.THERE)).values(
        pid=F("project_id"), cid=F("organisation__country_id")
    )
    return places.order_by().union(partners.order_by())


def project_departments(projects: QuerySet | None = None) -> QuerySet:
    """Pairs (pid, did): a published project and a department it involves."""
    scope = _published_projects(projects)
    # A commune's place has its department copied on save: department_id is always set here.
    places = ProjectPlace.objects.filter(side=PlaceSide.HERE, **scope).values(
        pid=F("project_id"), did=F("department_id")
    )
    members = (
        Participation.objects.filter(**scope, **_org("organisation", Side.HERE))
        .exclude(organisation__department=None)
        .values(pid=F("project_id"), did=F("organisation__department_id"))
    )
    return places.order_by().union(members.order_by())


def organisation_countries() -> QuerySet:
    """Triples (oid, did, cid): a published organisation here, its department (or None) and
    a country it works in. The department is a function of the organisation, so the triples
    are as distinct as the pairs (oid, cid)."""
    here = _org("organisation", Side.HERE)
    declared = (
        CountryLink.objects.filter(**here)
        .exclude(country_id="FR")
        .values(oid=F("organisation_id"), did=F("organisation__department_id"), cid=F("country_id"))
    )
    # Both lookups of a multi-valued relation sit in one filter() so they share one join, and
    # the F() of values() reuses that join: the country is the one of the place filtered on.
    via_places = Participation.objects.filter(
        **here, project__status=PUBLISHED, project__places__side=PlaceSide.THERE
    ).values(
        oid=F("organisation_id"),
        did=F("organisation__department_id"),
        cid=F("project__places__country_id"),
    )
    via_partners = Participation.objects.filter(
        **here, project__status=PUBLISHED, **_org("project__participations__organisation", "there")
    ).values(
        oid=F("organisation_id"),
        did=F("organisation__department_id"),
        cid=F("project__participations__organisation__country_id"),
    )
    return declared.order_by().union(via_places.order_by(), via_partners.order_by())


def _sql(queryset: QuerySet):
    return queryset.query.sql_with_params()


def _group_count(sql_from: str, params, *columns: str) -> list[tuple]:
    """Rows (columns…, count) of `SELECT columns, COUNT(*) FROM sql_from GROUP BY columns`."""
    cols = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {cols}, COUNT(*) FROM {sql_from} GROUP BY {cols}", params)
        return cursor.fetchall()


def _projects_by_department_and_country(projects=None) -> list[tuple]:
    dept_sql, dept_params = _sql(project_departments(projects))
    country_sql, country_params = _sql(project_countries(projects))
    sql_from = f"({dept_sql}) d INNER JOIN ({country_sql}) c ON c.pid = d.pid"
    return _group_count(sql_from, (*dept_params, *country_params), "d.did", "c.cid")


def _counts() -> dict[str, list[tuple]]:
    """Every count of the atlas in one statement, each UNION computed once (a CTE used several
    times is materialised by SQLite and PostgreSQL alike). Rows are tagged by what they count:
    projects per country ("pc"), organisations here per country ("oc"), per department and
    country ("od") and per department ("ot"), projects per department and country ("pd") and
    per department ("pt"), and projects working abroad in all ("pa")."""
    org_sql, org_params = _sql(organisation_countries())
    dept_sql, dept_params = _sql(project_departments())
    country_sql, country_params = _sql(project_countries())
    sql = f"""
        WITH o AS ({org_sql}), d AS ({dept_sql}), c AS ({country_sql})
        SELECT 'pc', NULL, cid, COUNT(*) FROM c GROUP BY cid
        UNION ALL SELECT 'oc', NULL, cid, COUNT(*) FROM o GROUP BY cid
        UNION ALL SELECT 'od', did, cid, COUNT(*) FROM o GROUP BY did, cid
        UNION ALL SELECT 'ot', did, NULL, COUNT(DISTINCT oid) FROM o GROUP BY did
        UNION ALL SELECT 'pd', d.did, c.cid, COUNT(*) FROM d INNER JOIN c ON c.pid = d.pid
            GROUP BY d.did, c.cid
        UNION ALL SELECT 'pt', did, NULL, COUNT(DISTINCT pid) FROM d
            WHERE pid IN (SELECT pid FROM c) GROUP BY did
        UNION ALL SELECT 'pa', NULL, NULL, COUNT(DISTINCT pid) FROM c
    """
    out: dict[str, list[tuple]] = {key: [] for key in ("pc", "oc", "od", "ot", "pd", "pt", "pa")}
    with connection.cursor() as cursor:
        cursor.execute(sql, (*org_params, *dept_params, *country_params))
        for tag, did, cid, n in cursor.fetchall():
            out[tag].append((did, cid, n))
    return out


@dataclass
class CountryRow:
    country: Country
    organisations_here: int = 0
    organisations_there: int = 0
    projects: int = 0

    @property
    def activity(self) -> int:
        return self.projects + self.organisations_here + self.organisations_there


@dataclass
class DepartmentRow:
    department: Department
    organisations: int = 0
    projects: int = 0
    # (country, organisations of the department working there, projects), busiest first.
    countries: list = field(default_factory=list)


@dataclass
class Overview:
    countries: list[CountryRow]
    departments: list[DepartmentRow]
    projects_abroad: int


def overview(department: str | None = None) -> Overview:
    """The atlas's two tables (every partner country, busiest first; the departments of the
    network's region, or only `department`, with their partner countries) and the number of
    projects working abroad: four queries whatever the size of the directory."""
    counts = _counts()
    projects = {cid: n for _d, cid, n in counts["pc"]}
    here = {cid: n for _d, cid, n in counts["oc"]}
    there = dict(
        Organisation.objects.published()
        .there()
        .order_by()
        .values("country_id")
        .annotate(n=Count("pk"))
        .values_list("country_id", "n")
    )
    codes = set(projects) | set(here) | set(there) | {cid for _d, cid, _n in counts["pd"]}
    codes.discard("FR")
    countries = Country.objects.in_bulk(codes)
    country_rows = [
        CountryRow(
            country,
            organisations_here=here.get(code, 0),
            organisations_there=there.get(code, 0),
            projects=projects.get(code, 0),
        )
        for code, country in countries.items()
        if code in projects or code in here or code in there
    ]
    country_rows.sort(key=lambda r: (-r.projects, -r.activity, sort_key(r.country.name)))

    departments = Department.objects.in_network_region()
    if department:
        departments = departments.filter(code=department)
    rows = {d.code: DepartmentRow(d) for d in departments}
    by_country: dict[tuple, list[int]] = {}
    for index, tag in ((0, "od"), (1, "pd")):
        for did, cid, n in counts[tag]:
            if did in rows and cid in countries:
                by_country.setdefault((did, cid), [0, 0])[index] = n
    for did, _c, n in counts["ot"]:
        if did in rows:
            rows[did].organisations = n
    for did, _c, n in counts["pt"]:
        if did in rows:
            rows[did].projects = n
    for (did, cid), (n_orgs, n_projects) in by_country.items():
        rows[did].countries.append((countries[cid], n_orgs, n_projects))
    for row in rows.values():
        row.countries.sort(key=lambda c: (-c[2], -c[1], sort_key(c[0].name)))
    total = counts["pa"][0][2] if counts["pa"] else 0
    return Overview(country_rows, list(rows.values()), total)


def country_table() -> list[CountryRow]:
    """Every partner country with its counts, busiest first."""
    return overview().countries


def department_table(code: str | None = None) -> list[DepartmentRow]:
    """The departments of the network's region (or the one of `code`) with their partner
    countries and counts."""
    return overview(code).departments


# Country and department pages: the organisations and projects behind the counts.


def projects_abroad(code: str | None = None) -> QuerySet:
    """Published projects working in a country (this one, or any)."""
    places = ProjectPlace.objects.filter(side=PlaceSide.THERE)
    partners = Participation.objects.filter(**_org("organisation", Side.THERE))
    if code:
        places = places.filter(country_id=code)
        partners = partners.filter(organisation__country_id=code)
    return Project.objects.published().filter(
        Q(pk__in=places.values("project_id")) | Q(pk__in=partners.values("project_id"))
    )


def projects_in_country(code: str) -> QuerySet:
    """Published projects working in this country (see the module's definitions)."""
    return projects_abroad(code)


def organisations_here_in_country(code: str) -> QuerySet:
    """Published organisations here working in this country, each with `n_projects`, the
    number of its published projects working there."""
    projects = projects_in_country(code).values("pk")
    declared = CountryLink.objects.filter(country_id=code).values("organisation_id")
    taking_part = Participation.objects.filter(project__in=projects).values("organisation_id")
    return (
        Organisation.objects.published()
        .here()
        .filter(Q(pk__in=declared) | Q(pk__in=taking_part))
        .annotate(
            n_projects=Count(
                "participations__project",
                filter=Q(participations__project__in=projects),
                distinct=True,
            )
        )
    )


def organisations_there_in_country(code: str) -> QuerySet:
    """Published organisations seated in this country, with `n_projects` (published ones)."""
    return (
        Organisation.objects.published()
        .there()
        .filter(country_id=code)
        .annotate(
            n_projects=Count(
                "participations__project",
                filter=Q(participations__project__status=PUBLISHED),
                distinct=True,
            )
        )
    )


def projects_in_department(code: str) -> QuerySet:
    """Published projects involving this department (see the module's definitions)."""
    places = ProjectPlace.objects.filter(side=PlaceSide.HERE, department_id=code)
    members = Participation.objects.filter(
        **_org("organisation", Side.HERE), organisation__department_id=code
    )
    return Project.objects.published().filter(
        Q(pk__in=places.values("project_id")) | Q(pk__in=members.values("project_id"))
    )


def organisations_abroad_from_department(code: str) -> QuerySet:
    """Published organisations of this department working in at least one country, each with
    `n_projects`, its published projects working abroad."""
    working_abroad = projects_abroad().values("pk")
    declared = CountryLink.objects.exclude(country_id="FR").values("organisation_id")
    taking_part = Participation.objects.filter(project__in=working_abroad).values("organisation_id")
    return (
        Organisation.objects.published()
        .here()
        .filter(department_id=code)
        .filter(Q(pk__in=declared) | Q(pk__in=taking_part))
        .annotate(
            n_projects=Count(
                "participations__project",
                filter=Q(participations__project__in=working_abroad),
                distinct=True,
            )
        )
    )


def with_participants(projects: QuerySet) -> QuerySet:
    """Projects with their published participants and their places, for lists: three queries
    however many projects."""
    # Unpublished participants are dropped in leads_and_partners(): filtering them here would
    # join the organisations into the prefetch and lead SQLite to a slow plan.
    participants = Participation.objects.select_related("organisation", "organisation__country")
    places = ProjectPlace.objects.select_related("commune", "department", "country")
    return projects.prefetch_related(
        Prefetch("participations", queryset=participants, to_attr="public_participations"),
        Prefetch("places", queryset=places, to_attr="place_list"),
    )


def leads_and_partners(project) -> tuple[list, list]:
    """(leads, others) among a project's published participants (needs `with_participants`)."""
    public = [p for p in project.public_participations if p.organisation.status == PUBLISHED]
    leads = [p for p in public if p.role == ParticipationRole.LEAD]
    others = [p for p in public if p.role != ParticipationRole.LEAD]
    return leads, others


# The links here ↔ there of the directory's map.


# An end of a line outside the visible box only gives the line its direction: it is grouped
# into cells this wide (a quarter of the world's width), so that a view of the region draws one
# line per town and partner zone rather than one per town and partner town.
FAR_CELL = 22.5
# Keys of far cells are shifted so that they never meet the keys of near cells.
FAR_KEY = 1_000_000


def _cell(lat: str, lon: str, size: float, bbox=None) -> tuple:
    """Grid cell of an end: square cells in degrees, as the markers' clusters
    (actors.views.map.clusters); FAR_CELL-wide cells for an end outside `bbox`."""
    x, y = Floor(F(lon) / size), Floor(F(lat) / size)
    if not bbox:
        return x, y
    inside = _within(lat, lon, bbox)
    far_x = Floor(F(lon) / FAR_CELL) + FAR_KEY
    far_y = Floor(F(lat) / FAR_CELL) + FAR_KEY
    return (
        Case(When(inside, then=x), default=far_x, output_field=FloatField()),
        Case(When(inside, then=y), default=far_y, output_field=FloatField()),
    )


def _within(lat: str, lon: str, bbox) -> Q:
    west, south, east, north = bbox
    return Q(
        **{f"{lat}__gte": south, f"{lat}__lte": north, f"{lon}__gte": west, f"{lon}__lte": east}
    )


def map_links(projects: QuerySet, cell: float, bbox=None) -> list[list]:
    """Lines between the places here and there of `projects`, grouped into grid cells of
    `cell` degrees at both ends (FAR_CELL for an end outside `bbox`): [[lat here, lon here,
    lat there, lon there, projects], …], busiest first (`busiest_first`).

    A project's ends here are its places here with a point, or failing those the points of its
    published organisations here; the same on the other side. Each project falls in exactly
    one of the four (places or organisations) × (places or organisations) combinations, so four
    grouped queries give the lines and their counts add up without double counting. With
    `bbox`, lines with at least one end in the box (the other may be off screen)."""
    pointed = {"lat__isnull": False, "lon__isnull": False}
    here_points = ProjectPlace.objects.filter(side=PlaceSide.HERE, **pointed).values("project_id")
    there_points = ProjectPlace.objects.filter(side=PlaceSide.THERE, **pointed).values("project_id")
    scope = projects.order_by().values("pk")
    no_here = Project.objects.filter(pk__in=scope).exclude(pk__in=here_points).values("pk")
    no_there = Project.objects.filter(pk__in=scope).exclude(pk__in=there_points).values("pk")
    place_there = {
        "project__places__side": PlaceSide.THERE,
        "project__places__lat__isnull": False,
        "project__places__lon__isnull": False,
    }
    org_there = {
        **_org("project__participations__organisation", Side.THERE),
        "project__participations__organisation__lat__isnull": False,
        "project__participations__organisation__lon__isnull": False,
    }
    org_here = {
        **_org("organisation", Side.HERE),
        "organisation__lat__isnull": False,
        "organisation__lon__isnull": False,
    }
    p_there, o_there = "project__places__", "project__participations__organisation__"
    combos = [
        # (base rows, filters, here prefix, there prefix)
        (ProjectPlace.objects, {"side": PlaceSide.HERE, **pointed, **place_there}, "", p_there),
        (
            ProjectPlace.objects.filter(project__in=no_there),
            {"side": PlaceSide.HERE, **pointed, **org_there},
            "",
            o_there,
        ),
        (
            Participation.objects.filter(project__in=no_here),
            {**org_here, **place_there},
            "organisation__",
            p_there,
        ),
        (
            Participation.objects.filter(project__in=no_here).filter(project__in=no_there),
            {**org_here, **org_there},
            "organisation__",
            o_there,
        ),
    ]
    # Per line, one (sums of the four coordinates in UNITS, joined rows, projects) per
    # combination, in the combinations' order.
    merged: dict[tuple, list[tuple]] = {}
    for base, filters, here, there in combos:
        ends = (f"{here}lat", f"{here}lon", f"{there}lat", f"{there}lon")
        condition = Q(project__in=scope, **filters)
        if bbox:
            condition &= _within(ends[0], ends[1], bbox) | _within(ends[2], ends[3], bbox)
        hx, hy = _cell(ends[0], ends[1], cell, bbox)
        tx, ty = _cell(ends[2], ends[3], cell, bbox)
        sums = {f"s{i}": Sum(in_units(end)) for i, end in enumerate(ends)}
        rows = (
            base.filter(condition)
            .order_by()
            .values(hx=hx, hy=hy, tx=tx, ty=ty)
            # Count("pk"): the joined rows, each end's weight in the mean.
            .annotate(n=Count("project_id", distinct=True), rows=Count("pk"), **sums)
        )
        for row in rows:
            key = (row["hx"], row["hy"], row["tx"], row["ty"])
            part = (tuple(int(row[f"s{i}"]) for i in range(4)), row["rows"], row["n"])
            merged.setdefault(key, []).append(part)
    links = [line(parts) for parts in merged.values()]
    links.sort(key=busiest_first)
    return links


# A line's ends are averaged over coordinates counted in whole ten-millionths of a degree
# (about a centimetre): sums of whole numbers are exact in any order of addition, so the
# database (in whatever order it adds a group's rows) and the columns in memory
# (projects.links) get the same sums, and the same means rounded the same way. With the
# floats' AVG, a mean at a half of the fourth decimal (frequent: places are geocoded to four
# decimals) fell either side by the last bit of a sum.
UNITS = 10_000_000
# Positions sent to the map: four decimals, about ten metres.
DECIMALS = 4


def in_units(column: str) -> Floor:
    """The coordinate `column` as a whole number of 1 / UNITS degree (the nearest; the same
    float operations as projects.links's, on both databases)."""
    return Floor(F(column) * float(UNITS) + 0.5)


def line(parts: list[tuple]) -> list:
    """[lat here, lon here, lat there, lon there, projects] of one line from its parts, one per
    combination of `map_links` it gathers: (sums of the four coordinates in UNITS, joined rows,
    distinct projects). Each combination's mean over its joined rows, weighted by its projects
    (they are distinct across combinations), rounded half to even on the exact fraction."""
    projects = sum(n for _sums, _rows, n in parts)
    common = math.lcm(*(rows for _sums, rows, _n in parts))
    scale = UNITS // 10**DECIMALS
    position = []
    for i in range(4):
        # Σ n·sum/rows ÷ projects, in units of 10⁻⁴ degree: numerator / denominator exactly.
        numerator = sum(n * sums[i] * (common // rows) for sums, rows, n in parts)
        denominator = common * projects * scale
        whole, rest = divmod(numerator, denominator)
        if 2 * rest > denominator or (2 * rest == denominator and whole % 2):
            whole += 1
        position.append(whole / 10**DECIMALS)
    return [*position, projects]


def busiest_first(link: list) -> tuple:
    """Sort key of the map's lines: most projects first, then by position (here, then there),
    so that lines of equal counts come in one order whatever order the database grouped them
    in, and the path in memory (projects.links) gives the same list."""
    return (-link[4], *link[:4])


def link_summary(projects: QuerySet | None = None) -> list[tuple]:
    """The links in words, for those who do not see the map: (department, country, projects)
    for each department here and country there that some project links, busiest first."""
    rows = _projects_by_department_and_country(projects)
    region = settings.PASSERELLES_REGION_CODE
    departments = Department.objects.in_bulk({did for did, _cid, _n in rows})
    countries = Country.objects.in_bulk({cid for _did, cid, _n in rows})
    summary = [(departments[did], countries[cid], n) for did, cid, n in rows]
    # The region's own departments first, then by count.
    summary.sort(key=lambda r: (r[0].region_id != region, -r[2], r[0].code, sort_key(r[1].name)))
    return summary


def projects_involving(organisations: QuerySet | None = None) -> QuerySet:
    """Published projects one of `organisations` takes part in; every published project when
    `organisations` is None (the map without filters also shows projects whose participants
    are not in the directory yet)."""
    projects = Project.objects.published()
    if organisations is None:
        return projects
    taking_part = Participation.objects.filter(
        organisation__in=organisations.order_by().values("pk")
    )
    return projects.filter(pk__in=taking_part.values("project_id"))


def project_localities(code: str) -> list[tuple]:
    """(locality, lat, lon, projects) of the published projects' places in this country."""
    return list(
        ProjectPlace.objects.filter(
            side=PlaceSide.THERE,
            country_id=code,
            project__status=PUBLISHED,
            lat__isnull=False,
            lon__isnull=False,
        )
        .order_by()
        .values_list("locality", "lat", "lon")
        .annotate(n=Count("project_id", distinct=True))
    )
