"""The bridges the network exists to build: partnerships across the ESS / international
solidarity divide and what flows both ways in co-construction spaces."""

from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.cooperation.enums import ContributionKind, Direction
from passerelles.observatory.indicators.common import choice_label, euros
from passerelles.observatory.registry import EUR, LINE, Column, Row, Table, indicator
from passerelles.observatory.scope import Filters, Scope


def crossing_projects(scope) -> dict[int, int]:
    """Published projects (the scope's, without its year) that join an ESS organisation which
    is not an international-solidarity one with an international-solidarity organisation
    which is not an ESS one: project id → the year it started (or was recorded)."""
    ess = Q(organisation__is_ess=True, organisation__is_si=False)
    si = Q(organisation__is_si=True, organisation__is_ess=False)
    rows = scope.participations().filter(ess | si)
    rows = rows.values_list(
        "project_id", "organisation__is_ess", "project__start_date", "project__created_at"
    )
    worlds: dict[int, set] = defaultdict(set)
    years: dict[int, int] = {}
    for project, is_ess, start, created in rows:
        worlds[project].add(is_ess)
        years[project] = start.year if start else timezone.localtime(created).year
    return {project: years[project] for project, kinds in worlds.items() if len(kinds) == 2}


@indicator(
    "crossing_partnerships",
    section="bridges",
    name=_("Partenariats entre ESS et solidarité internationale"),
    formula=_(
        "Par année de début (ou d'enregistrement quand le début n'est pas connu) : nombre de "
        "projets publiés qui réunissent au moins une organisation de l'ESS qui n'est pas de "
        "la solidarité internationale et au moins une organisation de la solidarité "
        "internationale qui n'est pas de l'ESS, et leur cumul. Avec une année choisie, la "
        "série s'arrête à cette année."
    ),
    counts=_("Les participations d'organisations publiées à des projets publiés."),
    leaves_out=_(
        "Les organisations à la fois ESS et SI (elles ne franchissent pas la frontière à elles "
        "seules), les organisations et projets non publiés."
    ),
    chart=LINE,
)
def crossing_partnerships(scope) -> Table:
    # A series over the years: the year filter is where it stops, not a window.
    f = scope.filters
    unbounded = Scope(Filters(department=f.department, country=f.country, theme=f.theme))
    years = list(crossing_projects(unbounded).values())
    if f.year:
        years = [y for y in years if y <= f.year]
    rows = []
    if years:
        total = 0
        for year in range(min(years), (f.year or max(years)) + 1):
            new = years.count(year)
            total += new
            rows.append(Row(str(year), str(year), {"new": new, "cumulative": total}))
    return Table(
        category=_("Année"),
        columns=[Column("new", _("nouveaux partenariats")), Column("cumulative", _("cumul"))],
        rows=rows,
        chart_columns=("cumulative",),
    )


@indicator(
    "reciprocity_flows",
    section="bridges",
    name=_("Réciprocité dans les espaces de co-construction"),
    formula=_(
        "Par nature de contribution (argent, expertise, temps, formation, accueil, matériel, "
        "savoirs) : nombre de contributions d'ici vers là-bas et de là-bas vers ici, et leur "
        "valeur estimée en euros dans chaque sens."
    ),
    counts=_(
        "Les contributions enregistrées dans les espaces de co-construction qui ont rendu "
        "leurs indicateurs publics, sur un projet publié ; avec une année, celles données "
        "cette année-là."
    ),
    leaves_out=_(
        "Les contributions entre membres du même côté, les espaces dont les indicateurs ne "
        "sont pas publics, les projets non publiés."
    ),
    unit=EUR,
)
def reciprocity_flows(scope) -> Table:
    out, back = Q(direction=Direction.HERE_TO_THERE), Q(direction=Direction.THERE_TO_HERE)
    counts = (
        scope.contributions()
        .exclude(direction=Direction.SAME_SIDE)
        .order_by()
        .values_list("kind")
        .annotate(
            out_n=Count("pk", filter=out),
            back_n=Count("pk", filter=back),
            out_eur=Sum("value_eur", filter=out),
            back_eur=Sum("value_eur", filter=back),
        )
    )
    found = {kind: rest for kind, *rest in counts}
    rows = []
    for kind in ContributionKind:
        if kind.value not in found:
            continue
        out_n, back_n, out_eur, back_eur = found[kind.value]
        values = {
            "out": out_n,
            "back": back_n,
            "out_eur": euros(out_eur),
            "back_eur": euros(back_eur),
        }
        rows.append(Row(kind.value, choice_label(ContributionKind, kind.value), values))
    return Table(
        category=_("Nature"),
        columns=[
            Column("out", _("d'ici vers là-bas")),
            Column("back", _("de là-bas vers ici")),
            Column("out_eur", _("valeur d'ici vers là-bas (€)"), EUR),
            Column("back_eur", _("valeur de là-bas vers ici (€)"), EUR),
        ],
        rows=rows,
        chart_columns=("out", "back"),
    )
