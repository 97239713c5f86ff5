"""What the projects are about: country, theme, SDG, DAC sector, status and size."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from passerelles.observatory.indicators.common import bilingual, ranked
from passerelles.observatory.indicators.links import country_rows
from passerelles.observatory.registry import COUNTRIES_MAP, Column, Row, Table, indicator
from passerelles.projects.enums import PlaceSide, ProjectStatus
from passerelles.projects.models import Project, ProjectPlace
from passerelles.vocab.models import DacCategory

PUBLISHED = _(
    "Seuls les projets publiés comptent ; un projet qui porte plusieurs valeurs compte une "
    "fois dans chacune, donc la somme de la colonne peut dépasser le nombre de projets."
)
UNPUBLISHED = _("Les projets non publiés (brouillons, en attente, archivés).")


def _projects_column():
    return [Column("projects", _("projets"))]


@indicator(
    "projects_by_country",
    section="projects",
    name=_("Projets par pays"),
    formula=_("Nombre de projets publiés ayant au moins un lieu là-bas dans chaque pays."),
    counts=PUBLISHED,
    leaves_out=_("Les lieux ici (en France) et les projets non publiés."),
    chart=COUNTRIES_MAP,
)
def projects_by_country(scope) -> Table:
    counts = (
        ProjectPlace.objects.filter(side=PlaceSide.THERE, project__in=scope.project_ids())
        .order_by()
        .values_list("country_id")
        .annotate(n=Count("project_id", distinct=True))
    )
    values = {code: {"projects": n} for code, n in counts}
    columns = _projects_column()
    return Table(
        category=_("Pays"), columns=columns, rows=ranked(country_rows(values, columns), "projects")
    )


def _through_counts(through, key: str, fr: str, en: str, ids) -> list[Row]:
    counts = (
        through.objects.filter(project_id__in=ids)
        .order_by()
        .values_list(key, fr, en)
        .annotate(n=Count("project_id", distinct=True))
    )
    return [Row(str(code), bilingual(f, e), {"projects": n}) for code, f, e, n in counts]


@indicator(
    "projects_by_theme",
    section="projects",
    name=_("Projets par thème"),
    formula=_("Nombre de projets publiés portant chaque thème."),
    counts=PUBLISHED,
    leaves_out=UNPUBLISHED,
)
def projects_by_theme(scope) -> Table:
    # The theme's slug is its stable code (the filter's value), not its database id.
    rows = _through_counts(
        Project.themes.through,
        "theme__slug",
        "theme__name_fr",
        "theme__name_en",
        scope.project_ids(),
    )
    return Table(category=_("Thème"), columns=_projects_column(), rows=ranked(rows, "projects"))


@indicator(
    "projects_by_sdg",
    section="projects",
    name=_("Projets par objectif de développement durable"),
    formula=_(
        "Nombre de projets publiés visant au moins une cible de chaque objectif de "
        "développement durable (ODD)."
    ),
    counts=PUBLISHED,
    leaves_out=UNPUBLISHED,
)
def projects_by_sdg(scope) -> Table:
    rows = _through_counts(
        Project.sdg_targets.through,
        "sdgtarget__goal_id",
        "sdgtarget__goal__name_fr",
        "sdgtarget__goal__name_en",
        scope.project_ids(),
    )
    for row in rows:
        row.label = f"{row.code}. {row.label}"
    return Table(category=_("ODD"), columns=_projects_column(), rows=ranked(rows, "projects"))


@indicator(
    "projects_by_dac",
    section="projects",
    name=_("Projets par secteur CAD"),
    formula=_(
        "Nombre de projets publiés dans chaque catégorie de secteurs du Comité d'aide au "
        "développement de l'OCDE (CAD, 3 chiffres), qu'ils donnent un secteur (5 chiffres) de "
        "la catégorie ou la catégorie seule."
    ),
    counts=PUBLISHED,
    leaves_out=UNPUBLISHED,
)
def projects_by_dac(scope) -> Table:
    ids = scope.project_ids()
    pairs = set(
        Project.dac_sectors.through.objects.filter(project_id__in=ids).values_list(
            "project_id", "dacsector__category_id"
        )
    )
    pairs |= set(
        Project.dac_categories.through.objects.filter(project_id__in=ids).values_list(
            "project_id", "daccategory_id"
        )
    )
    counts: dict[str, int] = defaultdict(int)
    for _project, category in pairs:
        counts[category] += 1
    names = DacCategory.objects.filter(code__in=counts).values_list("code", "name_fr", "name_en")
    rows = [
        Row(code, f"{code} {bilingual(fr, en)}", {"projects": counts[code]})
        for code, fr, en in names
    ]
    return Table(
        category=_("Secteur CAD"), columns=_projects_column(), rows=ranked(rows, "projects")
    )


@indicator(
    "projects_by_status",
    section="projects",
    name=_("Projets par avancement"),
    formula=_(
        "Nombre de projets publiés à chaque étape : idée, co-construction, en cours, "
        "terminé, annulé."
    ),
    counts=_("Seuls les projets publiés comptent."),
    leaves_out=UNPUBLISHED,
)
def projects_by_status(scope) -> Table:
    counts = dict(scope.projects().order_by().values_list("project_status").annotate(n=Count("pk")))
    rows = [
        Row(status.value, str(status.label), {"projects": counts.get(status.value, 0)})
        for status in ProjectStatus
    ]
    return Table(category=_("Avancement"), columns=_projects_column(), rows=rows)


# Project sizes by their total funding in euros: bounds (lower, upper) in euros.
SIZES = [
    ("none", _("sans financement en euros connu"), None, None),
    ("under_10k", _("moins de 10 000 €"), Decimal(0), Decimal(10_000)),
    ("10k_50k", _("de 10 000 à 50 000 €"), Decimal(10_000), Decimal(50_000)),
    ("50k_200k", _("de 50 000 à 200 000 €"), Decimal(50_000), Decimal(200_000)),
    ("over_200k", _("200 000 € et plus"), Decimal(200_000), None),
]


def size_of(total) -> str:
    if not total:
        return "none"
    for code, _label, low, high in SIZES[1:]:
        if total >= low and (high is None or total < high):
            return code
    return "none"


@indicator(
    "projects_by_size",
    section="projects",
    name=_("Projets par taille"),
    formula=_(
        "Nombre de projets publiés par tranche de leur financement total en euros (somme de "
        "toutes leurs lignes de financement en euros, toutes années confondues)."
    ),
    counts=_("Seuls les projets publiés comptent ; chaque projet est dans une seule tranche."),
    leaves_out=_(
        "Les montants dans une autre devise que l'euro (un projet financé seulement en autre "
        "devise est « sans financement en euros connu ») ; les projets non publiés."
    ),
)
def projects_by_size(scope) -> Table:
    totals = scope.projects().annotate(
        eur=Sum("funding_lines__amount", filter=Q(funding_lines__currency="EUR"))
    )
    counts: dict[str, int] = defaultdict(int)
    for total in totals.values_list("eur", flat=True):
        counts[size_of(total)] += 1
    rows = [Row(code, str(label), {"projects": counts[code]}) for code, label, *_b in SIZES]
    return Table(category=_("Taille"), columns=_projects_column(), rows=rows)
