"""The projects table's columns: what the import template, its documentation and the CSV/XLSX
exports show (tables.projects reads them)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from passerelles.opendata.tables.reader import Column
from passerelles.projects.enums import Instrument, ParticipationRole, ProjectStatus

ORG_HELP = _("nom de l'organisation dans l'annuaire, ou son SIREN ou son numéro RNA")
ROLE_COLUMNS = {
    "lead": ParticipationRole.LEAD,
    "partners_here": ParticipationRole.PARTNER_HERE,
    "partners_there": ParticipationRole.PARTNER_THERE,
    "experts": ParticipationRole.EXPERT,
    "funding_partners": ParticipationRole.FUNDER,
    "other_participants": ParticipationRole.OTHER,
}
# Funding lines are written as lists in four (five) columns, position by position: the second
# amount goes with the second funder, currency and year ("EUR" and empty years may be given
# once for all). A table with one funding line reads as before.
FUNDING_COLUMNS = ("budget", "currency", "funder", "year", "instrument")

COLUMNS = [
    Column("title", _("titre"), True, _("texte, 250 caractères au plus"), "", "Eau pour Koudougou"),
    Column("acronym", _("sigle"), False, _("texte, 40 caractères au plus")),
    Column("summary", _("résumé en une phrase"), False, _("texte, 400 caractères au plus")),
    Column(
        "description",
        _("présentation"),
        False,
        _("texte ; mise en forme Markdown ou HTML simple (paragraphes, gras, listes, liens)"),
    ),
    Column(
        "status",
        _("avancement"),
        False,
        _("code ou libellé"),
        ", ".join(ProjectStatus.values),
        "running",
    ),
    Column("start_date", _("début"), False, _("date AAAA-MM-JJ ou JJ/MM/AAAA"), "", "2025-01-15"),
    Column("end_date", _("fin"), False, _("date AAAA-MM-JJ ou JJ/MM/AAAA"), "", "2027-12-31"),
    Column("lead", _("porteur"), False, ORG_HELP, "", "Terres Solidaires"),
    Column(
        "partners_here",
        _("partenaires ici"),
        False,
        format_lazy("{}{}", _("liste séparée par « ; » : "), ORG_HELP),
    ),
    Column(
        "partners_there",
        _("partenaires là-bas"),
        False,
        format_lazy("{}{}", _("liste séparée par « ; » : "), ORG_HELP),
    ),
    Column(
        "experts",
        _("experts, appui technique"),
        False,
        format_lazy("{}{}", _("liste séparée par « ; » : "), ORG_HELP),
    ),
    Column(
        "funding_partners",
        _("financeurs participants"),
        False,
        format_lazy("{}{}", _("liste séparée par « ; » : "), ORG_HELP),
    ),
    Column(
        "other_participants",
        _("autres participants"),
        False,
        format_lazy("{}{}", _("liste séparée par « ; » : "), ORG_HELP),
    ),
    Column(
        "country",
        _("pays là-bas"),
        False,
        _("code ISO 3166 ou nom (français ou anglais) ; liste séparée par « ; »"),
        "",
        "BF",
    ),
    Column(
        "locality",
        _("localité là-bas"),
        False,
        _(
            "ville ou village ; pour plusieurs lieux, une liste « ; » alignée sur les pays "
            "(une localité par pays, vide si aucune)"
        ),
        "",
        "",
    ),
    Column(
        "commune",
        _("commune ici"),
        False,
        _("code INSEE ou nom de la commune ; liste séparée par « ; »"),
        "",
        "41018",
    ),
    Column(
        "themes",
        _("thèmes"),
        False,
        _("liste séparée par « ; » de codes, libellés ou mots courants (synonymes)"),
    ),
    Column(
        "sdgs",
        _("cibles ODD"),
        False,
        _("liste séparée par « ; » de cibles (3.8) ; un objectif seul est signalé, pas retenu"),
        "",
        "6.1; 6.2",
    ),
    Column(
        "dac_sectors", _("secteurs CAD"), False, _("codes CAD à 5 chiffres, « ; »"), "", "14030"
    ),
    Column(
        "budget",
        _("montant du financement"),
        False,
        _("nombre (virgule ou point) ; plusieurs lignes de financement : liste « ; »"),
        "",
        "15000",
    ),
    Column(
        "currency",
        _("devise"),
        False,
        _("code ISO 4217 ; EUR si vide ; une par montant, ou une pour tous"),
        "",
        "EUR",
    ),
    Column(
        "funder",
        _("financeur"),
        False,
        _("nom (de l'annuaire ou non), SIREN ou RNA ; un par montant"),
        "",
        "Région Centre-Val de Loire",
    ),
    Column(
        "year",
        _("année du financement"),
        False,
        _("4 chiffres ; une par montant (vide si inconnue), ou une pour tous"),
        "",
        "2025",
    ),
    Column(
        "instrument",
        _("instrument de financement"),
        False,
        _("code ou libellé ; un par montant, ou un pour tous"),
        ", ".join(Instrument.values),
        "grant",
    ),
    Column("iati_identifier", _("identifiant IATI"), False, _("texte")),
    Column("website", _("site web"), False, _("adresse web")),
    Column("id", _("identifiant"), False, _("votre identifiant de la ligne (facultatif)")),
]
