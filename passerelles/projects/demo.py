"""Demo projects, built after the demo organisations (passerelles/core/demo.py contract):
`build_demo(seed=, size=, progress=)` replaces the previous demo projects (source "demo") and
returns counts with a translated "summary".

About one project per four published organisations (capped for the 100,000-organisation
benchmark size), each led by an organisation here with one to three partners there in the
project's country, chosen by affinity (shared themes, the lead's countries of action) with some
noise, and sometimes a partner here of another family. Themes follow the participants, places
follow their communes and localities, funding lines come from plausible funders. Rows are
prepared in Python and written through the projects' bulk action (passerelles.projects.
actions.bulk_create_projects); the search index is rebuilt once at the end.
Deterministic: the same seed and the same organisations give the same projects."""

import random
import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from passerelles.actors.demo.countries import BY_CODE
from passerelles.actors.demo.texts import contract
from passerelles.actors.demo.themes import FAMILY_THEMES, THEMES
from passerelles.actors.enums import Family, Status
from passerelles.actors.models import Organisation
from passerelles.core import indexing
from passerelles.core.history import ChangeSource, Origin
from passerelles.projects import actions, demo_data
from passerelles.projects.enums import Instrument, ParticipationRole, PlaceSide, ProjectStatus
from passerelles.projects.models import Participation, Project
from passerelles.vocab.models import DacSector, SdgTarget, Theme

SOURCE = "demo"
DEMO_ORIGIN = Origin(None, ChangeSource.DEMO, "Démonstration")
ORGS_PER_PROJECT = 4
# The benchmarks' national size: 100,000 organisations and 20,000 projects (issues 16 and 19).
MAX_PROJECTS = 20_000
BATCH = 2000
# Families that lead projects, with weights (associations and local authorities first).
LEAD_FAMILIES = {
    Family.SI_ASSOCIATION: 10,
    Family.DIASPORA: 6,
    Family.LOCAL_AUTHORITY: 6,
    Family.SCHOOL: 2,
    Family.UNIVERSITY: 2,
    Family.HEALTH: 2,
    Family.PEASANT_ORG: 2,
    Family.ESS_ENTERPRISE: 2,
    Family.CITIZEN_GROUP: 1,
    Family.NETWORK: 1,
}
# Partners here of another family that join some projects (the network's "multi-actor" mix).
OTHER_HERE = (Family.ESS_ENTERPRISE, Family.SCHOOL, Family.LOCAL_AUTHORITY, Family.UNIVERSITY)
PROGRESS = (
    (ProjectStatus.RUNNING, 45),
    (ProjectStatus.COMPLETED, 25),
    (ProjectStatus.CO_CONSTRUCTION, 15),
    (ProjectStatus.IDEA, 10),
    (ProjectStatus.CANCELLED, 5),
)


class _Org:
    """What the builder needs of an organisation, read with values_list (no model instances)."""

    __slots__ = (
        "pk",
        "name",
        "family",
        "commune",
        "commune_name",
        "department",
        "country",
        "locality",
        "lat",
        "lon",
        "themes",
        "countries",
    )

    def __init__(self, row):
        (
            self.pk,
            self.name,
            self.family,
            self.commune,
            self.commune_name,
            self.department,
            self.country,
            self.locality,
            self.lat,
            self.lon,
        ) = row
        self.themes: list[int] = []
        self.countries: list[str] = []


def _load_organisations():
    rows = (
        Organisation.objects.published()
        .order_by("pk")
        .values_list(
            "pk",
            "name",
            "family",
            "commune_id",
            "commune__name",
            "department_id",
            "country_id",
            "locality",
            "lat",
            "lon",
        )
    )
    orgs = {row[0]: _Org(row) for row in rows}
    links = Organisation.themes.through.objects.filter(organisation__status=Status.PUBLISHED)
    for org_id, theme_id in links.order_by("organisation_id", "theme_id").values_list(
        "organisation_id", "theme_id"
    ):
        orgs[org_id].themes.append(theme_id)
    countries = Organisation.countries_of_action.through.objects.filter(
        organisation__status=Status.PUBLISHED
    )
    for org_id, code in countries.order_by("organisation_id", "country_id").values_list(
        "organisation_id", "country_id"
    ):
        orgs[org_id].countries.append(code)
    return list(orgs.values())


