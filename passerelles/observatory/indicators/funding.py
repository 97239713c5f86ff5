"""Who funds, and where the money goes: funding lines by funder type and by country."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Family
from passerelles.observatory.indicators.common import choice_label, euros, ranked
from passerelles.observatory.indicators.links import country_rows
from passerelles.observatory.registry import COUNTRIES_MAP, EUR, Column, Row, Table, indicator
from passerelles.projects.enums import PlaceSide
from passerelles.projects.models import ProjectPlace

COUNTS = _(
    "Les lignes de financement des projets publiés ; avec une année choisie, les lignes de "
    "cette année-là seulement. Les montants additionnent les lignes en euros."
)
LEAVES_OUT = _(
    "Les montants dans une autre devise que l'euro (leurs lignes sont comptées, pas leurs "
    "montants), les lignes sans année quand une année est choisie, les projets non publiés."
)


def _columns():
    return [
        Column("amount", _("montant (€)"), EUR),
        Column("lines", _("lignes de financement")),
        Column("projects", _("projets")),
    ]


@indicator(
    "funding_by_funder_type",
    section="funding",
    name=_("Financements par type de financeur"),
    formula=_(
        "Somme des montants en euros, nombre de lignes de financement et nombre de projets "
        "financés, par famille du financeur quand il est dans l'annuaire ; les financeurs "
        "nommés hors annuaire (un ministère, l'Union européenne) sont comptés ensemble."
    ),
    counts=COUNTS,
    leaves_out=LEAVES_OUT,
    unit=EUR,
)
def funding_by_funder_type(scope) -> Table:
    eur = Q(currency="EUR")
    counts = (
        scope.funding_lines()
        .order_by()
        .values_list("funder__family")
        .annotate(
            amount=Sum("amount", filter=eur),
            lines=Count("pk"),
            projects=Count("project_id", distinct=True),
        )
    )
    rows = []
    for family, amount, lines, projects in counts:
        label = choice_label(Family, family) if family else str(_("financeur hors annuaire"))
        values = {"amount": euros(amount), "lines": lines, "projects": projects}
        rows.append(Row(family or "outside", label, values))
    return Table(category=_("Type de financeur"), columns=_columns(), rows=ranked(rows, "amount"))


@indicator(
    "funding_by_country",
    section="funding",
    name=_("Financements par pays"),
    formula=_(
        "Pour chaque pays de là-bas : somme des montants en euros, nombre de lignes de "
        "financement et nombre de projets publiés ayant un lieu dans ce pays."
    ),
    counts=_(
        "Les lignes de financement des projets publiés ayant un lieu là-bas ; un projet "
        "présent dans deux pays compte en entier dans chacun (les montants ne sont pas "
        "répartis), donc la somme de la colonne peut dépasser le total financé."
    ),
    leaves_out=LEAVES_OUT,
    unit=EUR,
    chart=COUNTRIES_MAP,
)
def funding_by_country(scope) -> Table:
    lines = list(scope.funding_lines().values_list("project_id", "amount", "currency"))
    countries: dict[int, set] = defaultdict(set)
    places = ProjectPlace.objects.filter(
        side=PlaceSide.THERE, project__in=scope.project_ids()
    ).values_list("project_id", "country_id")
    for project, country in places:
        countries[project].add(country)
    values: dict[str, dict] = defaultdict(
        lambda: {"amount": Decimal(0), "lines": 0, "projects": set()}
    )
    for project, amount, currency in lines:
        for country in countries[project]:
            measures = values[country]
            measures["lines"] += 1
            measures["projects"].add(project)
            if currency == "EUR":
                measures["amount"] += amount
    for measures in values.values():
        measures["projects"] = len(measures["projects"])
        measures["amount"] = euros(measures["amount"])
    columns = _columns()
    return Table(
        category=_("Pays"), columns=columns, rows=ranked(country_rows(values, columns), "amount")
    )
