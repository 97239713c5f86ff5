"""Imports through the API: the same registry source, staff only, token or session."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from passerelles.actors.models import Organisation
from passerelles.users.models import ApiToken
from tests.opendata.conftest import csv_bytes, org_row
from tests.users.factories import StaffFactory, UserFactory

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