def _clear(report) -> int:
    qs = Project.objects.filter(source=SOURCE)
    count = qs.count()
    if count:
        report("projects:clear", 0, count)
        # Participations go first in one statement, bypassing per-row signals like every bulk
        # writer here: other apps' handlers (suggestion profiles) would otherwise run once per
        # participation, minutes at the benchmark size; their own demo rebuilds after ours.
        # Nothing refers to a participation, so no foreign key is left dangling.
        table = connection.ops.quote_name(Participation._meta.db_table)
        projects = connection.ops.quote_name(Project._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE project_id IN "
                f"(SELECT id FROM {projects} WHERE source = %s)",
                [SOURCE],
            )
        qs.delete()
        report("projects:clear", count, count)
    return count


class _Builder:
    def __init__(self, rng: random.Random, orgs: list[_Org], today: date):
        self.rng = rng
        self.today = today
        self.here = [o for o in orgs if o.country == "FR" and o.commune]
        self.abroad_by_country: dict[str, list[_Org]] = defaultdict(list)
        for o in orgs:
            if o.country != "FR":
                self.abroad_by_country[o.country].append(o)
        self.countries = sorted(self.abroad_by_country)
        self.here_by_family: dict[str, list[_Org]] = defaultdict(list)
        for o in self.here:
            self.here_by_family[o.family].append(o)
        self.leads = [o for o in self.here if o.family in LEAD_FAMILIES]
        self.lead_weights = [LEAD_FAMILIES[o.family] for o in self.leads]
        themes = Theme.objects.values_list("pk", "slug")
        self.theme_slug = dict(themes)
        self.theme_id = {slug: pk for pk, slug in self.theme_slug.items()}
        self.targets_of_goal: dict[int, list[str]] = defaultdict(list)
        for code, goal in SdgTarget.objects.order_by("code").values_list("code", "goal_id"):
            self.targets_of_goal[goal].append(code)
        self.dac = set(DacSector.objects.values_list("code", flat=True))
        self.slugs = set(Project.objects.values_list("slug", flat=True))

    # -- choices --------------------------------------------------------------------------

    def pick_partners(self, lead: _Org, country: str, themes: set[int]) -> list[_Org]:
        pool = self.abroad_by_country[country]
        sample = pool if len(pool) <= 40 else self.rng.sample(pool, 40)
        # Affinity: shared themes weigh most; noise keeps unlikely pairs possible.
        scored = sorted(
            sample,
            key=lambda o: -(2 * len(themes & set(o.themes)) + 3 * self.rng.random()),
        )
        count = self.rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
        return scored[: min(count, len(scored))]

    def pick_country(self, lead: _Org) -> str:
        known = [c for c in lead.countries if c in self.abroad_by_country]
        if known and self.rng.random() < 0.85:
            return self.rng.choice(known)
        weights = [BY_CODE[c].weight if c in BY_CODE else 1 for c in self.countries]
        return self.rng.choices(self.countries, weights=weights)[0]

    def pick_other_here(self, lead: _Org, themes: set[int]) -> _Org | None:
        families = [f for f in OTHER_HERE if f != lead.family and self.here_by_family.get(f)]
        if not families:
            return None
        pool = self.here_by_family[self.rng.choice(families)]
        sample = pool if len(pool) <= 20 else self.rng.sample(pool, 20)
        # Prefer a neighbour (same department) sharing a theme.
        return max(
            sample,
            key=lambda o: (
                len(themes & set(o.themes)) + (o.department == lead.department) + self.rng.random()
            ),
        )

    def project_themes(self, lead: _Org, partners: list[_Org]) -> list[int]:
        common = sorted(set(lead.themes) & {t for p in partners for t in p.themes})
        base = common or sorted(lead.themes)
        if not base:
            family_themes = FAMILY_THEMES.get(lead.family, ("ecsi",))
            base = [self.theme_id[s] for s in family_themes[:2] if s in self.theme_id]
        count = min(len(base), self.rng.choice((1, 1, 2, 2, 3)))
        return self.rng.sample(base, count) if base else []

    def dates(self, progress: str) -> tuple[date | None, date | None]:
        year = self.today.year
        if progress == ProjectStatus.IDEA:
            return None, None
        if progress == ProjectStatus.CO_CONSTRUCTION:
            start = date(year + self.rng.choice((0, 1)), self.rng.randint(1, 12), 1)
            return (start, None) if self.rng.random() < 0.5 else (None, None)
        if progress == ProjectStatus.COMPLETED:
            start = date(self.rng.randint(year - 10, year - 3), self.rng.randint(1, 12), 1)
            end = start + timedelta(days=365 * self.rng.randint(1, 3))
            return start, min(end, self.today - timedelta(days=30))
        start = date(self.rng.randint(year - 3, year), self.rng.randint(1, 12), 1)
        if start > self.today:
            start = date(year, 1, 1)
        return start, start + timedelta(days=365 * self.rng.randint(1, 4))

    def unique_slug(self, title: str) -> str:
        base = slugify(title)[:200] or "projet"
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug

    # -- one project ----------------------------------------------------------------------

    def project(self, i: int, lead: _Org | None = None):
        rng = self.rng
        lead = lead or rng.choices(self.leads, weights=self.lead_weights)[0]
        country = self.pick_country(lead)
        partners = self.pick_partners(lead, country, set(lead.themes))
        others = []
        if rng.random() < 0.3:
            other = self.pick_other_here(lead, set(lead.themes))
            if other is not None and other.pk != lead.pk:
                others.append(other)
        themes = self.project_themes(lead, partners)
        slugs = [self.theme_slug[t] for t in themes]
        main = THEMES.get(slugs[0]) if slugs else None
        action = rng.choice(main["actions"]) if main else "la coopération entre nos territoires"
        place_there = partners[0] if partners else None
        locality = place_there.locality if place_there and place_there.locality else ""
        info = BY_CODE.get(country)
        if not locality and info:
            locality = rng.choice(info.localities)
        words = {
            "Action": _strip_article(action)[:1].upper() + _strip_article(action)[1:],
            "action": action,
            "locality": locality or (info.name if info else country),
            "country": info.name if info else country,
            "here": lead.commune_name or "",
            "lead": lead.name,
            "partner": partners[0].name if partners else (info.name if info else country),
        }
        title = contract(rng.choice(demo_data.TITLE_PATTERNS).format(**words))[:240]
        progress = rng.choices([p for p, _w in PROGRESS], weights=[w for _p, w in PROGRESS])[0]
        start, end = self.dates(progress)
        roll = rng.random()
        status = (
            Status.PUBLISHED if roll < 0.93 else (Status.DRAFT if roll < 0.97 else Status.ARCHIVED)
        )
        project = Project(
            title=title,
            slug=self.unique_slug(title),
            summary=contract(rng.choice(demo_data.SUMMARIES).format(**words))[:400],
            description=contract(rng.choice(demo_data.DESCRIPTIONS).format(**words)),
            project_status=progress,
            start_date=start,
            end_date=end,
            status=status,
            source=SOURCE,
            source_id=f"demo--projet-{i + 1}",
        )
        participants = [(lead.pk, ParticipationRole.LEAD)]
        participants += [(p.pk, ParticipationRole.PARTNER_THERE) for p in partners]
        for other in others:
            role = (
                ParticipationRole.EXPERT
                if other.family == Family.UNIVERSITY
                else (ParticipationRole.PARTNER_HERE)
            )
            participants.append((other.pk, role))
        # The lead's point (its address, or its commune's town hall) stands for the place here.
        places = [(PlaceSide.HERE, lead.commune, lead.department, None, "", lead.lat, lead.lon)]
        seen_there = set()
        for p in partners or [None]:
            loc = p.locality if p else locality
            if (country, loc) in seen_there:
                continue
            seen_there.add((country, loc))
            point = (p.lat, p.lon) if p else (None, None)
            places.append((PlaceSide.THERE, None, None, country, loc, *point))
        goals = [g for s in slugs for g in THEMES.get(s, {}).get("sdgs", ())[:1]]
        targets = []
        for goal in goals:
            options = self.targets_of_goal.get(goal, [])
            targets += rng.sample(options, min(len(options), rng.choice((1, 2))))
        dac = []
        for s in slugs[:2]:
            codes = [c for c in demo_data.THEME_DAC.get(s, ()) if c in self.dac]
            if codes:
                dac.append(rng.choice(codes))
        funding = self.funding(lead, slugs, start)
        return (
            project,
            participants,
            places,
            themes,
            sorted(set(targets)),
            sorted(set(dac)),
            funding,
        )

    def funding(self, lead: _Org, slugs: list[str], start: date | None) -> list[tuple]:
        rng = self.rng
        year = start.year if start else None
        # The lead's own funds: a funder from the directory, named as save() would name it.
        own = Decimal(rng.randint(5, 80) * 100)
        lines = [(lead.pk, lead.name, Instrument.OWN_FUNDS, own, year)]
        large = rng.random() < 0.15
        for name, instrument, low, high, kind in demo_data.FUNDERS:
            if kind == "large" and not large:
                continue
            if kind == "local_authority" and lead.family != Family.LOCAL_AUTHORITY:
                continue
            if kind not in ("any", "large", "local_authority") and kind not in slugs:
                continue
            if rng.random() < (0.6 if kind != "any" else 0.3):
                amount = Decimal(round(rng.uniform(low, high), -2))
                lines.append((None, name, instrument, amount, year))
        return lines[:4]


