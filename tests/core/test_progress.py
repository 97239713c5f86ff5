"""Long jobs as people follow them (core.progress, docs/decisions.md §19): the page of a job for
each role, its progress polled by htmx or refreshed without JavaScript, its outcome, throttled
progress writes, one job per key, and a job whose worker died marked failed with a reason."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.formats import number_format

from passerelles.core import jobs, progress
from passerelles.core.models import Job, JobStatus, JobUnit
from tests.users.factories import (
    AdminFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _job(owner=None, **fields) -> Job:
    job = progress.create(
        "tests.import", "Import de « orgs.csv »", owner=owner, unit=JobUnit.ROWS, url="/resultat/"
    )
    if fields:
        Job.objects.filter(pk=job.pk).update(**fields)
        job.refresh_from_db()
    return job


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _running(owner=None, done=1200, total=25000) -> Job:
    return _job(owner, status=JobStatus.RUNNING, done=done, total=total, message="Simulation")


# -- who sees a job ---------------------------------------------------------------------------


def test_the_address():
    job = _job()
    assert job.get_absolute_url() == reverse("core:job", args=[job.pk]) == f"/taches/{job.pk}/"


def test_visitors_are_asked_to_log_in():
    response = _client().get(_job(UserFactory()).get_absolute_url())
    assert response.status_code == 302
    assert reverse("users:login") in response["Location"]


@pytest.mark.parametrize("factory", [UserFactory, PartnerAbroadFactory])
def test_members_and_partners_abroad_see_their_own_jobs_only(factory):
    person = factory()
    assert _client(person).get(_job(person).get_absolute_url()).status_code == 200
    assert _client(person).get(_job(UserFactory()).get_absolute_url()).status_code == 403
    assert _client(person).get(_job(None).get_absolute_url()).status_code == 403


@pytest.mark.parametrize("factory", [StaffFactory, AdminFactory])
def test_staff_and_admins_follow_every_job(factory):
    assert _client(factory()).get(_job(UserFactory()).get_absolute_url()).status_code == 200


def test_an_unknown_job_is_not_found():
    assert _client(StaffFactory()).get("/taches/999999/").status_code == 404


# -- what the page says -----------------------------------------------------------------------


def test_a_running_job_shows_a_progress_bar_with_words_and_polls_itself():
    owner = UserFactory()
    job = _running(owner)
    html = _client(owner).get(job.get_absolute_url()).content.decode()
    assert "Import de « orgs.csv »" in html and "En cours" in html
    done, total = (number_format(n, force_grouping=True) for n in (1200, 25000))
    assert f"{done} / {total} lignes" in html
    assert '<progress id="job-' in html and 'max="25000" value="1200"' in html
    assert f'hx-get="/taches/{job.pk}/"' in html and 'hx-trigger="every 1s"' in html
    # Without JavaScript: the page refreshes itself, and a link does the same.
    assert '<noscript><meta http-equiv="refresh" content="2;url=?suivre=1"></noscript>' in html
    assert "Rafraîchir" in html
    assert "htmx" in html  # the script that polls


def test_a_queued_job_says_it_waits_for_a_worker():
    owner = UserFactory()
    html = _client(owner).get(_job(owner).get_absolute_url()).content.decode()
    assert "En attente" in html and "attend son tour" in html
    assert "<progress" in html  # indeterminate until the total is known


def test_htmx_gets_the_fragment_while_the_job_runs():
    owner = UserFactory()
    job = _running(owner)
    response = _client(owner).get(job.get_absolute_url(), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<section") and "<html" not in html
    assert 'hx-trigger="every 1s"' in html


def test_once_done_polling_stops_and_goes_to_the_result():
    owner = UserFactory()
    job = _running(owner)
    progress.finish(job, message="25 000 lignes : 3 créées.")
    client = _client(owner)
    response = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/resultat/"
    # Without JavaScript, the page's own refresh goes to the result too.
    response = client.get(job.get_absolute_url() + "?suivre=1")
    assert response.status_code == 302 and response["Location"] == "/resultat/"
    # Opened plainly, the page says how it ended and links to the result; no more polling.
    html = client.get(job.get_absolute_url()).content.decode()
    assert "Terminée" in html and "25 000 lignes : 3 créées." in html
    assert 'href="/resultat/"' in html and "Voir le résultat" in html
    assert "hx-trigger" not in html and "http-equiv" not in html


def test_a_failed_job_says_why_without_a_traceback():
    owner = UserFactory()
    job = _running(owner)
    Job.objects.filter(pk=job.pk).update(result_url="")
    job.result_url = ""
    assert progress.fail(job, "Fichier refusé : la colonne « name » manque.")
    response = _client(owner).get(job.get_absolute_url(), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "HX-Redirect" not in response
    assert "Échec" in html and "Erreur :" in html and "la colonne « name » manque" in html
    assert "hx-trigger" not in html
    assert not progress.fail(job, "again")  # an ended job stays as it ended


def test_a_result_address_off_the_site_is_never_followed():
    owner = UserFactory()
    job = _job(owner, status=JobStatus.DONE, result_url="https://evil.example/")
    response = _client(owner).get(job.get_absolute_url() + "?suivre=1")
    assert response.status_code == 200 and "evil.example" not in response.content.decode()


def test_the_staff_page_lists_recent_jobs_with_their_state():
    _running(UserFactory(full_name="Awa Diallo"))
    html = _client(StaffFactory()).get(reverse("core:jobs")).content.decode()
    assert "Travaux longs" in html and "Import de « orgs.csv »" in html
    assert "Awa Diallo" in html and "En cours" in html


# -- progress writes --------------------------------------------------------------------------


class _CountingCache:
    def __init__(self):
        self.writes = []

    def set(self, key, value, timeout=None):
        self.writes.append(value)

    def get(self, key):
        return self.writes[-1] if self.writes else None

    def delete(self, key):
        pass


def test_progress_is_written_at_most_once_a_second(monkeypatch):
    now = [1000.0]
    cache = _CountingCache()
    monkeypatch.setattr(progress, "clock", lambda: now[0])
    monkeypatch.setattr(progress, "_cache", lambda: cache)
    job = progress.start(_job().pk)
    report = progress.Reporter(job)
    for row in range(1, 100_001):
        report(row, 100_000)
    assert len(cache.writes) == 1  # the first; the others fell within the same second
    now[0] += progress.THROTTLE_SECONDS
    report(100_000, message="Fin")
    assert len(cache.writes) == 2 and cache.writes[-1]["done"] == 100_000
    report(100_000, force=True)
    assert len(cache.writes) == 3


def test_counters_reach_the_page_while_the_job_is_inside_a_transaction():
    """An import's transaction hides its writes until the end: the counters go through the
    shared cache, and the page reads them there."""
    owner = UserFactory()
    job = progress.start(_job(owner).pk)
    progress.Reporter(job)(1200, 25000, "Simulation : rien n'est écrit.")
    # The test runs in a transaction, like an import: the row was not touched.
    assert Job.objects.get(pk=job.pk).done == 0
    html = _client(owner).get(job.get_absolute_url()).content.decode()
    assert 'max="25000" value="1200"' in html and "Simulation : rien n&#x27;est écrit." in html


def test_a_job_is_not_run_twice_once_over():
    job = _job()
    assert progress.start(job.pk) is not None
    progress.finish(job)
    assert progress.start(job.pk) is None


def test_an_exception_marks_the_job_failed_in_words_and_reaches_the_runner():
    job = progress.start(_job().pk)
    with pytest.raises(ZeroDivisionError), progress.guard(job):
        1 / 0  # noqa: B018
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "erreur inattendue" in job.error and "ZeroDivision" not in job.error


def test_one_active_job_per_key():
    first = progress.create("tests.schedule", "Planning", key="event:1")
    with pytest.raises(progress.Busy) as busy:
        progress.create("tests.schedule", "Planning", key="event:1")
    assert busy.value.job == first
    assert progress.create("tests.schedule", "Planning", key="event:2")
    progress.finish(progress.start(first.pk))
    assert progress.create("tests.schedule", "Planning", key="event:1")


def test_seconds_move_on_between_the_solvers_reports():
    from datetime import timedelta

    from django.utils import timezone

    job = _job(
        status=JobStatus.RUNNING,
        unit=JobUnit.SECONDS,
        total=20,
        started_at=timezone.now() - timedelta(seconds=7),
    )
    assert 7 <= progress.live(job).done <= 20
    assert progress.live(job).progress_text.endswith("/ 20 secondes")


# -- a worker that died -------------------------------------------------------------------------


def _claimed_task(job: Job, worker_ids: list[str]):
    """The task runner's row of a job left running by a worker that died."""
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.create(
        task_path="tests.core.test_progress.nothing",
        args_kwargs={"args": [], "kwargs": {}},
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now(),
        worker_ids=worker_ids,
        backend_name="default",
        queue_name="default",
        priority=0,
        run_after=None,
    )
    progress.attach(job, row)
    progress.start(job.pk)
    return row


