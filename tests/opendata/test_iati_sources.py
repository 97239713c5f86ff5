"""IATI files from other publishers (decisions §27): who is who (country and side from the
identifier's registration agency, else the reporting organisation, else "to be settled"),
where an activity stands (status from the code and the dates), what is published (pending by
default; staff publish a whole run at once)."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from passerelles.actors.enums import Side, Status
from passerelles.actors.models import Organisation
from passerelles.geo.models import UNKNOWN_COUNTRY, Country
from passerelles.opendata.iati.importer import import_iati
from passerelles.opendata.iati.validate import validate
from passerelles.opendata.iati.writer import write_activities
from passerelles.opendata.models import ImportRun, RunStatus
from passerelles.projects.enums import ParticipationRole, ProjectStatus
from passerelles.projects.models import Project
from tests.opendata.iati_helpers import EXAMPLE, activity, document, write
from tests.users.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
SPANISH = Path(__file__).parent / "data" / "es-ministry-activities-2.01.xml"


def test_a_spanish_ministry_file_puts_its_partners_in_spain_and_its_old_activities_ended():
    report = import_iati(SPANISH, wet_run=True)

    assert report.ok and report.counts["rejected"] == 0
    xunta = Organisation.objects.get(name="Xunta de Galicia")
    # ES-DIR3 is a Spanish registration agency: Spain, abroad; never France by default.
    assert (xunta.country_id, xunta.side) == ("ES", Side.THERE)
    assert xunta.iati_ref == "ES-DIR3-A12002988"
    # Named without identifier: placed by the activity's reporting organisation (Spanish).
    ngo = Organisation.objects.get(name="Fundación Paz y Solidaridad")
    assert (ngo.country_id, ngo.side) == ("ES", Side.THERE)
    # A partner-country NGO (type 24) is where the activity happens.
    local = Organisation.objects.get(name="Union des groupements de producteurs de Thiès")
    assert local.country_id == "SN"
    assert not Organisation.objects.filter(source="iati", side=Side.HERE).exists()

    water = Project.objects.get(iati_identifier="ES-DIR3-E04585801-2011-SN-001")
    training = Project.objects.get(iati_identifier="ES-DIR3-E04585801-2012-MR-007")
    assert water.project_status == ProjectStatus.COMPLETED  # closed (4)
    assert training.project_status == ProjectStatus.COMPLETED  # finalisation (3), ended 2012
    assert (water.start_date, water.end_date) == (dt.date(2011, 2, 15), dt.date(2012, 9, 30))
    # Pending: not in the regional atlas before staff review it.
    assert set(Project.objects.values_list("status", flat=True)) == {Status.PENDING}
    assert not Project.objects.published().exists()
    assert set(Organisation.objects.values_list("status", flat=True)) == {Status.PENDING}
    # Partners abroad are partners there, never "partner here".
    roles = {(p.organisation.name, p.role) for p in training.participations.all()}
    assert ("Fundación Paz y Solidaridad", ParticipationRole.PARTNER_THERE) in roles
    assert not water.participations.filter(role=ParticipationRole.PARTNER_HERE).exists()


def test_re_exported_activities_keep_their_publisher_and_identifier(tmp_path, settings):
    settings.PASSERELLES_IATI_PUBLICATION = "published"
    import_iati(SPANISH, wet_run=True)
    out = tmp_path / "export.xml"
    with open(out, "wb") as handle:
        write_activities(Project.objects.all(), handle)

    assert validate(str(out), identifiers=True) == []
    content = out.read_text()
    assert "<iati-identifier>ES-DIR3-E04585801-2011-SN-001</iati-identifier>" in content
    assert 'reporting-org ref="ES-DIR3-E04585801"' in content
    assert "FR-RCS-123456782-ES-DIR3" not in content
    # Its funder is a funding participant (role 1), with its own registered ref.
    assert 'ref="ES-DIR3-A12002988" role="1"' in content


def test_an_organisation_without_any_clue_gets_the_country_to_be_settled(tmp_path):
    orgs = (
        '<participating-org role="4"><narrative>Groupe sans adresse</narrative></participating-org>'
    )
    content = document(activity(orgs=orgs)).replace(b'ref="FR-RNA-W411000001" ', b"")
    report = import_iati(write(tmp_path, content), wet_run=True)

    organisation = Organisation.objects.get(name="Groupe sans adresse")
    assert organisation.country_id == UNKNOWN_COUNTRY
    assert organisation.status == Status.PENDING
    assert organisation.proposals.get().message.startswith("Import IATI : pays à préciser")
    created = next(d for d in report.details if d.kind == "organisation")
    assert "pays à préciser" in created.reason
    # Pickers and facets never offer it; the row exists for the foreign key.
    assert not Country.objects.filter(code=UNKNOWN_COUNTRY).exists()
    assert Country.all_objects.get(code=UNKNOWN_COUNTRY).name_fr == "Pays à préciser"


def test_publication_policy_published_puts_projects_online(settings):
    settings.PASSERELLES_IATI_PUBLICATION = "published"
    import_iati(EXAMPLE, wet_run=True)
    assert Project.objects.get().status == Status.PUBLISHED
    # Organisations whose country is to be settled stay pending all the same.
    assert set(Organisation.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_staff_publish_a_whole_import_run_from_its_page(client, django_capture_on_commit_callbacks):
    staff = StaffFactory()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("opendata:import"),
            {"kind": "iati", "file": SimpleUploadedFile("aecid.xml", SPANISH.read_bytes())},
        )
    run = ImportRun.objects.get()
    assert run.status == RunStatus.PREVIEWED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("opendata:apply", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.APPLIED
    assert len(run.created_ids["project"]) == 2
    html = client.get(run.get_absolute_url()).content.decode()
    assert "Publier tout ce que cet import a créé" in html

    response = client.post(reverse("opendata:publish", args=[run.pk]), follow=True)

    assert "Publié : 4 organisations, 2 projets." in response.content.decode()
    assert Project.objects.published().count() == 2
    assert not Organisation.objects.filter(status=Status.PENDING).exists()


def test_only_staff_may_publish_a_run(client):
    run = ImportRun.objects.create(
        kind="iati",
        file_name="x.xml",
        content=b"",
        status=RunStatus.APPLIED,
        applied_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        created_ids={"project": [1]},
    )
    client.force_login(UserFactory())
    assert client.post(reverse("opendata:publish", args=[run.pk])).status_code == 403
