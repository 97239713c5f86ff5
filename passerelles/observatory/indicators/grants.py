"""The network's own small grants: how many, and how much, by department here and by the
partner's country there, once a round's results are published."""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from passerelles.actors.models import Organisation
from passerelles.geo.models import Department
from passerelles.grants.models import Application
from passerelles.observatory.indicators.common import euros, ranked
from passerelles.observatory.indicators.links import country_rows
from passerelles.observatory.registry import EUR, Column, Row, Table, indicator


def _columns():
    return [Column("amount", _("montant accordé (€)"), EUR), Column("grants", _("subventions"))]


def granted(scope):
    """Grants of rounds whose results are published, to published organisations, narrowed by
    the filters: the year the results were published, the applicant's department, the
    partner's country."""
    qs = Application.objects.granted().filter(
        round__decided_at__isnull=False, organisation__in=Organisation.objects.published()
    )
    f = scope.filters
    if f.year:
        qs = qs.filter(round__decided_at__year=f.year)
    if f.department:
        qs = qs.filter(organisation__department_id=f.department)
    if f.country:
        qs = qs.filter(partner__country_id=f.country)
    return qs


@indicator(
    "small_grants",
    section="funding",
    name=_("Petites subventions accordées"),
    formula=_(
        "Nombre de petites subventions accordées par le réseau et somme des montants "
        "accordés, par département de l'organisation lauréate (ici) et par pays de son "
        "partenaire (là-bas)."
    ),
    counts=_(
        "Les candidatures retenues des appels du réseau dont les résultats sont publiés, "
        "déposées par des organisations publiées ; avec une année, les résultats publiés "
        "cette année-là. Une subvention compte une fois dans son département et une fois "
        "dans le pays de son partenaire."
    ),
    leaves_out=_(
        "Les candidatures non retenues, les décisions non encore publiées, les appels "
        "d'autres financeurs ; le filtre thème ne s'applique pas."
    ),
    unit=EUR,
    filters=("year", "department", "country"),
)
def small_grants(scope) -> Table:
    rows_here: dict[str, dict] = defaultdict(lambda: {"amount": Decimal(0), "grants": 0})
    rows_there: dict[str, dict] = defaultdict(lambda: {"amount": Decimal(0), "grants": 0})
    values = granted(scope).values_list(
        "organisation__department_id", "partner__country_id", "amount_granted"
    )
    for department, country, amount in values:
        for table, key in ((rows_here, department), (rows_there, country)):
            if key:
                table[key]["grants"] += 1
                table[key]["amount"] += amount or 0
    columns = _columns()
    names = {d.code: str(d) for d in Department.objects.filter(code__in=rows_here)}
    rows = [
        Row(code, names.get(code, code), {"amount": euros(m["amount"]), "grants": m["grants"]})
        for code, m in rows_here.items()
    ]
    there = {
        c: {"amount": euros(m["amount"]), "grants": m["grants"]} for c, m in rows_there.items()
    }
    rows += country_rows(there, columns)
    return Table(category=_("Département ou pays"), columns=columns, rows=ranked(rows, "amount"))