def _dead_worker(n: int) -> str:
    import socket
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return f"{socket.gethostname()[:40]}:{process.pid}:run{n}"


def test_a_job_whose_worker_died_waits_for_another():
    owner = UserFactory()
    job = _job(owner)
    _claimed_task(job, [_dead_worker(0)])
    assert jobs.recover_interrupted() == (1, 0)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and "reprend" in job.message
    html = _client(owner).get(job.get_absolute_url()).content.decode()
    assert "En attente" in html and "Interrompu par un arrêt du serveur" in html


def test_a_job_whose_worker_died_for_good_is_marked_failed_with_a_reason():
    owner = UserFactory()
    job = _job(owner)
    _claimed_task(job, [_dead_worker(n) for n in range(jobs.JOB_ATTEMPTS)])
    assert jobs.recover_interrupted() == (0, 1)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert "s'est arrêté 3 fois" in job.error and "relancer" in job.error
    assert "Traceback" not in job.error and "WorkerLost" not in job.error
    html = _client(owner).get(job.get_absolute_url()).content.decode()
    assert "Échec" in html and "s&#x27;est arrêté 3 fois" in html


def test_a_job_whose_task_ended_without_a_word_is_marked_failed_when_looked_at():
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    owner = UserFactory()
    job = _job(owner)
    row = _claimed_task(job, ["elsewhere:1:x"])
    DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.FAILED)
    html = _client(owner).get(job.get_absolute_url()).content.decode()
    assert "Échec" in html and "sans donner de résultat" in html
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED
