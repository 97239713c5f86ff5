"""Web imports run by the task worker (opendata.tasks): upload → preview job → report, apply →
job → result, with the progress on the run's page (htmx polling, and a refresh without
JavaScript), and nothing lost when the job fails or its worker dies."""

import socket
import subprocess
import sys
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from passerelles.actors.models import Organisation
from passerelles.core import jobs, progress
from passerelles.core.models import Job, JobStatus
from passerelles.opendata import registry
from passerelles.opendata.models import ImportRun, RunStatus
from tests.opendata.conftest import csv_bytes, org_row

pytestmark = pytest.mark.django_db

THREE_ROWS = csv_bytes([org_row(1), org_row(2), org_row(3, siren="123")])


def _upload(client, data: bytes = THREE_ROWS, name: str = "orgs.csv"):
    return client.post(
        reverse("opendata:import"),
        {"kind": "organisations", "file": SimpleUploadedFile(name, data)},
    )


@pytest.fixture
def logged_in(client, staff):
    client.force_login(staff)
    return client


def _run_worker() -> str:
    out = StringIO()
    call_command("worker", "--batch", stdout=out)
    return out.getvalue()


def test_upload_answers_at_once_then_the_page_follows_the_preview(
    logged_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = _upload(logged_in)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    # Nothing simulated yet: the page shows the queued job, polling and refreshing itself.
    assert run.status == RunStatus.PENDING and run.counts == {}
    html = logged_in.get(run.get_absolute_url()).content.decode()
    assert "simulation en cours" in html and "Simulation de l&#x27;import de « orgs.csv »" in html
    assert "<progress" in html and f'hx-get="/taches/{run.job_id}/"' in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert "Appliquer l'import" not in html
    # The worker runs it.
    for callback in queued:
        callback()
    run.refresh_from_db()
    assert run.status == RunStatus.PREVIEWED and run.records == 3
    assert run.counts == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert not Organisation.objects.exists()
    html = logged_in.get(run.get_absolute_url()).content.decode()
    assert "Appliquer l'import" in html and "Lignes rejetées" in html
    assert "<progress" not in html and "http-equiv" not in html
    # The polling fragment, asked once more, sends the page to the report.
    response = logged_in.get(f"/taches/{run.job_id}/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == run.get_absolute_url()


def test_the_counters_follow_the_rows(logged_in, monkeypatch, django_capture_on_commit_callbacks):
    written = []
    cache = progress._cache()
    monkeypatch.setattr(progress, "THROTTLE_SECONDS", 0)
    monkeypatch.setattr(cache, "set", lambda key, value, timeout=None: written.append(dict(value)))
    with django_capture_on_commit_callbacks(execute=True):
        _upload(logged_in)
    assert [(w["done"], w["total"]) for w in written] == [(0, None), (0, 3), (1, 3), (2, 3), (3, 3)]
    assert written[0]["message"] == "Lecture du fichier…"
    job = ImportRun.objects.get().job
    assert job.status == JobStatus.DONE and (job.done, job.total) == (3, 3)
    assert job.message.startswith("3 lignes : 2 créées")


def test_apply_goes_through_a_job_too_and_runs_once(logged_in, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(logged_in)
    run = ImportRun.objects.get()
    apply_url = reverse("opendata:apply", args=[run.pk])
    with django_capture_on_commit_callbacks() as queued:
        logged_in.post(apply_url)
        # A second click while the first is being applied does nothing more.
        response = logged_in.post(apply_url, follow=True)
    assert "déjà en cours d&#x27;application" in response.content.decode()
    assert len(queued) == 1
    run.refresh_from_db()
    assert run.status == RunStatus.APPLYING and run.job.kind == "opendata.import.apply"
    html = logged_in.get(run.get_absolute_url()).content.decode()
    assert "application en cours" in html and "Import de « orgs.csv »" in html
    assert "<progress" in html and "Appliquer l'import" not in html
    queued[0]()
    run.refresh_from_db()
    assert run.status == RunStatus.APPLIED and run.applied_at is not None
    assert Organisation.objects.count() == 2
    html = logged_in.get(run.get_absolute_url()).content.decode()
    assert "Import appliqué." in html and "Résultat" in html


def test_an_error_in_the_preview_refuses_the_run_in_words(
    logged_in, monkeypatch, django_capture_on_commit_callbacks
):
    source = registry.get("organisations")

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(type(source), "run", broken)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(logged_in)
    run = ImportRun.objects.get()
    assert run.status == RunStatus.REFUSED and run.job.status == JobStatus.FAILED
    html = logged_in.get(run.get_absolute_url()).content.decode()
    assert "Erreur :" in html and "erreur inattendue" in html and "RuntimeError" not in html
    assert "Appliquer l'import" not in html


# -- with the task runner's database, and the real worker --------------------------------------


def _dead_worker(n: int) -> str:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return f"{socket.gethostname()[:40]}:{process.pid}:run{n}"


def _killed_while_running(run: ImportRun, deaths: int) -> None:
    """The worker running the run's job died `deaths` times in the middle of it."""
    row = DBTaskResult.objects.get(pk=run.job.task_result_id)
    row.status = TaskResultStatus.RUNNING
    row.started_at = timezone.now()
    row.worker_ids = [_dead_worker(n) for n in range(deaths)]
    row.save()
    progress.start(run.job_id)


def test_the_worker_runs_the_preview(logged_in, database_tasks):
    _upload(logged_in)
    run = ImportRun.objects.get()
    assert DBTaskResult.objects.filter(pk=run.job.task_result_id).exists()
    output = _run_worker()
    assert "Simulation de l'import de « orgs.csv »" in output
    run.refresh_from_db()
    assert run.status == RunStatus.PREVIEWED and run.counts["created"] == 2


def test_a_preview_whose_worker_died_is_run_again(logged_in, database_tasks):
    _upload(logged_in)
    run = ImportRun.objects.get()
    _killed_while_running(run, 1)
    html = logged_in.get(run.get_absolute_url()).content.decode()
    assert "En cours" in html
    output = _run_worker()
    assert "1 relancée," in output
    run.refresh_from_db()
    assert run.status == RunStatus.PREVIEWED and run.job.status == JobStatus.DONE


def test_a_preview_whose_worker_died_for_good_is_refused_with_the_reason(logged_in, database_tasks):
    _upload(logged_in)
    run = ImportRun.objects.get()
    _killed_while_running(run, jobs.JOB_ATTEMPTS)
    assert jobs.recover_interrupted() == (0, 1)
    run.refresh_from_db()
    assert run.status == RunStatus.REFUSED and "s'est arrêté 3 fois" in run.error
    html = logged_in.get(run.get_absolute_url()).content.decode()
    assert "Erreur :" in html and "s&#x27;est arrêté 3 fois" in html
    assert "<progress" not in html


def test_an_application_whose_worker_died_for_good_can_be_applied_again(logged_in, database_tasks):
    _upload(logged_in)
    _run_worker()
    run = ImportRun.objects.get()
    logged_in.post(reverse("opendata:apply", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.APPLYING
    _killed_while_running(run, jobs.JOB_ATTEMPTS)
    assert jobs.recover_interrupted() == (0, 1)
    run.refresh_from_db()
    assert run.status == RunStatus.PREVIEWED and run.applied_by is None
    assert not Organisation.objects.exists()
    html = logged_in.get(run.get_absolute_url()).content.decode()
    assert "n'a pas pu être appliqué, rien n'a été écrit" in html
    assert "s&#x27;est arrêté 3 fois" in html
    assert "Appliquer l'import" in html
    # Applied again, by a worker that lives.
    logged_in.post(reverse("opendata:apply", args=[run.pk]))
    _run_worker()
    run.refresh_from_db()
    assert run.status == RunStatus.APPLIED and Organisation.objects.count() == 2
    assert Job.objects.filter(kind="opendata.import.apply").count() == 2
