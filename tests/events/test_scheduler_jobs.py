"""The meeting scheduler run by the task worker (events.tasks): the page answers at once, shows
the run's progress (htmx or a refresh without JavaScript), then its outcome; one run at a time
per event; a scheduling error or a lost worker ends the run with a sentence."""

import pytest
from django.urls import reverse

from passerelles.core import jobs, progress
from passerelles.core.models import Job, JobStatus
from passerelles.events import tasks
from passerelles.events.enums import Priority
from passerelles.events.models import Meeting, MeetingRequest, ScheduleRun
from tests.events.factories import MeetingEventFactory, ParticipantFactory, make_slots, make_tables
from tests.users.factories import AdminFactory, PartnerAbroadFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = MeetingEventFactory(max_meetings=3)
    make_slots(event, 3)
    make_tables(event, 2)
    a, b = (ParticipantFactory(event=event, name=f"P{i}") for i in range(2))
    MeetingRequest.objects.create(requester=a, target=b, priority=Priority.MUST)
    return event


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(full_name="Awa Diallo"))
    return client


def _schedule(client, event):
    return client.post(reverse("events:schedule", args=[event.slug]), {"time_limit": 3})


def test_the_page_answers_at_once_then_shows_progress_then_the_outcome(
    staff_client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = _schedule(staff_client, event)
    job = Job.objects.get(kind=tasks.SCHEDULE)
    page_url = reverse("events:meetings-staff", args=[event.slug])
    assert response.status_code == 302 and response["Location"] == f"{page_url}?calcul={job.pk}"
    assert not Meeting.objects.exists()  # the request computed nothing
    html = staff_client.get(response["Location"]).content.decode()
    assert "Calcul du planning des rencontres" in html and "<progress" in html
    assert f'hx-get="/taches/{job.pk}/"' in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert "Un calcul est en cours" in html  # and the button waits
    for callback in queued:
        callback()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    run = ScheduleRun.objects.get(event=event)
    assert job.result == {"schedule_run": run.pk}
    # A proposal: nothing changes before staff apply it.
    assert not Meeting.objects.filter(event=event).exists()
    # The polling sends the page to the proposal, which says what would change.
    response = staff_client.get(f"/taches/{job.pk}/", headers={"HX-Request": "true"})
    preview_url = reverse("events:schedule-preview", args=[event.slug, run.pk])
    assert response["HX-Redirect"] == preview_url
    html = staff_client.get(preview_url).content.decode()
    assert "rencontre ajoutée" in html and "<progress" not in html and "http-equiv" not in html
    html = staff_client.get(f"{page_url}?calcul={job.pk}").content.decode()
    assert "Proposition prête : 1 rencontre ajoutée" in html
    assert "Une proposition de planning attend votre validation" in html


def test_a_second_run_for_the_same_event_is_refused_while_one_runs(
    staff_client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        _schedule(staff_client, event)
        response = _schedule(staff_client, event)
    assert response.status_code == 302
    html = staff_client.get(response["Location"]).content.decode()
    assert "Un calcul du planning est déjà en cours pour cet événement" in html
    assert "par Awa Diallo" in html
    assert Job.objects.filter(kind=tasks.SCHEDULE).count() == 1
    # Another event is not held up.
    other = MeetingEventFactory()
    make_slots(other, 1)
    make_tables(other, 1)
    with django_capture_on_commit_callbacks():
        _schedule(staff_client, other)
    assert Job.objects.filter(kind=tasks.SCHEDULE).count() == 2


def test_a_scheduling_error_ends_the_run_with_its_sentence(
    staff_client, django_capture_on_commit_callbacks
):
    event = MeetingEventFactory()  # no slots, no tables
    with django_capture_on_commit_callbacks(execute=True):
        response = _schedule(staff_client, event)
    job = Job.objects.get(kind=tasks.SCHEDULE)
    assert job.status == JobStatus.FAILED
    html = staff_client.get(response["Location"]).content.decode()
    assert "Erreur :" in html and "Définissez d&#x27;abord les créneaux" in html
    # Over: another run may be asked for.
    with django_capture_on_commit_callbacks():
        _schedule(staff_client, event)
    assert Job.objects.filter(kind=tasks.SCHEDULE).count() == 2


def test_a_run_whose_worker_died_for_good_frees_the_event(staff_client, event, database_tasks):
    import socket
    import subprocess
    import sys

    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    response = _schedule(staff_client, event)
    job = Job.objects.get(kind=tasks.SCHEDULE)
    dead = []
    for n in range(jobs.JOB_ATTEMPTS):
        process = subprocess.Popen([sys.executable, "-c", "pass"])
        process.wait()
        dead.append(f"{socket.gethostname()[:40]}:{process.pid}:run{n}")
    DBTaskResult.objects.filter(pk=job.task_result_id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_ids=dead
    )
    progress.start(job.pk)
    assert jobs.recover_interrupted() == (0, 1)
    html = staff_client.get(response["Location"]).content.decode()
    assert "Échec" in html and "s&#x27;est arrêté 3 fois" in html
    assert "Un calcul est en cours" not in html
    _schedule(staff_client, event)
    assert Job.objects.filter(kind=tasks.SCHEDULE).count() == 2


@pytest.mark.parametrize(
    ("factory", "status"),
    [(UserFactory, 403), (PartnerAbroadFactory, 403), (StaffFactory, 200), (AdminFactory, 200)],
)
def test_the_run_page_for_each_role(client, event, factory, status):
    job = tasks.start_schedule(event, StaffFactory(), time_limit=3, replan_all=False)
    client.force_login(factory())
    assert client.get(job.get_absolute_url()).status_code == status
    client.logout()
    response = client.get(job.get_absolute_url())
    assert response.status_code == 302 and reverse("users:login") in response["Location"]
