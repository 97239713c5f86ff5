import datetime as dt
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.geo.models import UNKNOWN_COUNTRY
from passerelles.opendata.iati.importer import import_iati
from passerelles.opendata.iati.reader import IatiFileError, read_activities
from passerelles.opendata.iati.records import ActivityRecord
from passerelles.projects.enums import ParticipationRole, PlaceSide, ProjectStatus
from passerelles.projects.models import Project
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.opendata.iati_helpers import EXAMPLE, activity, document, write
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_reader_prefers_french_narratives_and_reads_the_example():
    (record,) = list(read_activities(str(EXAMPLE)))
    assert isinstance(record, ActivityRecord)
    assert record.identifier == "AA-AAA-123456789-ABC123"
    assert record.title == "Titre de l'activité"
    assert record.description.startswith("Activité générale du texte de description.")
    assert record.status == "2"
    assert record.planned_start == dt.date(2012, 4, 15)
    assert record.actual_start == dt.date(2012, 4, 28)
    assert record.planned_end == dt.date(2015, 12, 31)
    assert [(o.ref, o.role) for o in record.participating_orgs] == [
        ("BB-BBB-123456789", "1"),
        ("CC-CCC-123456789", "2"),
        ("AA-AAA-123456789", "3"),
    ]
    assert [(c.code, c.percentage) for c in record.recipient_countries] == [
        ("AF", Decimal(25)),
        ("AG", Decimal(25)),
    ]
    assert (record.locations[0].lat, record.locations[0].lon) == (31.616944, 65.716944)
    assert [(s.vocabulary, s.code) for s in record.sectors[:2]] == [("2", "111"), ("2", "112")]
    assert record.budgets[0].value == Decimal(3000)
    assert record.budgets[0].currency == "EUR"
    assert record.budgets[0].period_start == dt.date(2014, 1, 1)


def test_importing_the_official_example_gives_the_activity():
    report = import_iati(EXAMPLE, wet_run=True)

    assert report.ok and report.counts["rejected"] == 0
    project = Project.objects.get(iati_identifier="AA-AAA-123456789-ABC123")
    assert project.title == "Titre de l'activité"
    assert "Longue description de l'activité" in project.description
    # "Implementation" (2), but its planned end (2015-12-31) is long past: it is over.
    assert project.project_status == ProjectStatus.COMPLETED
    # Somebody else's data: pending until staff review it (PASSERELLES_IATI_PUBLICATION).
    assert project.status == Status.PENDING
    assert project.iati_reporting_ref == "AA-AAA-123456789"
    assert (project.start_date, project.end_date) == (dt.date(2012, 4, 28), dt.date(2015, 12, 31))
    roles = {(p.organisation.name, p.role) for p in project.participations.all()}
    assert roles == {
        ("Name of Agency B", ParticipationRole.FUNDER),
        ("Name of Agency C", ParticipationRole.LEAD),
        # Extending (3) next to an accountable organisation (2): another part.
        ("Nom de l'agence A", ParticipationRole.OTHER),
    }
    created = Organisation.objects.filter(source="iati")
    assert set(created.values_list("status", flat=True)) == {Status.PENDING}
    # "AA-AAA", "BB-BBB", "CC-CCC" are no registration agencies and the file gives no other
    # clue: the country is to be settled by staff, never France by default.
    assert set(created.values_list("country_id", flat=True)) == {UNKNOWN_COUNTRY}
    assert set(created.values_list("iati_ref", flat=True)) == {
        "AA-AAA-123456789",
        "BB-BBB-123456789",
        "CC-CCC-123456789",
    }
    places = {(p.side, p.country_id, p.locality) for p in project.places.all()}
    assert places == {
        (PlaceSide.THERE, "AF", "Location name"),
        (PlaceSide.THERE, "AG", ""),
        # The second location's ref names Cambodia, which is no recipient country.
        (PlaceSide.THERE, "KH", "Location #2 name"),
    }
    point = project.places.get(locality="Location name")
    assert (point.lat, point.lon) == (31.616944, 65.716944)
    (line,) = project.funding_lines.all()
    assert (line.amount, line.currency, line.year) == (Decimal("3000.00"), "EUR", 2014)
    assert line.funder.name == "Name of Agency B"
    # Sectors of vocabulary 2 are DAC 3-digit categories: kept as such.
    assert list(project.dac_categories.values_list("code", flat=True)) == ["111", "112"]
    assert not project.dac_sectors.exists()
    (outcome,) = [d for d in report.details if d.kind == "project"]
    assert "111" not in outcome.reason


def test_importing_again_changes_nothing():
    import_iati(EXAMPLE, wet_run=True)
    project = Project.objects.get()
    before = (project.imported_at, project.updated_at, Organisation.objects.count())

    report = import_iati(EXAMPLE, wet_run=True)

    assert report.counts == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 0}
    project.refresh_from_db()
    assert (project.imported_at, project.updated_at, Organisation.objects.count()) == before


