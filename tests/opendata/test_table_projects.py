"""Projects tables: lead and partners from the directory (else rejected with the reason),
places, vocabularies, one funding line; idempotence."""

import io

import pytest

from passerelles.opendata import registry
from passerelles.opendata.report import CREATED, REJECTED, UNCHANGED, UPDATED
from passerelles.projects.models import Project
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.opendata.conftest import csv_bytes

pytestmark = pytest.mark.django_db


def run(data: bytes, wet_run=True):
    return registry.get("projects").run(io.BytesIO(data), wet_run=wet_run)


def project_row(**values) -> dict:
    row = {
        "title": "Eau pour Koudougou",
        "status": "en cours",
        "start_date": "15/01/2025",
        "end_date": "2027-12-31",
        "lead": "732829320",
        "partners_here": "Lycée Agricole",
        "partners_there": "Wend Panga",
        "country": "Burkina Faso",
        "locality": "Koudougou",
        "commune": "41018",
        "themes": "eau-assainissement",
        "sdgs": "6.1; 6",
        "dac_sectors": "14030",
        "budget": "15 000,50",
        "funder": "Région Centre-Val de Loire",
        "year": "2025",
    }
    row.update(values)
    return row


@pytest.fixture
def directory(db):
    return {
        "lead": OrganisationFactory(name="Terres Solidaires", siren="732829320"),
        "here": OrganisationFactory(name="Lycée agricole"),
        "there": AbroadOrganisationFactory(name="Wend Panga"),
    }


def test_a_row_creates_a_linked_project(directory):
    report = run(csv_bytes([project_row()]))
    (outcome,) = report.details
    assert outcome.outcome == CREATED, report.rejections
    assert "ODD sans cible précise non retenus : 6" in outcome.reason
    project = Project.objects.get()
    assert project.project_status == "running"
    assert str(project.start_date) == "2025-01-15"
    roles = {(p.organisation_id, p.role) for p in project.participations.all()}
    assert roles == {
        (directory["lead"].pk, "lead"),
        (directory["here"].pk, "partner_here"),
        (directory["there"].pk, "partner_there"),
    }
    assert {(p.side, p.country_id, p.commune_id) for p in project.places.all()} == {
        ("there", "BF", None),
        ("here", None, "41018"),
    }
    assert [t.code for t in project.sdg_targets.all()] == ["6.1"]
    (line,) = project.funding_lines.all()
    assert str(line.amount) == "15000.50" and line.funder_name == "Région Centre-Val de Loire"


def test_second_run_is_unchanged_and_a_change_updates(directory):
    data = csv_bytes([project_row()])
    run(data)
    assert run(data).counts == {CREATED: 0, UPDATED: 0, UNCHANGED: 1, REJECTED: 0}
    report = run(csv_bytes([project_row(summary="Nouveau résumé", partners_here="")]))
    assert report.counts[UPDATED] == 1
    assert Project.objects.get().summary == "Nouveau résumé"
    assert Project.objects.count() == 1


def test_unknown_partner_is_rejected_with_the_reason(directory):
    report = run(csv_bytes([project_row(partners_there="Wend Panga; Inconnue du réseau")]))
    (rejection,) = report.rejections
    assert "partners_there : « Inconnue du réseau » n'est pas dans l'annuaire" in rejection.reason
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"title": ""}, "le titre est obligatoire"),
        ({"start_date": "demain"}, "date illisible"),
        ({"end_date": "2020-01-01"}, "précède son début"),
        ({"status": "rêvé"}, "avancement inconnu"),
        ({"budget": "beaucoup"}, "montant illisible"),
        ({"dac_sectors": "99999"}, "secteur CAD inconnu"),
        ({"lead": "999999999"}, "aucune organisation de l'annuaire n'a le numéro"),
        ({"country": "France"}, "la France est « ici »"),
    ],
)
def test_invalid_project_rows(directory, values, reason):
    (rejection,) = run(csv_bytes([project_row(**values)])).rejections
    assert reason in rejection.reason
