"""What the network's accompaniment of project holders amounts to, for staff: cases opened per
department and per kind (accompaniment.queries, the same count as the case files' yearly
page)."""

from django.utils.translation import gettext_lazy as _

from passerelles.accompaniment.enums import CaseKind
from passerelles.accompaniment.queries import counts_by_department_and_kind
from passerelles.observatory.registry import TABLE, Column, Row, Table, indicator


@indicator(
    "accompaniment_by_kind_department",
    section="staff",
    name=_("Accompagnements par type et par département"),
    formula=_(
        "Dossiers d'accompagnement ouverts dans l'année (toutes années sans filtre), par "
        "département de l'organisation accompagnée (ou « là-bas ») et par type : premier "
        "contact, montage de projet, dossier de financement, recherche de partenaires, "
        "évaluation, formation."
    ),
    counts=_(
        "Tous les dossiers, ouverts, en attente ou clos, quel que soit le statut de publication "
        "de l'organisation (réservé à l'équipe)."
    ),
    leaves_out=_(
        "Un dossier compte l'année de son ouverture, même s'il dure plusieurs années ; les "
        "filtres pays et thème ne s'appliquent pas."
    ),
    filters=("year", "department"),
    chart=TABLE,
    staff_only=True,
)
def accompaniment_by_kind_department(scope) -> Table:
    rows = counts_by_department_and_kind(scope.filters.year, scope.filters.department)
    kinds = list(CaseKind)
    return Table(
        category=_("Département"),
        columns=[Column(kind.value, kind.label) for kind in kinds] + [Column("total", _("total"))],
        rows=[
            Row(
                row["code"],
                row["label"],
                {key: row[key] for key in [*(k.value for k in kinds), "total"]},
            )
            for row in rows
        ],
    )
