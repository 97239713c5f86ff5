"""Tables written by people: families, themes, countries, SDGs and booleans as codes, French or
English labels, parts of labels and the themes' search synonyms, whatever the case and accents;
and every error of a bad row at once (issue 15, problems 1 and 2)."""

import io
from pathlib import Path

import pytest

from passerelles.actors.models import Organisation
from passerelles.opendata import registry
from passerelles.opendata.report import REJECTED
from passerelles.opendata.tables.lookups import Lookups, parse_bool
from tests.actors.factories import OrganisationFactory
from tests.opendata.conftest import csv_bytes, org_row

pytestmark = pytest.mark.django_db
HANDWRITTEN = Path(__file__).parent / "data" / "organisations-ecrites-a-la-main.csv"


def run(kind: str, data: bytes):
    return registry.get(kind).run(io.BytesIO(data), wet_run=True)


def test_a_table_written_by_a_person_imports_without_a_rejection():
    report = run("organisations", HANDWRITTEN.read_bytes())
    assert report.error == ""
    assert report.rejections == []
    assert report.counts["created"] == 25 >= 20

    def org(name):
        found = Organisation.objects.get(name=name)
        themes = {t.slug for t in found.themes.all()}
        return found, themes, {g.code for g in found.sdgs.all()}

    bocage, themes, sdgs = org("Coopérative Bocage Vivant")
    assert bocage.family == "ess_enterprise"  # "ESS enterprise"
    assert themes == {"economie-ess", "environnement-climat"}  # two synonyms
    assert sdgs == {12} and bocage.is_ess is True  # "ODD n°12", "Oui"
    mairie, themes, sdgs = org("Mairie de Joué-lès-Tours")
    assert mairie.family == "local_authority" and themes == {"gouvernance-locale"}
    assert sdgs == {16}  # "SDG 16"
    assert {c.code for c in mairie.countries_of_action.all()} == {"ML", "NE"}
    artisans, themes, _sdgs = org("Artisans du Monde Châteauroux")
    assert artisans.family == "ess_enterprise" and themes == {"economie-ess"}
    assert {c.code for c in artisans.countries_of_action.all()} == {"PE", "CI"}
    assert org("Union des Ressortissants Maliens du Loiret")[0].family == "diaspora"  # OSIM
    university, _themes, sdgs = org("Université d'Orléans – coopération")
    assert university.family == "university" and sdgs == {4, 9}  # "Goal 4; SDG 9"
    assert org("Centre hospitalier de Bourges")[1] == {"sante"}  # "SANTE"
    assert org("Solaire Sans Frontières SARL")[0].countries_of_action.get().code == "BF"
    # The retired "partner abroad" family, however written: guessed from the name.
    wend_panga = Organisation.objects.get(name="Wend Panga")
    assert wend_panga.country_id == "BF" and wend_panga.locality == "Ouahigouya"
    assert Organisation.objects.get(name="Municipalité de Jéricho").country_id == "PS"
    shouting, themes, sdgs = org("ENERGIES CITOYENNES EN BERRY")
    assert shouting.family == "ess_enterprise" and themes == {"environnement-climat"}
    assert sdgs == {7, 13} and shouting.is_ess is True  # "X"
    etm, themes, sdgs = org("Échanges Tiers-Monde 37")
    assert etm.family == "si_association" and themes == {"education-formation", "sante"}
    assert {c.code for c in etm.countries_of_action.all()} == {"BF", "ML"}  # name, alpha-3


@pytest.mark.parametrize(
    ("method", "text", "expected"),
    [
        ("family", "ESS enterprise", "ess_enterprise"),
        ("family", "Entreprise de l’ESS", "ess_enterprise"),
        ("family", "ess_enterprise", "ess_enterprise"),
        ("family", "ESS-ENTERPRISE", "ess_enterprise"),
        ("family", "OSIM", "diaspora"),
        ("family", "Réseau", "network"),
        ("family", "recherche", "university"),
        ("family", "diaspora organisation", "diaspora"),
        ("family", "organisation inconnue", None),
    ],
)
def test_families_are_read_however_written(method, text, expected):
    assert getattr(Lookups(), method)(text) == expected