def _strip_article(text: str) -> str:
    """A title's head without its articles: "le maraîchage biologique et les circuits courts"
    → "maraîchage biologique et circuits courts" (both halves, or the title limps)."""
    for article in ("la ", "le ", "les ", "l'", "l’", "un ", "une ", "des "):
        if text.lower().startswith(article):
            text = text[len(article) :]
            break
    return re.sub(r"\b(et|ou) (?:la |le |les |l'|l’)", r"\1 ", text)


def build_demo(*, seed: int = 42, size: int | None = None, progress=None) -> dict:
    report = progress or (lambda step, done, total: None)
    rng = random.Random(f"projects-{seed}")
    today = date.today()
    with transaction.atomic():
        removed = _clear(report)
        orgs = _load_organisations()
        builder = _Builder(rng, orgs, today)
        if not builder.leads or not builder.countries:
            return {"projects": 0, "removed": removed, "summary": ""}
        total = min(MAX_PROJECTS, max(1, len(orgs) // ORGS_PER_PROJECT))
        # The demo member's organisation leads the first project, so its account has
        # something to edit (passerelles.actors.demo.DEMO_USERS).
        member_orgs = list(
            Organisation.objects.filter(
                memberships__user__email="membre@passerelles.example",
                status=Status.PUBLISHED,
            ).values_list("pk", flat=True)
        )
        by_pk = {o.pk: o for o in builder.leads}
        rows = []
        for i in range(total):
            first = by_pk.get(member_orgs[0]) if (i == 0 and member_orgs) else None
            rows.append(builder.project(i, first))
            if (i + 1) % 1000 == 0:
                report("projects:prepare", i + 1, total)
        report("projects:prepare", total, total)
        projects = []
        # Through the projects' door like every project (derivations, one history record
        # each, source "demo"), a batch at a time; the search index is rebuilt once at the
        # end rather than batch by batch (measured in docs/benchmarks.md).
        with indexing.deferred_indexing():
            for start in range(0, total, BATCH):
                batch = [_data(row) for row in rows[start : start + BATCH]]
                projects += actions.bulk_create_projects(batch, origin=DEMO_ORIGIN, geocode=False)
                report("projects:write", min(start + BATCH, total), total)
            indexing.discard()
        counts = _counts(rows)
    indexed = _rebuild_index(report)
    published = sum(p.status == Status.PUBLISHED for p in projects)
    countries = len({place[3] for r in rows for place in r[2] if place[0] == PlaceSide.THERE})
    return {
        "projects": total,
        "published": published,
        "countries": countries,
        "removed": removed,
        "indexed": indexed,
        **counts,
        "summary": _(
            "%(projects)s projets de démonstration (%(published)s publiés) reliant des acteurs "
            "d'ici à %(partners)s participations de partenaires là-bas dans %(countries)s pays."
        )
        % {
            "projects": total,
            "published": published,
            "partners": counts["partners_there"],
            "countries": countries,
        },
    }


def _data(row) -> dict:
    """A prepared project as the actions take it."""
    project, participants, places, themes, targets, dac, lines = row
    data = {name: getattr(project, name) for name in _FIELDS}
    data["status"] = project.status
    data["participations"] = [{"organisation": org, "role": role} for org, role in participants]
    data["places"] = [
        dict(
            zip(
                ("side", "commune", "department", "country", "locality", "lat", "lon"),
                place,
                strict=True,
            )
        )
        for place in places
    ]
    data["funding_lines"] = [
        {
            "funder": funder,
            # A funder from the directory is named as FundingLine.derive() would name it.
            "funder_name": name[:200],
            "amount": amount,
            "year": year,
            "instrument": instrument,
        }
        for funder, name, instrument, amount, year in lines
    ]
    data.update(themes=themes, sdg_targets=targets, dac_sectors=dac)
    return data


_FIELDS = (
    "title",
    "slug",
    "summary",
    "description",
    "project_status",
    "start_date",
    "end_date",
    "source",
    "source_id",
)


def _counts(rows) -> dict:
    participations = [p for row in rows for p in row[1]]
    return {
        "participations": len(participations),
        "partners_there": sum(
            1 for _o, role in participations if role == ParticipationRole.PARTNER_THERE
        ),
        "places": sum(len(row[2]) for row in rows),
        "funding_lines": sum(len(row[6]) for row in rows),
    }


def _rebuild_index(report) -> int:
    from passerelles.projects.search import rebuild_index

    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # Deferred foreign-key checks from the deletions would stop TRUNCATE: run them now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return rebuild_index(progress=lambda done, total: report("projects:index", done, total))
