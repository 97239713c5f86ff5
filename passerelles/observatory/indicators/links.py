"""Here and there: the partner countries and the links between organisations of both sides."""

from collections import defaultdict

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Side
from passerelles.actors.models import Organisation
from passerelles.geo.models import Country
from passerelles.observatory.indicators.common import bilingual, ranked
from passerelles.observatory.registry import BAR, COUNTRIES_MAP, Column, Row, Table, indicator
from passerelles.projects.enums import PlaceSide
from passerelles.projects.models import ProjectPlace


def country_rows(values: dict[str, dict], columns) -> list[Row]:
    """Rows for the countries present in `values` (code → measures), named in the page's
    language, in one query."""
    names = Country.objects.filter(code__in=values).values_list("code", "name_fr", "name_en")
    label = {code: bilingual(fr, en) for code, fr, en in names}
    return [
        Row(code, label.get(code, code), {c.key: measures.get(c.key, 0) for c in columns})
        for code, measures in values.items()
    ]


@indicator(
    "partner_countries",
    section="links",
    name=_("Pays partenaires"),
    formula=_(
        "Pour chaque pays étranger : le nombre de projets publiés qui y ont un lieu, "
        "d'organisations publiées qui y ont leur siège (partenaires de là-bas) et "
        "d'organisations publiées d'ici qui déclarent y agir."
    ),
    counts=_(
        "Les projets et organisations publiés ; un projet présent dans deux pays compte dans "
        "chacun, donc la somme de la colonne dépasse le nombre de projets."
    ),
    leaves_out=_("La France (c'est « ici ») et les fiches non publiées."),
    chart=COUNTRIES_MAP,
)
def partner_countries(scope) -> Table:
    columns = [
        Column("projects", _("projets")),
        Column("seated", _("organisations de là-bas")),
        Column("acting", _("organisations d'ici qui y agissent")),
    ]
    values: dict[str, dict] = defaultdict(dict)
    places = (
        ProjectPlace.objects.filter(side=PlaceSide.THERE, project__in=scope.project_ids())
        .exclude(country_id="FR")
        .order_by()
        .values_list("country_id")
        .annotate(n=Count("project_id", distinct=True))
    )
    for code, n in places:
        values[code]["projects"] = n
    orgs = scope.organisations()
    seated = (
        orgs.filter(side=Side.THERE).order_by().values_list("country_id").annotate(n=Count("pk"))
    )
    for code, n in seated:
        values[code]["seated"] = n
    acting = (
        Organisation.countries_of_action.through.objects.filter(
            organisation__in=orgs.filter(side=Side.HERE).values("pk")
        )
        .exclude(country_id="FR")
        .order_by()
        .values_list("country_id")
        .annotate(n=Count("organisation_id", distinct=True))
    )
    for code, n in acting:
        values[code]["acting"] = n
    if scope.filters.country:
        values = {k: v for k, v in values.items() if k == scope.filters.country}
    return Table(
        category=_("Pays"), columns=columns, rows=ranked(country_rows(values, columns), "projects")
    )


@indicator(
    "links_here_there",
    section="links",
    name=_("Liens ici ↔ là-bas"),
    formula=_(
        "Pour chaque pays de là-bas : le nombre de paires distinctes (organisation d'ici, "
        "organisation de ce pays) qui participent ensemble à au moins un projet publié, et le "
        "nombre de ces projets."
    ),
    counts=_(
        "Les participations (porteur, partenaire, financeur, expert…) d'organisations "
        "publiées à des projets publiés."
    ),
    leaves_out=_(
        "Les paires d'organisations du même côté, les organisations non publiées et les "
        "projets non publiés."
    ),
    chart=BAR,
)
def links_here_there(scope) -> Table:
    columns = [Column("pairs", _("paires d'organisations")), Column("projects", _("projets"))]
    rows = scope.participations().values_list(
        "project_id", "organisation_id", "organisation__side", "organisation__country_id"
    )
    by_project: dict[int, tuple[set, set]] = defaultdict(lambda: (set(), set()))
    for project_id, org_id, side, country in rows:
        here, there = by_project[project_id]
        (here if side == Side.HERE else there).add((org_id, country))
    pairs: dict[str, set] = defaultdict(set)
    projects: dict[str, set] = defaultdict(set)
    for project_id, (here, there) in by_project.items():
        for there_id, country in there:
            for here_id, _country in here:
                pairs[country].add((here_id, there_id))
                projects[country].add(project_id)
    values = {code: {"pairs": len(pairs[code]), "projects": len(projects[code])} for code in pairs}
    return Table(
        category=_("Pays de là-bas"),
        columns=columns,
        rows=ranked(country_rows(values, columns), "pairs"),
    )
