"""Imports through the API: the same registry source, staff only, token or session; within the
request up to PASSERELLES_API_IMPORT_SYNC_ROWS records, by the task worker above."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from passerelles.actors.models import Organisation
from passerelles.opendata.models import ImportRun, RunStatus
from passerelles.users.models import ApiToken
from tests.opendata.conftest import csv_bytes, org_row
from tests.users.factories import AdminFactory, PartnerAbroadFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def post(client, key: str, *, wet_run: bool):
    data = csv_bytes([org_row(1), org_row(2, siren="1")])
    return client.post(
        "/api/v1/imports",
        {
            "kind": "organisations",
            "wet_run": "true" if wet_run else "false",
            "file": SimpleUploadedFile("o.csv", data),
        },
        headers={"Authorization": f"Bearer {key}"},
    )


def test_staff_token_imports_dry_then_wet(client):
    _token, key = ApiToken.issue(StaffFactory(), "script")
    response = post(client, key, wet_run=False)
    assert response.status_code == 200
    body = response.json()
    assert body["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert body["rejected"][0]["row"] == "3" and "SIREN" in body["rejected"][0]["reason"]
    assert not Organisation.objects.exists()
    assert post(client, key, wet_run=True).status_code == 200
    assert Organisation.objects.count() == 1


def test_member_token_may_not_import(client):
    _token, key = ApiToken.issue(UserFactory(), "script")
    response = post(client, key, wet_run=True)
    assert response.status_code == 403
    assert "réservé à l'équipe" in response.json()["detail"]
    assert not Organisation.objects.exists()


# -- over the request's cap: the worker ---------------------------------------------------------


@pytest.fixture
def small_cap(settings):
    settings.PASSERELLES_API_IMPORT_SYNC_ROWS = 1


def test_an_import_over_the_cap_goes_to_the_worker(
    client, small_cap, django_capture_on_commit_callbacks
):
    """Issue 13: an API import too big for a request is answered at once with where to
    follow it; the worker imports it, and the report is read at that address."""
    _token, key = ApiToken.issue(StaffFactory(), "script")
    with django_capture_on_commit_callbacks() as queued:
        response = post(client, key, wet_run=False)
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["result"] is None
    assert body["status_url"] == f"http://testserver/api/v1/imports/{body['id']}"
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get(body["status_url"], headers=headers).json()["status"] == "queued"
    for callback in queued:
        callback()
    status = client.get(body["status_url"], headers=headers)
    assert status.status_code == 200
    report = status.json()
    assert report["status"] == "done" and report["status_label"] == "Terminée"
    assert (report["done"], report["total"]) == (2, 2)
    assert report["result"]["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert report["result"]["rejected"][0]["row"] == "3"
    assert "SIREN" in report["result"]["rejected"][0]["reason"]
    assert not report["wet_run"] and not Organisation.objects.exists()
    # Staff find it on the import page, ready to be applied there.
    run = ImportRun.objects.get()
    assert run.status == RunStatus.PREVIEWED and run.created_by.pk == _token.user_id


def test_a_wet_import_over_the_cap_is_applied_by_the_worker(
    client, small_cap, django_capture_on_commit_callbacks
):
    _token, key = ApiToken.issue(StaffFactory(), "script")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, key, wet_run=True)
    assert response.status_code == 202
    report = client.get(
        response.json()["status_url"], headers={"Authorization": f"Bearer {key}"}
    ).json()
    assert report["status"] == "done" and report["wet_run"] and report["result"]["wet_run"]
    assert Organisation.objects.count() == 1
    assert ImportRun.objects.get().status == RunStatus.APPLIED


def test_a_refused_file_over_the_cap_fails_with_the_reason(
    client, small_cap, django_capture_on_commit_callbacks
):
    """Refused deep in the file (a byte that is not UTF-8 past the part read to guess the
    encoding), once the request had handed it over."""
    _token, key = ApiToken.issue(StaffFactory(), "script")
    filler = org_row(3, notes="x" * 70_000)  # an unknown column: ignored, but read
    data = csv_bytes([org_row(1), org_row(2), filler, org_row(4, name="Caf\xe9")])
    data = data.replace("Café".encode(), b"Caf\xe9")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports",
            {"kind": "organisations", "file": SimpleUploadedFile("o.csv", data)},
            headers={"Authorization": f"Bearer {key}"},
        )
    assert response.status_code == 202
    report = client.get(
        response.json()["status_url"], headers={"Authorization": f"Bearer {key}"}
    ).json()
    assert report["status"] == "failed" and report["result"] is None
    assert report["error"].startswith("Fichier refusé : Encodage non reconnu")
    assert "Traceback" not in report["error"] and not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("factory", "status"),
    [
        (None, 401),
        (UserFactory, 403),
        (PartnerAbroadFactory, 403),
        (StaffFactory, 200),
        (AdminFactory, 200),
    ],
)
def test_the_status_of_an_import_for_each_role(
    client, small_cap, django_capture_on_commit_callbacks, factory, status
):
    _token, key = ApiToken.issue(StaffFactory(), "script")
    with django_capture_on_commit_callbacks(execute=True):
        url = post(client, key, wet_run=False).json()["status_url"]
    headers = {}
    if factory is not None:
        _other, other_key = ApiToken.issue(factory(), "script")
        headers = {"Authorization": f"Bearer {other_key}"}
    response = client.get(url, headers=headers)
    assert response.status_code == status
    if status != 200:
        assert "réservé à l'équipe" in response.json()["detail"]
        assert "counts" not in response.content.decode()


def test_only_import_jobs_are_found_there(client):
    from passerelles.core import progress

    other = progress.create("events.schedule", "Planning")
    _token, key = ApiToken.issue(StaffFactory(), "script")
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get(f"/api/v1/imports/{other.pk}", headers=headers).status_code == 404
    response = client.get("/api/v1/imports/999999", headers=headers)
    assert response.status_code == 404 and "Aucun import" in response.json()["detail"]


def test_the_openapi_document_describes_both_answers_and_the_status():
    from passerelles.api.api import api

    schema = api.get_openapi_schema()
    post_answers = schema["paths"]["/api/v1/imports"]["post"]["responses"]
    assert {"200", "202"} <= set(map(str, post_answers))
    status = schema["paths"]["/api/v1/imports/{job_id}"]["get"]
    assert "ImportJobOut" in str(status["responses"][200])