def test_dry_run_writes_nothing_but_reports_what_it_would_do():
    report = import_iati(EXAMPLE)

    assert not report.wet_run
    assert report.counts["created"] == 4  # the project and its three organisations
    assert not Project.objects.exists()
    assert not Organisation.objects.filter(source="iati").exists()


def test_an_updated_file_updates_the_project(tmp_path):
    import_iati(EXAMPLE, wet_run=True)
    changed = EXAMPLE.read_bytes().replace("Titre de l'activité".encode(), b"Nouveau titre")

    report = import_iati(write(tmp_path, changed), wet_run=True)

    assert report.counts["updated"] == 1
    assert "titre" in report.details[0].reason
    assert Project.objects.get().title == "Nouveau titre"


def test_organisations_are_matched_on_ref_siren_rna_then_name(tmp_path):
    by_ref = OrganisationFactory(name="Ville de Blois", iati_ref="XM-TEST-1")
    by_siren = OrganisationFactory(name="Coop", siren="356000000")
    by_rna = OrganisationFactory(name="Asso RNA", rna="W411000001")
    # No ref: placed by the reporting organisation (a French RNA number), so matched by name
    # among the organisations in France only.
    by_name = OrganisationFactory(name="Association Teriya")
    orgs = (
        '<participating-org ref="XM-TEST-1" role="1"><narrative>Blois</narrative>'
        "</participating-org>"
        '<participating-org ref="FR-SIRENE-356000000" role="4"><narrative>x</narrative>'
        "</participating-org>"
        '<participating-org ref="FR-RNA-W411000001" role="2"><narrative>y</narrative>'
        "</participating-org>"
        '<participating-org role="4"><narrative>TERIYA (association)</narrative>'
        "</participating-org>"
    )
    path = write(tmp_path, document(activity(orgs=orgs)))

    report = import_iati(path, wet_run=True)

    assert report.counts == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    roles = {(p.organisation_id, p.role) for p in Project.objects.get().participations.all()}
    assert roles == {
        (by_ref.pk, ParticipationRole.FUNDER),
        (by_siren.pk, ParticipationRole.PARTNER_HERE),
        (by_rna.pk, ParticipationRole.LEAD),
        (by_name.pk, ParticipationRole.PARTNER_HERE),
    }
    # The report says which organisation was matched by its name, and why.
    assert "« Association Teriya » rapprochée par son nom : même nom, même pays (FR)" in (
        report.details[0].reason
    )


def test_same_name_in_two_places_makes_two_records_and_a_collision_line(tmp_path):
    first = OrganisationFactory(name="La Cordée", commune_id="41018")
    second = OrganisationFactory(name="La Cordée", commune_id="45234")
    abroad = AbroadOrganisationFactory(name="Les Amis de Toamasina", country_id="MG")
    orgs = (
        '<participating-org role="4" passerelles:country="FR" passerelles:commune="45234">'
        "<narrative>La Cordée</narrative></participating-org>"
        '<participating-org role="4" passerelles:country="FR" passerelles:commune="37261">'
        "<narrative>La cordée</narrative></participating-org>"
        # The same name in another country: another organisation.
        '<participating-org role="4" passerelles:country="FR" passerelles:commune="41018">'
        "<narrative>Les Amis de Toamasina</narrative></participating-org>"
    )
    content = document(activity(orgs=orgs)).replace(
        b"<iati-activities ", b'<iati-activities xmlns:passerelles="urn:x-passerelles:iati:1" '
    )

    report = import_iati(write(tmp_path, content), wet_run=True)

    participants = {p.organisation_id for p in Project.objects.get().participations.all()}
    assert (
        second.pk in participants
        and first.pk not in participants
        and abroad.pk not in (participants)
    )
    assert Organisation.objects.filter(name__iexact="la cordée").count() == 3
    assert Organisation.objects.filter(name="Les Amis de Toamasina").count() == 2
    created = [d for d in report.details if d.kind == "organisation"]
    assert len(created) == 2
    assert all("collision de noms" in d.reason for d in created)
    assert "41018 (FR)" in created[0].reason and "MG" in created[1].reason


