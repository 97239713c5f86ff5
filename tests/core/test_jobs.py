"""The task runner (docs/decisions.md §19): e-mails leave the request, a mail server that hangs
costs the worker a bounded timeout and never a person's page, failures are retried then marked
failed, and a job whose worker died is run again or marked failed, never lost.

These tests switch from the immediate backend of the test settings to the database backend
that production uses, and run the real worker (`passerelles worker --batch`)."""

import logging
import smtplib
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from passerelles.core import jobs
from passerelles.core.mail import deliver, queue
from passerelles.core.models import MailStatus, OutgoingMail
from passerelles.events.models import Registration
from tests.events.factories import EventFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def run_worker() -> str:
    out = StringIO()
    call_command("worker", "--batch", stdout=out)
    return out.getvalue()


@pytest.fixture
def hanging_smtp(settings):
    """A mail server on loopback that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.05)
    accepted, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                connection, _address = server.accept()
            except TimeoutError:
                continue
            accepted.append(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.getsockname()[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 0.5
    yield accepted
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def _register(client, event):
    return client.post(event.get_absolute_url(), {"name": "Awa Diallo", "email": "awa@example.org"})


# -- a mail server that hangs ----------------------------------------------------------------


def test_registration_answers_at_once_and_the_worker_times_out(
    client, database_tasks, hanging_smtp, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client, event)
    registration = Registration.objects.get(email="awa@example.org")
    assert response.status_code == 302
    assert response["Location"] == registration.get_manage_url()
    # The page did not even try the mail server: the message waits in the outbox.
    assert hanging_smtp == []
    (message,) = OutgoingMail.objects.all()
    assert message.status == MailStatus.QUEUED

    started = time.monotonic()
    output = run_worker()
    assert time.monotonic() - started >= 0.5  # EMAIL_TIMEOUT, then it gave up this attempt
    assert len(hanging_smtp) == 1
    message.refresh_from_db()
    assert message.status == MailStatus.RETRYING
    assert message.attempts == 1
    assert "timed out" in message.last_error
    assert message.next_attempt_at > timezone.now()
    assert "nouvel essai prévu" in output
    # The next attempt is a job of its own, due later.
    assert DBTaskResult.objects.ready().count() == 0
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_password_reset_answers_at_once_and_the_worker_times_out(
    client, database_tasks, hanging_smtp, django_capture_on_commit_callbacks
):
    UserFactory(email="oubli@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("users:password_reset"), {"email": "oubli@example.org"})
    assert response.status_code == 302
    assert hanging_smtp == []
    run_worker()
    (message,) = OutgoingMail.objects.all()
    assert message.status == MailStatus.RETRYING
    assert "timed out" in message.last_error


def test_even_run_inline_a_hanging_server_never_answers_500(
    client, hanging_smtp, django_capture_on_commit_callbacks
):
    """The test settings' immediate backend runs the job inside the request: the page waits
    EMAIL_TIMEOUT, then says the registration is done."""
    event = EventFactory(capacity=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client, event)
    assert response.status_code == 302
    assert Registration.objects.filter(email="awa@example.org").exists()
    assert OutgoingMail.objects.get().status == MailStatus.RETRYING


# -- retries, then failure ------------------------------------------------------------------


def test_a_failing_server_is_retried_then_the_mail_is_marked_failed(
    settings, database_tasks, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    settings.PASSERELLES_MAIL_ATTEMPTS = 3
    caplog.set_level(logging.WARNING, logger="passerelles.mail")
    message = queue("awa@example.org", "Objet", "Texte")
    for attempt in (1, 2, 3):
        # Time passes: the planned attempt is due.
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
            run_after=timezone.now() - timedelta(seconds=1)
        )
        run_worker()
        message.refresh_from_db()
        assert message.attempts == attempt
    assert message.status == MailStatus.FAILED
    assert message.last_error.startswith("SMTPServerDisconnected")
    assert message.body == ""  # nothing kept of what the person would have read
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    assert any(
        r.levelno == logging.ERROR and "failed after 3 attempt(s)" in r.getMessage()
        for r in caplog.records
    )


def test_the_delays_grow():
    from passerelles.core.mail import backoff

    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 300, 1500, 7500]
    assert backoff(10) == timedelta(hours=6)


def test_a_sent_mail_is_not_sent_again(database_tasks):
    message = queue("awa@example.org", "Projet [x] & [/y]", "Texte")
    output = run_worker()
    # The worker's line shows the subject as typed (not read as terminal markup).
    assert "✓ Courriel « Projet [x] & [/y] » à a…@example.org" in output
    message.refresh_from_db()
    assert message.status == MailStatus.SENT
    assert message.body == ""
    # A second run of the same job (interrupted after the send, say) sends nothing.
    assert deliver.call(message.pk) == MailStatus.SENT
    assert len(mail.outbox) == 1


# -- a worker that died ---------------------------------------------------------------------


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _claimed(worker_ids, started_at=None):
    """The job row a worker left "running" when it died in the middle of sending."""
    message = queue("awa@example.org", "Objet", "Texte")
    row = DBTaskResult.objects.get()
    row.status = TaskResultStatus.RUNNING
    row.started_at = started_at or timezone.now()
    row.worker_ids = worker_ids
    row.save()
    OutgoingMail.objects.filter(pk=message.pk).update(status=MailStatus.SENDING, attempts=1)
    return message, row


def test_a_job_whose_worker_died_is_run_again(database_tasks):
    host = socket.gethostname()[:40]
    message, row = _claimed([f"{host}:{_dead_pid()}:gone"])
    output = run_worker()
    assert "1 relancée," in output
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert len(row.worker_ids) == 2
    message.refresh_from_db()
    assert message.status == MailStatus.SENT
    assert message.attempts == 2
    assert len(mail.outbox) == 1


def test_a_job_running_on_a_live_worker_is_left_alone(database_tasks):
    host = socket.gethostname()[:40]
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _message, row = _claimed([f"{host}:{sleeper.pid}:alive"])
        assert jobs.recover_interrupted() == (0, 0)
    finally:
        sleeper.kill()
        sleeper.wait()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING


def test_another_machines_job_is_taken_back_only_once_stale(settings, database_tasks):
    settings.PASSERELLES_JOB_STALE_SECONDS = 600
    _message, row = _claimed(["elsewhere:1234:abcd"], timezone.now() - timedelta(seconds=60))
    assert jobs.recover_interrupted() == (0, 0)
    row.started_at = timezone.now() - timedelta(seconds=601)
    row.save()
    assert jobs.recover_interrupted() == (1, 0)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY


def test_a_job_that_keeps_killing_its_worker_is_marked_failed(database_tasks):
    host = socket.gethostname()[:40]
    dead = [f"{host}:{_dead_pid()}:run{n}" for n in range(jobs.JOB_ATTEMPTS)]
    message, row = _claimed(dead)
    assert jobs.recover_interrupted() == (0, 1)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == jobs.LOST
    message.refresh_from_db()
    assert message.status == MailStatus.FAILED
    assert "worker stopped" in message.last_error


def test_the_worker_refuses_to_run_without_the_database_backend():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="TASKS"):
        call_command("worker", "--batch", stdout=StringIO())


# -- what people read -------------------------------------------------------------------------


def test_the_worker_sends_in_the_recipients_language_without_escaping(
    client, database_tasks, django_capture_on_commit_callbacks
):
    """Asked from a French page, sent later by a worker speaking French: the person who
    prefers English reads English, and the event's name as typed."""
    event = EventFactory(capacity=10, title="Ville d'Orléans & Co")
    person = UserFactory(email="ann@example.org", full_name="Ann", preferred_language="en")
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            event.get_absolute_url(),
            {"name": "Ann", "email": "ann@example.org"},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    assert response.status_code == 302
    assert mail.outbox == []
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["ann@example.org"]
    assert message.subject == "Registration confirmed: Ville d'Orléans & Co"
    assert "Ville d'Orléans & Co" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    assert OutgoingMail.objects.get().language == "en"


@task()
def _summary_job() -> dict:
    return {"created": 2, "rejected": 0}


def test_a_job_that_returns_json_is_logged_as_done(database_tasks):
    # The worker's log line looked the result up in a dict: a dict result (unhashable) made it
    # crash after the job had succeeded.
    _summary_job.enqueue()
    output = run_worker()
    row = DBTaskResult.objects.get(task_path=_summary_job.module_path)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == {"created": 2, "rejected": 0}
    assert "_summary_job" in output and "✓" in output