def test_themes_countries_sdgs_and_booleans_however_written():
    lookups = Lookups()
    for text, slug in (
        ("environnement", "environnement-climat"),
        ("ÉCONOMIE SOCIALE ET SOLIDAIRE", "economie-ess"),
        ("commerce equitable", "economie-ess"),
        ("gouvernance locale", "gouvernance-locale"),
        ("Water and sanitation", "eau-assainissement"),
        ("puits", "eau-assainissement"),
    ):
        (found,), unknown = lookups.theme_list(text)
        assert (found.slug, unknown) == (slug, []), text
    assert lookups.theme_list("astrophysique") == ([], ["astrophysique"])
    for text, code in (
        ("Sénégal", "SN"),
        ("SENEGAL", "SN"),
        ("SEN", "SN"),
        ("Ivory Coast", "CI"),
        ("cote d ivoire", "CI"),
        ("République démocratique du Congo", "CD"),
        ("Burkina", "BF"),
    ):
        assert lookups.country(text).code == code, text
    assert lookups.country("Atlantide") is None
    for text in ("3", "ODD 3", "odd3", "ODD n°3", "SDG 3", "Goal 3", "objectif 3", "3.8"):
        (goal,), unknown = lookups.sdg_list(text)
        assert (goal.code, unknown) == (3, []), text
    assert lookups.sdg_list("ODD 18") == ([], ["ODD 18"])
    assert [parse_bool(t) for t in ("Oui", "YES", "x", "Vrai", "1")] == [True] * 5
    assert [parse_bool(t) for t in ("non", "No", "FAUX", "0")] == [False] * 4
    assert parse_bool("peut-être") is None


def test_a_bad_organisation_row_lists_all_its_errors_at_once():
    row = org_row(
        name="Association Mal Écrite",
        family="famille imaginaire",
        themes="agriculture; astrophysique",
        siren="123456789",
        commune="Villeimaginaire-sur-Loire",
        email="pas-une-adresse",
        is_ess="peut-être",
    )
    report = run("organisations", csv_bytes([row]))
    (outcome,) = report.rejections
    assert outcome.outcome == REJECTED
    reason = outcome.reason
    # The vocabulary cells and the directory's rules, in the same report.
    assert "famille inconnue « famille imaginaire »" in reason
    assert "thème inconnu « astrophysique »" in reason
    assert "« peut-être » n'est ni oui ni non" in reason
    assert reason.count("siren : ") == 1
    assert "commune : " in reason
    assert "email : " in reason
    assert not Organisation.objects.exists()


def test_a_bad_project_row_lists_all_its_errors_at_once():
    OrganisationFactory(name="Terres Solidaires", siren="732829320")
    row = {
        "title": "Projet mal écrit",
        "status": "bientôt",
        "start_date": "2025-13-45",
        "lead": "Inconnue au bataillon",
        "themes": "astrophysique",
        "country": "Atlantide",
        "budget": "beaucoup",
        "funder": "Région Centre-Val de Loire",
        "website": "pas une adresse",
        "title_extra": "",
    }
    report = run("projects", csv_bytes([row]))
    (outcome,) = report.rejections
    assert outcome.outcome == REJECTED
    for expected in (
        "avancement inconnu « bientôt »",
        "date illisible « 2025-13-45 »",
        "« Inconnue au bataillon » n'est pas dans l'annuaire",
        "thème inconnu « astrophysique »",
        "pays inconnu « Atlantide »",
        "montant illisible « beaucoup »",
        "website : ",
    ):
        assert expected in outcome.reason, expected


def test_project_rows_read_labels_and_several_funding_lines():
    lead = OrganisationFactory(name="Terres Solidaires", siren="732829320")
    expert = OrganisationFactory(name="Bureau Hydro Conseil")
    row = {
        "title": "Eau pour Koudougou",
        "status": "En cours",
        "lead": "732829320",
        "experts": "bureau hydro conseil",
        "country": "Burkina; Sénégal",
        "locality": "Koudougou; Thiès",
        "commune": "Blois; 37261",
        "themes": "eau potable; Gouvernance locale",
        "sdgs": "6.1; 6.B",
        "budget": "15 000,50; 2000",
        "funder": "Région Centre-Val de Loire; Terres Solidaires",
        "currency": "EUR",
        "year": "2025; ",
        "instrument": "subvention; fonds propres",
    }
    report = run("projects", csv_bytes([row]))
    assert report.rejections == []
    project = lead.participations.get().project
    assert {(p.organisation_id, p.role) for p in project.participations.all()} == {
        (lead.pk, "lead"),
        (expert.pk, "expert"),
    }
    assert {(p.side, p.country_id or p.commune_id, p.locality) for p in project.places.all()} == {
        ("there", "BF", "Koudougou"),
        ("there", "SN", "Thiès"),
        ("here", "41018", ""),
        ("here", "37261", ""),
    }
    assert {t.slug for t in project.themes.all()} == {"eau-assainissement", "gouvernance-locale"}
    assert {t.code for t in project.sdg_targets.all()} == {"6.1", "6.b"}
    lines = sorted(
        (line.funder_label, str(line.amount), line.year, line.instrument)
        for line in project.funding_lines.all()
    )
    assert lines == [
        ("Région Centre-Val de Loire", "15000.50", 2025, "grant"),
        ("Terres Solidaires", "2000.00", None, "own_funds"),
    ]