def test_sectors_sdg_targets_and_offline_geocoding(tmp_path):
    extra = (
        '<recipient-country code="BF" percentage="100"/>'
        "<location><name><narrative>Koudougou</narrative></name></location>"
        '<sector vocabulary="1" code="11110"/><tag vocabulary="3" code="4.1"/>'
        '<tag vocabulary="2" code="4"/>'
        '<budget><period-start iso-date="2025-01-01"/><period-end iso-date="2025-12-31"/>'
        '<value currency="XOF" value-date="2025-01-01">1500000</value></budget>'
    )
    path = write(tmp_path, document(activity(extra=extra)))

    import_iati(path, wet_run=True)

    project = Project.objects.get()
    assert list(project.dac_sectors.values_list("code", flat=True)) == ["11110"]
    assert list(project.sdg_targets.values_list("code", flat=True)) == ["4.1"]
    place = project.places.get()
    assert (place.country_id, place.locality) == ("BF", "Koudougou")
    assert place.lat == pytest.approx(12.25, abs=0.1)
    line = project.funding_lines.get()
    # No funder in the activity: the reporting organisation's name stands for it.
    assert (line.amount, line.currency, line.funder_name) == (Decimal(1500000), "XOF", "Amis")


def test_a_malformed_activity_is_rejected_alone(tmp_path):
    bad_date = activity(identifier="X-2", extra='<activity-date type="2" iso-date="2025-13-45"/>')
    no_id = activity(identifier="")
    path = write(tmp_path, document(activity(), bad_date, no_id))

    report = import_iati(path, wet_run=True)

    assert report.counts["rejected"] == 2
    reasons = [r.reason for r in report.rejections]
    assert "date invalide pour une date d'activité : « 2025-13-45 »" in reasons
    assert "l'activité n'a pas d'identifiant IATI (iati-identifier)" in reasons
    assert Project.objects.count() == 1


def test_end_before_start_is_rejected(tmp_path):
    extra = '<activity-date type="3" iso-date="2020-01-01"/>'
    report = import_iati(write(tmp_path, document(activity(extra=extra))), wet_run=True)
    assert report.rejections[0].reason == "la date de fin précède la date de début"
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "n'est pas un XML bien form"),
        (b"<html><body/></html>", "l'élément racine est « html »"),
        (document(activity(), version="1.05"), "Version IATI « 1.05 » non prise en charge"),
    ],
)
def test_a_file_that_is_not_iati_is_refused(tmp_path, content, message):
    report = import_iati(write(tmp_path, content), wet_run=True)
    assert message in report.error
    assert not Project.objects.exists()


def test_a_truncated_file_writes_nothing_even_in_a_wet_run(tmp_path):
    content = document(activity(), activity(identifier="X-2"))
    report = import_iati(write(tmp_path, content[:-40]), wet_run=True)
    assert "XML bien formé" in report.error
    assert not Project.objects.exists()
    assert not Organisation.objects.filter(source="iati").exists()


def test_entities_are_never_expanded_nor_read_from_disk(tmp_path):
    content = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY f SYSTEM "file:///etc/passwd">]>'
        b'<iati-activities version="2.03"><iati-activity><iati-identifier>X-1</iati-identifier>'
        b"<title><narrative>T&b;&f;</narrative></title></iati-activity></iati-activities>"
    )
    (record,) = list(read_activities(BytesIO(content)))
    assert "root:" not in record.title
    assert "aaaa" not in record.title


def test_reader_refuses_with_a_french_message():
    with pytest.raises(IatiFileError, match="XML bien formé"):
        list(read_activities(BytesIO(b"<iati-activities><iati-activity>")))


def test_command_is_a_dry_run_by_default(tmp_path):
    out = StringIO()
    call_command("import_iati", str(EXAMPLE), stdout=out)
    text = out.getvalue()
    assert "AA-AAA-123456789-ABC123 — Titre de l'activité" in text
    assert "4 lignes : 4 créées, 0 mise à jour, 0 inchangée, 0 rejetée." in text
    assert "Simulation : rien n'a été écrit." in text
    assert not Project.objects.exists()

    call_command("import_iati", str(EXAMPLE), "--wet-run", stdout=StringIO())
    assert Project.objects.count() == 1


def test_command_fails_on_a_refused_file_without_a_traceback(tmp_path):
    path = write(tmp_path, b"not xml")
    with pytest.raises(CommandError, match="Fichier refusé, rien n'a été écrit"):
        call_command("import_iati", str(path), "--wet-run", stdout=StringIO())
    with pytest.raises(CommandError, match="illisible"):
        call_command("import_iati", str(tmp_path / "missing.xml"), stdout=StringIO())


def test_imported_projects_and_organisations_are_searchable_by_their_participants():
    from passerelles.actors.search import search as search_organisations
    from passerelles.projects.search import search as search_projects

    import_iati(EXAMPLE, wet_run=True)

    # Indexed once at the end of the import, with the participants written after the project.
    assert list(search_projects(Project.objects.all(), "Agency C")) == [Project.objects.get()]
    found = search_organisations(Organisation.objects.all(), "Agency B")
    assert [o.name for o in found] == ["Name of Agency B"]


