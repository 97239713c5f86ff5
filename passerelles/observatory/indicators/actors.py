"""Who the actors are: family, side, department, ESS and international solidarity."""

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Family, Side
from passerelles.geo.models import Department
from passerelles.observatory.indicators.common import choice_label, ranked
from passerelles.observatory.registry import DEPARTMENTS_MAP, Column, Row, Table, indicator

PUBLISHED = _("Seules les organisations publiées de l'annuaire comptent.")


@indicator(
    "actors_by_family",
    section="actors",
    name=_("Acteurs par famille"),
    formula=_(
        "Nombre d'organisations publiées de chaque famille d'acteurs, ici (siège dans la "
        "région ou en France) et là-bas (siège à l'étranger)."
    ),
    counts=PUBLISHED,
    leaves_out=_("Les brouillons, les fiches en attente de modération et les fiches archivées."),
)
def actors_by_family(scope) -> Table:
    here, there = Q(side=Side.HERE), Q(side=Side.THERE)
    counts = (
        scope.organisations()
        .order_by()
        .values("family")
        .annotate(total=Count("pk"), here=Count("pk", filter=here), there=Count("pk", filter=there))
    )
    rows = [
        Row(
            c["family"],
            choice_label(Family, c["family"]),
            {k: c[k] for k in ("here", "there", "total")},
        )
        for c in counts
    ]
    return Table(
        category=_("Famille"),
        columns=[
            Column("total", _("organisations")),
            Column("here", _("ici")),
            Column("there", _("là-bas")),
        ],
        rows=ranked(rows, "total"),
    )


@indicator(
    "actors_by_side",
    section="actors",
    name=_("Acteurs ici et là-bas"),
    formula=_(
        "Nombre d'organisations publiées dont le siège est ici (en France) et là-bas "
        "(à l'étranger) ; le côté vient du pays du siège, jamais de la famille."
    ),
    counts=PUBLISHED,
    leaves_out=_("Les brouillons, les fiches en attente de modération et les fiches archivées."),
)
def actors_by_side(scope) -> Table:
    counts = scope.organisations().aggregate(
        here=Count("pk", filter=Q(side=Side.HERE)), there=Count("pk", filter=Q(side=Side.THERE))
    )
    rows = [Row(side.value, str(side.label), {"total": counts[side.value]}) for side in Side]
    return Table(category=_("Côté"), columns=[Column("total", _("organisations"))], rows=rows)


@indicator(
    "actors_by_department",
    section="actors",
    name=_("Acteurs par département de la région"),
    formula=_(
        "Nombre d'organisations publiées dont le siège est dans chaque département de la "
        "région ; celles d'autres départements français sont comptées ensemble."
    ),
    counts=PUBLISHED,
    leaves_out=_(
        "Les organisations de là-bas (siège à l'étranger) et celles dont la commune n'est pas "
        "connue ; les fiches non publiées."
    ),
    chart=DEPARTMENTS_MAP,
)
def actors_by_department(scope) -> Table:
    counts = dict(
        scope.organisations()
        .filter(side=Side.HERE, department__isnull=False)
        .order_by()
        .values_list("department_id")
        .annotate(n=Count("pk"))
    )
    region = Department.objects.filter(region_id=settings.PASSERELLES_REGION_CODE)
    rows = [Row(d.code, str(d), {"total": counts.pop(d.code, 0)}) for d in region]
    if counts:
        rows.append(Row("other", str(_("autres départements")), {"total": sum(counts.values())}))
    return Table(
        category=_("Département"), columns=[Column("total", _("organisations"))], rows=rows
    )


@indicator(
    "actors_ess_si",
    section="actors",
    name=_("Acteurs de l'ESS et de la solidarité internationale"),
    formula=_(
        "Nombre d'organisations publiées selon qu'elles relèvent de l'économie sociale et "
        "solidaire (ESS, déclarée ou par leur forme juridique), de la solidarité "
        "internationale (SI), des deux, ou d'aucune des deux."
    ),
    counts=PUBLISHED,
    leaves_out=_("Les brouillons, les fiches en attente de modération et les fiches archivées."),
)
def actors_ess_si(scope) -> Table:
    ess, si = Q(is_ess=True), Q(is_si=True)
    counts = scope.organisations().aggregate(
        both=Count("pk", filter=ess & si),
        ess_only=Count("pk", filter=ess & ~si),
        si_only=Count("pk", filter=si & ~ess),
        neither=Count("pk", filter=~ess & ~si),
    )
    labels = {
        "both": _("ESS et solidarité internationale"),
        "ess_only": _("ESS seulement"),
        "si_only": _("solidarité internationale seulement"),
        "neither": _("ni l'une ni l'autre"),
    }
    rows = [Row(code, str(label), {"total": counts[code]}) for code, label in labels.items()]
    return Table(category=_("Monde"), columns=[Column("total", _("organisations"))], rows=rows)
