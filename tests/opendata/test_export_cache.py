"""Exports as files made by the worker (opendata.export_cache): the first request makes the file
and later ones are served it, with validators a client can revalidate with; a change through
the actions makes the files stale and queues ONE remake per export, however many rows changed;
a stale file is served while its successor is made; with no file yet, a page says it is being
prepared. Tests run jobs with the immediate backend unless they switch to the dummy one (jobs
recorded, never run) or to the database one (the real worker)."""

import gzip
import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from passerelles.core import door
from passerelles.core.backup import _media_files
from passerelles.opendata import export, export_cache, registry
from passerelles.opendata.models import ExportFile
from passerelles.projects import actions as project_actions
from tests.actors.factories import FACTORY_ORIGIN, OrganisationFactory, change_organisation
from tests.opendata.conftest import csv_bytes, org_row
from tests.projects.factories import ParticipationFactory, ProjectFactory
from tests.users.factories import (
    AdminFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
ORGS_CSV = "organisations-csv"
PROJECTS_CSV = "projects-csv"


def url(key: str) -> str:
    kind, fmt = key.split("-")
    return reverse("opendata:download", args=[kind, fmt])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def written(key: str) -> bytes:
    """What the export writes from the data as they are now (what a request once built)."""
    out = io.BytesIO()
    export.BY_KEY[key].write(out, BASE)
    return out.getvalue()


@pytest.fixture
def made(monkeypatch):
    """Counts the files made, by export."""
    counts: dict[str, int] = {}
    real = export_cache._make

    def counting(entry, base_url):
        counts[entry.key] = counts.get(entry.key, 0) + 1
        return real(entry, base_url)

    monkeypatch.setattr(export_cache, "_make", counting)
    return counts


def queued_jobs(key: str) -> int:
    waiting = DBTaskResult.objects.ready().filter(task_path=export_cache.regenerate.module_path)
    return sum(1 for row in waiting if row.args_kwargs["args"] == [key])


# -- first request, then the stored file -------------------------------------------------


@pytest.mark.parametrize("key", [ORGS_CSV, "organisations-geojson", "organisations-jsonld"])
def test_first_request_makes_the_file_and_serves_what_the_export_writes(client, made, key):
    OrganisationFactory(name="Terres Solidaires", lat=47.59, lon=1.33)
    assert not ExportFile.objects.exists()
    response = client.get(url(key))
    assert response.status_code == 200
    first = body(response)
    assert first == written(key)
    assert body(client.get(url(key))) == first
    assert made == {key: 1}  # the second request was served the stored file


def test_binary_exports_are_made_once_and_served(client, made):
    ProjectFactory(title="Eau pour Koudougou")
    for key in ("organisations-xlsx", "projects-xlsx", "projects-iati"):
        first = body(client.get(url(key)))
        assert body(client.get(url(key))) == first
    assert b"Eau pour Koudougou" in first
    assert made == {"organisations-xlsx": 1, "projects-xlsx": 1, "projects-iati": 1}


def test_headers_let_clients_revalidate(client):
    OrganisationFactory(name="Terres Solidaires")
    response = client.get(url(ORGS_CSV))
    content = body(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="passerelles-organisations.csv"'
    assert response["Content-Length"] == str(len(content))
    assert response["ETag"] == f'"{hashlib.sha256(content).hexdigest()}"'
    assert response["Last-Modified"].endswith("GMT")
    assert "no-cache" in response["Cache-Control"]

    again = client.get(url(ORGS_CSV), headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == response["ETag"]
    since = client.get(url(ORGS_CSV), headers={"If-Modified-Since": response["Last-Modified"]})
    assert since.status_code == 304
    other = client.get(url(ORGS_CSV), headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and body(other) == content


def test_clients_accepting_gzip_get_the_compressed_copy_with_its_length(client):
    OrganisationFactory(name="Terres Solidaires")
    plain = body(client.get(url(ORGS_CSV)))
    response = client.get(url(ORGS_CSV), headers={"Accept-Encoding": "gzip, deflate"})
    packed = body(response)
    assert response["Content-Encoding"] == "gzip"
    assert response["Content-Length"] == str(len(packed))
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(packed) == plain
    # Either encoding's validator names the same content.
    again = client.get(
        url(ORGS_CSV),
        headers={"Accept-Encoding": "gzip", "If-None-Match": response["ETag"]},
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    "make_user", [None, UserFactory, PartnerAbroadFactory, StaffFactory, AdminFactory]
)
def test_everyone_is_served_the_same_public_file(client, make_user):
    OrganisationFactory(name="Publiée")
    reference = written(ORGS_CSV)
    if make_user is not None:
        client.force_login(make_user())
    response = client.get(url(ORGS_CSV))
    assert response.status_code == 200 and body(response) == reference


# -- changes ------------------------------------------------------------------------------


def test_an_edit_through_the_actions_makes_one_new_file_per_export(
    client, made, django_capture_on_commit_callbacks
):
    org = OrganisationFactory(name="Ancien nom", siren="")
    project = ProjectFactory(title="Projet commun")
    ParticipationFactory(project=project, organisation=org)
    for key in (ORGS_CSV, PROJECTS_CSV):
        client.get(url(key))
    assert made == {ORGS_CSV: 1, PROJECTS_CSV: 1}

    with django_capture_on_commit_callbacks(execute=True):
        change_organisation(org, name="Nouveau nom")
    # The project export names its participants: both files are made again, once each.
    assert made == {ORGS_CSV: 2, PROJECTS_CSV: 2}
    assert not ExportFile.objects.filter(stale=True).exists()
    for key in (ORGS_CSV, PROJECTS_CSV):
        text = body(client.get(url(key))).decode("utf-8-sig")
        assert "Nouveau nom" in text and "Ancien nom" not in text
    assert made == {ORGS_CSV: 2, PROJECTS_CSV: 2}

    with django_capture_on_commit_callbacks(execute=True):
        project_actions.update_project(project, {"title": "Projet renommé"}, origin=FACTORY_ORIGIN)
    # A project's change leaves the organisations' files alone.
    assert made == {ORGS_CSV: 2, PROJECTS_CSV: 3}
    assert b"Projet renomm" in body(client.get(url(PROJECTS_CSV)))


def test_a_rolled_back_change_marks_nothing(client, made, django_capture_on_commit_callbacks):
    from django.db import transaction

    org = OrganisationFactory(name="Stable")
    client.get(url(ORGS_CSV))
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            change_organisation(org, name="Annulé")
            raise RuntimeError("the page failed after the change")
    assert made == {ORGS_CSV: 1}
    assert not ExportFile.objects.get(key=ORGS_CSV).stale


def test_an_import_of_many_rows_makes_one_new_file_per_export(
    client, made, django_capture_on_commit_callbacks
):
    OrganisationFactory(name="Déjà là")
    for key in (ORGS_CSV, "organisations-geojson", PROJECTS_CSV):
        client.get(url(key))
    table = csv_bytes([org_row(n) for n in range(300)])
    with django_capture_on_commit_callbacks(execute=True):
        report = registry.get("organisations").run(io.BytesIO(table), wet_run=True)
    assert report.counts["created"] == 300
    assert made == {ORGS_CSV: 2, "organisations-geojson": 2, PROJECTS_CSV: 2}
    text = body(client.get(url(ORGS_CSV))).decode("utf-8-sig")
    assert "Association Import 299" in text


def test_a_burst_of_separate_changes_queues_one_job_per_export(
    client, settings, database_tasks, django_capture_on_commit_callbacks
):
    settings.PASSERELLES_EXPORT_DELAY = 0
    orgs = [OrganisationFactory(name=f"Rafale {n}") for n in range(5)]
    ExportFile.objects.create(key=ORGS_CSV)
    export_cache.queue([ORGS_CSV])  # the first file
    call_command("worker", "--batch", stdout=io.StringIO())
    assert ExportFile.objects.get(key=ORGS_CSV).generation == 1

    for n, org in enumerate(orgs):  # five edits, each committed on its own
        with django_capture_on_commit_callbacks(execute=True):
            change_organisation(org, name=f"Rafale modifiée {n}")
    assert queued_jobs(ORGS_CSV) == 1
    row = ExportFile.objects.get(key=ORGS_CSV)
    assert row.stale and row.queued_at is not None

    call_command("worker", "--batch", stdout=io.StringIO())
    row.refresh_from_db()
    assert row.generation == 2 and not row.stale and row.queued_at is None
    text = body(client.get(url(ORGS_CSV))).decode("utf-8-sig")
    assert all(f"Rafale modifiée {n}" in text for n in range(5))


def test_changes_wait_the_configured_delay(settings, database_tasks):
    settings.PASSERELLES_EXPORT_DELAY = 60
    ExportFile.objects.create(key=ORGS_CSV, name="x.csv", generated_at=timezone.now())
    export_cache._changed(export_cache.ALL)
    job = DBTaskResult.objects.get(task_path=export_cache.regenerate.module_path)
    assert job.run_after >= timezone.now() + timedelta(seconds=50)
    assert job.priority < 0  # after the e-mails


# -- stale, missing and first files ---------------------------------------------------------


def test_a_stale_file_is_served_while_the_next_is_made(
    client, dummy_tasks, django_capture_on_commit_callbacks
):
    org = OrganisationFactory(name="Version un")
    client.get(url(ORGS_CSV))  # queued, not run
    export_cache.regenerate.call(ORGS_CSV)
    with django_capture_on_commit_callbacks(execute=True):
        change_organisation(org, name="Version deux")
    assert len(dummy_tasks.results) == 2  # the first file, then one remake
    row = ExportFile.objects.get(key=ORGS_CSV)
    assert row.stale and row.queued_at is not None

    response = client.get(url(ORGS_CSV))
    assert response.status_code == 200 and b"Version un" in body(response)
    assert len(dummy_tasks.results) == 2  # the waiting job is not queued again
    page = client.get(reverse("opendata:index")).content.decode()
    assert "Une mise à jour est prévue" in page
    assert "Données du" in page

    export_cache.regenerate.call(ORGS_CSV)
    assert b"Version deux" in body(client.get(url(ORGS_CSV)))


def test_no_file_yet_shows_a_page_that_reloads_itself(client, dummy_tasks):
    OrganisationFactory(name="Bientôt prête")
    response = client.get(url(ORGS_CSV))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    text = response.content.decode()
    assert "en préparation" in text
    assert '<meta http-equiv="refresh" content="5">' in text  # without JavaScript
    assert 'hx-trigger="every 5s"' in text  # with htmx
    assert len(dummy_tasks.results) == 1
    client.get(url(ORGS_CSV))
    assert len(dummy_tasks.results) == 1  # reloading does not queue it again

    fragment = client.get(url(ORGS_CSV), headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "hx-trigger" in fragment.content.decode()

    export_cache.regenerate.call(ORGS_CSV)
    ready = client.get(url(ORGS_CSV), headers={"HX-Request": "true"})
    assert "Le fichier est prêt" in ready.content.decode()
    assert "hx-trigger" not in ready.content.decode()  # polling stops
    response = client.get(url(ORGS_CSV))
    assert response.status_code == 200 and b"Bient" in body(response)


def test_the_api_answers_503_with_retry_after_until_the_file_exists(client, dummy_tasks):
    OrganisationFactory(name="Par l'API")
    response = client.get("/api/v1/exports/organisations/csv")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "en préparation" in response.json()["detail"]
    export_cache.regenerate.call(ORGS_CSV)
    response = client.get("/api/v1/exports/organisations/csv")
    assert response.status_code == 200 and b"Par l'API" in body(response)


def test_a_file_made_on_an_earlier_day_is_remade(client, dummy_tasks):
    OrganisationFactory()
    client.get(url(ORGS_CSV))
    export_cache.regenerate.call(ORGS_CSV)
    ExportFile.objects.filter(key=ORGS_CSV).update(generated_at=timezone.now() - timedelta(days=1))
    assert client.get(url(ORGS_CSV)).status_code == 200  # served meanwhile
    assert len(dummy_tasks.results) == 2


def test_a_file_gone_from_the_storage_is_made_again(client, made):
    OrganisationFactory(name="Restaurée")
    client.get(url(ORGS_CSV))
    row = ExportFile.objects.get(key=ORGS_CSV)
    export_cache.storage().delete(row.name)
    export_cache.storage().delete(row.gzip_name)
    response = client.get(url(ORGS_CSV))
    assert response.status_code == 200 and b"Restaur" in body(response)
    assert made == {ORGS_CSV: 2}


def test_a_failed_first_file_says_so_and_is_not_retried_at_once(client, monkeypatch):
    OrganisationFactory()
    calls = []

    def broken(entry, base_url):
        calls.append(entry.key)
        raise RuntimeError("disque plein")

    monkeypatch.setattr(export_cache, "_make", broken)
    response = client.get(url(ORGS_CSV))
    assert response.status_code == 503
    assert "n'a pas pu être préparé" in response.content.decode()
    client.get(url(ORGS_CSV))
    assert calls == [ORGS_CSV]
    row = ExportFile.objects.get(key=ORGS_CSV)
    assert "disque plein" in row.last_error


def test_the_replaced_file_leaves_the_storage(client, django_capture_on_commit_callbacks):
    org = OrganisationFactory()
    client.get(url(ORGS_CSV))
    old = ExportFile.objects.get(key=ORGS_CSV)
    with django_capture_on_commit_callbacks(execute=True):
        change_organisation(org, name="Renommée")
    new = ExportFile.objects.get(key=ORGS_CSV)
    assert new.name != old.name
    assert not export_cache.storage().exists(old.name)
    assert not export_cache.storage().exists(old.gzip_name)
    assert export_cache.storage().exists(new.name)


def test_files_no_row_names_are_swept_once_old(client, monkeypatch):
    from django.core.files.base import ContentFile

    OrganisationFactory()
    storage = export_cache.storage()
    stray = storage.save("organisations-csv-orphan.csv", ContentFile(b"old"))
    young = storage.save("organisations-csv-young.csv", ContentFile(b"new"))
    other = storage.save("projects-csv-orphan.csv", ContentFile(b"old"))
    real = storage.get_modified_time
    ages = {stray: timedelta(hours=2), other: timedelta(hours=2)}
    monkeypatch.setattr(
        storage,
        "get_modified_time",
        lambda name: real(name) - ages.get(name, timedelta(0)),
    )
    client.get(url(ORGS_CSV))
    assert not storage.exists(stray)
    assert storage.exists(young)  # may be a job's file, not yet swapped in
    assert storage.exists(other)  # another export's, swept by its own job


def test_the_backup_leaves_the_export_files_out(client):
    OrganisationFactory()
    client.get(url(ORGS_CSV))
    row = ExportFile.objects.get(key=ORGS_CSV)
    assert export_cache.storage().exists(row.name)
    assert not any(name.endswith(row.name) for name in _media_files())


def test_the_open_data_page_says_when_each_file_was_made(client):
    OrganisationFactory()
    page = client.get(reverse("opendata:index")).content.decode()
    assert page.count("Préparé à la première demande") == len(export.EXPORTS)
    client.get(url(ORGS_CSV))
    page = client.get(reverse("opendata:index")).content.decode()
    assert page.count("Préparé à la première demande") == len(export.EXPORTS) - 1
    assert "Données du" in page


def test_deleting_an_organisation_makes_the_files_stale(
    client, made, django_capture_on_commit_callbacks
):
    org = OrganisationFactory(name="Bientôt supprimée")
    client.get(url(ORGS_CSV))
    with django_capture_on_commit_callbacks(execute=True), door.inside():
        org.delete()
    assert made == {ORGS_CSV: 2}
    assert b"Bient" not in body(client.get(url(ORGS_CSV)))