def test_an_activity_the_database_refuses_is_rejected_alone_in_its_chunk(tmp_path):
    # Another project already holds the source identifier the second activity would take:
    # the database refuses it (unique constraint); the chunk is replayed row by row.
    ProjectFactory(source="iati", source_id="X-2", iati_identifier="")
    content = document(
        activity(identifier="X-1"),
        activity(identifier="X-2", title="Doublon"),
        activity(identifier="X-3"),
    )

    report = import_iati(write(tmp_path, content), wet_run=True)

    assert report.counts == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 1}
    (rejection,) = report.rejections
    assert rejection.row == 2 and "refusée par la base de données" in rejection.reason
    assert set(
        Project.objects.filter(source_id__startswith="X-").values_list("iati_identifier", flat=True)
    ) == {"X-1", "X-3", ""}
    # The organisation the activities share was created once, by the first.
    assert Organisation.objects.filter(source="iati").count() == 1
    assert [d.row for d in report.details] == [1, 1, 3]


def test_an_activity_given_twice_in_a_file_updates_its_first_occurrence(tmp_path):
    content = document(activity(identifier="X-1"), activity(identifier="X-1", title="Bis"))

    report = import_iati(write(tmp_path, content), wet_run=True)

    assert [(d.row, d.outcome, d.kind) for d in report.details] == [
        (1, "created", "project"),
        (1, "created", "organisation"),
        (2, "updated", "project"),
    ]
    assert Project.objects.get().title == "Bis"


def test_a_big_file_is_imported_in_chunks_in_a_bounded_number_of_queries(
    tmp_path, django_assert_max_num_queries
):
    extra = (
        '<recipient-country code="BF" percentage="100"/>'
        "<location><name><narrative>Koudougou</narrative></name></location>"
        '<sector vocabulary="1" code="11110"/><sector vocabulary="2" code="111"/>'
        '<tag vocabulary="3" code="4.1"/>'
        '<budget><period-start iso-date="2025-01-01"/><period-end iso-date="2025-12-31"/>'
        '<value currency="EUR" value-date="2025-01-01">1000</value></budget>'
    )
    orgs = "".join(
        f'<participating-org ref="XM-T-{n}" role="{role}"><narrative>Org {n}</narrative>'
        "</participating-org>"
        for n, role in ((1, "1"), (2, "2"), (3, "4"))
    )
    activities = [activity(identifier=f"X-{n}", orgs=orgs, extra=extra) for n in range(120)]
    path = write(tmp_path, document(*activities))

    # Without chunks, about ten queries per activity (1,200 here).
    with django_assert_max_num_queries(150):
        report = import_iati(path, wet_run=True)
    assert report.counts["created"] == 123 and report.counts["rejected"] == 0
    project = Project.objects.get(iati_identifier="X-7")
    assert list(project.dac_categories.values_list("code", flat=True)) == ["111"]
    assert project.places.get().lat == pytest.approx(12.25, abs=0.1)

    with django_assert_max_num_queries(100):
        again = import_iati(path, wet_run=True)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 120, "rejected": 0}


def test_an_updated_file_replaces_the_relations_that_changed(tmp_path):
    lead = (
        '<participating-org ref="XM-T-1" role="2"><narrative>Porteur</narrative>'
        "</participating-org>"
    )
    funder = (
        '<participating-org ref="XM-T-2" role="1"><narrative>Bailleur</narrative>'
        "</participating-org>"
    )

    def version(country, category, amount, orgs):
        extra = (
            f'<recipient-country code="{country}" percentage="100"/>'
            f'<sector vocabulary="2" code="{category}"/><tag vocabulary="3" code="4.1"/>'
            '<budget><period-start iso-date="2025-01-01"/><period-end iso-date="2025-12-31"/>'
            f'<value currency="EUR" value-date="2025-01-01">{amount}</value></budget>'
        )
        return write(tmp_path, document(activity(orgs=orgs, extra=extra)), f"{country}.xml")

    import_iati(version("BF", "111", 1000, lead + funder), wet_run=True)
    report = import_iati(version("SN", "140", 2000, lead), wet_run=True)

    (outcome,) = [d for d in report.details if d.kind == "project"]
    assert outcome.outcome == "updated"
    for label in ("participants", "lieux", "catégories CAD", "financements"):
        assert label in outcome.reason
    assert "cibles ODD" not in outcome.reason
    project = Project.objects.get()
    assert [p.organisation.name for p in project.participations.all()] == ["Porteur"]
    assert [p.country_id for p in project.places.all()] == ["SN"]
    assert list(project.dac_categories.values_list("code", flat=True)) == ["140"]
    assert list(project.sdg_targets.values_list("code", flat=True)) == ["4.1"]
    assert [line.amount for line in project.funding_lines.all()] == [Decimal(2000)]

    again = import_iati(version("SN", "140", 2000, lead), wet_run=True)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 0}
