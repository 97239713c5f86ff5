"""The staff import page: permissions for each role, upload → preview → apply (once), size
and type checks, templates and their documentation. The preview and the application are jobs
(opendata.tasks); the test settings' immediate backend runs them once the request's
transaction commits (`run_jobs`). Their progress pages: tests/opendata/test_import_jobs.py."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from passerelles.actors.models import Organisation
from passerelles.opendata.models import ImportRun, RunStatus
from tests.opendata.conftest import csv_bytes, org_row
from tests.users.factories import (
    AdminFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str = "orgs.csv", kind: str = "organisations") -> dict:
    return {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="text/csv")}


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Requests made in this block have their jobs run at its end, as a worker would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def preview(client, staff, run_jobs):
    client.force_login(staff)
    data = csv_bytes([org_row(1), org_row(2, siren="123")])
    with run_jobs():
        response = client.post(reverse("opendata:import"), upload(data))
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    return run


@pytest.mark.parametrize(
    ("factory", "status"),
    [
        (None, 302),
        (UserFactory, 403),
        (PartnerAbroadFactory, 403),
        (StaffFactory, 200),
        (AdminFactory, 200),
    ],
)
def test_import_page_for_each_role(client, factory, status):
    if factory is not None:
        client.force_login(factory())
    response = client.get(reverse("opendata:import"))
    assert response.status_code == status
    if status == 302:
        assert reverse("users:login") in response["Location"]


@pytest.mark.parametrize("factory", [None, UserFactory, PartnerAbroadFactory])
def test_only_staff_may_upload_see_or_apply_a_run(client, preview, factory):
    client.logout()
    if factory is not None:
        client.force_login(factory())
    data = csv_bytes([org_row(5)])
    assert client.post(reverse("opendata:import"), upload(data)).status_code in (302, 403)
    assert ImportRun.objects.count() == 1
    assert client.get(preview.get_absolute_url()).status_code in (302, 403)
    assert client.post(reverse("opendata:apply", args=[preview.pk])).status_code in (302, 403)
    preview.refresh_from_db()
    assert preview.status == RunStatus.PREVIEWED
    assert not Organisation.objects.exists()


def test_preview_reports_each_row_and_writes_nothing(client, preview):
    assert preview.counts == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert preview.sha256 == ImportRun.digest(bytes(preview.content))
    assert not Organisation.objects.exists()
    page = client.get(preview.get_absolute_url()).content.decode()
    assert "Lignes rejetées" in page and "SIREN" in page
    assert "Association Import 1" in page and "Appliquer l'import" in page


def test_apply_writes_once(client, preview, run_jobs):
    with run_jobs():
        response = client.post(reverse("opendata:apply", args=[preview.pk]), follow=True)
        # Until the worker has done it, the page follows the job.
        page = response.content.decode()
        assert "application en cours" in page and "<progress" in page
        assert "Appliquer l'import" not in page
    assert "Import appliqué" in client.get(preview.get_absolute_url()).content.decode()
    assert Organisation.objects.count() == 1
    preview.refresh_from_db()
    assert preview.status == RunStatus.APPLIED and preview.applied_at is not None
    with run_jobs():
        response = client.post(reverse("opendata:apply", args=[preview.pk]), follow=True)
    assert "déjà été appliqué" in response.content.decode()
    assert Organisation.objects.count() == 1


def test_apply_needs_post(client, preview):
    assert client.get(reverse("opendata:apply", args=[preview.pk])).status_code == 405


def test_same_file_again_previews_unchanged_and_warns(client, preview, run_jobs):
    with run_jobs():
        client.post(reverse("opendata:apply", args=[preview.pk]))
    data = bytes(preview.content)
    with run_jobs():
        client.post(reverse("opendata:import"), upload(data))
    second = ImportRun.objects.exclude(pk=preview.pk).get()
    assert second.counts["unchanged"] == 1 and second.counts["created"] == 0
    page = client.get(second.get_absolute_url()).content.decode()
    assert "déjà été appliqué" in page


def test_too_big_and_wrong_type_are_refused_with_a_message(client, staff, settings):
    client.force_login(staff)
    settings.PASSERELLES_MAX_IMPORT_BYTES = 100
    settings.PASSERELLES_MAX_UPLOAD_BYTES = 50
    response = client.post(reverse("opendata:import"), upload(b"x" * 200))
    assert response.status_code == 400
    assert "la limite est de 100" in response.content.decode()
    response = client.post(reverse("opendata:import"), upload(b"%PDF", name="rapport.pdf"))
    assert "n&#x27;est pas un fichier accepté ici" in response.content.decode()
    assert not ImportRun.objects.exists()


def xlsx_bytes(rows: list[dict]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("name", "encode"), [("orgs.csv", csv_bytes), ("orgs.xlsx", xlsx_bytes)])
def test_a_file_of_any_number_of_rows_goes_to_the_worker(client, staff, run_jobs, name, encode):
    """The page used to refuse files it could not simulate within a request; the worker has
    no such limit (only the file's size is capped)."""
    client.force_login(staff)
    data = encode([org_row(n) for n in range(25)])
    with run_jobs():
        response = client.post(reverse("opendata:import"), upload(data, name=name))
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.counts["created"] == 25 and run.records == 25
    assert "25 enregistrements" in client.get(run.get_absolute_url()).content.decode()


def test_refused_file_is_recorded_and_cannot_be_applied(client, staff, run_jobs):
    client.force_login(staff)
    with run_jobs():
        client.post(reverse("opendata:import"), upload(b"foo;bar\n1;2\n"))
    run = ImportRun.objects.get()
    assert run.status == RunStatus.REFUSED and "aucune colonne" in run.error
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Erreur :" in page and "Appliquer" not in page
    client.post(reverse("opendata:apply", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.REFUSED


def test_iati_goes_through_the_same_page(client, staff, run_jobs):
    client.force_login(staff)
    with open("tests/opendata/data/iati/activity-standard-example-annotated.xml", "rb") as f:
        data = f.read()
    with run_jobs():
        client.post(reverse("opendata:import"), upload(data, name="activites.xml", kind="iati"))
    run = ImportRun.objects.get()
    assert run.status == RunStatus.PREVIEWED, run.error
    assert run.counts["created"] >= 1
    # Counted in activities, not lines.
    assert run.job.unit == "activities" and run.job.total == run.records >= 1


@pytest.mark.parametrize("kind", ["organisations", "projects"])
def test_templates_and_documentation_are_public(client, kind):
    page = client.get(reverse("opendata:template_doc", args=[kind])).content.decode()
    assert "Obligatoire" in page and "<code>title</code>" in page or "<code>name</code>" in page
    response = client.get(reverse("opendata:template_file", args=[kind, "csv"]))
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 2  # header and example
    response = client.get(reverse("opendata:template_file", args=[kind, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 2


def test_organisations_template_example_imports_cleanly(client):
    from passerelles.opendata import registry

    response = client.get(reverse("opendata:template_file", args=["organisations", "xlsx"]))
    data = b"".join(response.streaming_content)
    report = registry.get("organisations").run(io.BytesIO(data), wet_run=False)
    assert report.counts["created"] == 1, report.rejections
