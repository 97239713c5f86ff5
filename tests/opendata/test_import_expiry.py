"""An import preview nobody applies no longer waits for ever (issue 15, problem 3): the person
abandons it from its page, or it expires after PASSERELLES_IMPORT_EXPIRY_DAYS days (the
worker's housekeeping, or `passerelles expire_imports`)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from passerelles.actors.models import Organisation
from passerelles.core import jobs
from passerelles.opendata.models import ImportRun, RunStatus
from tests.opendata.conftest import csv_bytes, org_row
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def previewed_run(django_capture_on_commit_callbacks):
    """Upload a table as `staff`; its preview job runs at once, as a worker would."""

    def upload(client, staff) -> ImportRun:
        client.force_login(staff)
        upload = SimpleUploadedFile("annuaire.csv", csv_bytes([org_row(1)]), "text/csv")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("opendata:import"), {"kind": "organisations", "file": upload}
            )
        assert response.status_code == 302
        run = ImportRun.objects.get()
        assert run.status == RunStatus.PREVIEWED
        return run

    return upload


def test_the_person_abandons_a_preview_from_its_page(client, staff, previewed_run):
    run = previewed_run(client, staff)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Abandonner cet import" in page
    assert reverse("opendata:abandon", args=[run.pk]) in page
    assert "expire au bout de 7 jours" in page

    response = client.post(reverse("opendata:abandon", args=[run.pk]), follow=True)
    assert "abandonné : rien n&#x27;a été écrit" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.ABANDONED and bytes(run.content) == b""
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Cet import a été abandonné" in page
    assert "Appliquer l&#x27;import" not in page
    # Abandoned means never applied, even by a late click on the old page.
    response = client.post(reverse("opendata:apply", args=[run.pk]), follow=True)
    assert "Cet import a été abandonné" in response.content.decode()
    assert not Organisation.objects.exists()


def test_only_network_staff_may_abandon(client, staff, previewed_run):
    run = previewed_run(client, staff)
    client.force_login(UserFactory())
    assert client.post(reverse("opendata:abandon", args=[run.pk])).status_code == 403
    client.logout()
    assert client.post(reverse("opendata:abandon", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.PREVIEWED


def test_an_applied_run_cannot_be_abandoned(
    client, staff, previewed_run, django_capture_on_commit_callbacks
):
    run = previewed_run(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("opendata:apply", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.APPLIED
    response = client.post(reverse("opendata:abandon", args=[run.pk]), follow=True)
    assert "déjà été appliqué" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.APPLIED
    assert Organisation.objects.count() == 1


def test_old_previews_expire_by_command_and_by_the_workers_housekeeping(
    client, staff, settings, previewed_run
):
    old = previewed_run(client, staff)
    ImportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    recent = ImportRun.objects.create(
        kind="organisations", file_name="récent.csv", content=b"x", sha256="0" * 64
    )
    out = StringIO()
    call_command("expire_imports", stdout=out)
    assert "1 simulation d'import a expiré." in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == RunStatus.EXPIRED and recent.status == RunStatus.PREVIEWED
    page = client.get(old.get_absolute_url()).content.decode()
    assert "Cette simulation a expiré" in page and "expiré" in page

    # The worker runs the same chore with its others.
    settings.PASSERELLES_IMPORT_EXPIRY_DAYS = 1
    ImportRun.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert jobs.run_housekeeping()["opendata.expire_imports"] == 1
    recent.refresh_from_db()
    assert recent.status == RunStatus.EXPIRED
