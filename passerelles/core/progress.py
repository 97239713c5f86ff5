"""Long jobs as the person who asked for them follows them (docs/decisions.md §19): a `Job` row
(core.models) says what the job is, how far it got and how it ended; /taches/<id>/ shows it.

    job = progress.create("opendata.import.preview", _("Simulation de …"), owner=user,
                          unit=JobUnit.ROWS, url=run.get_absolute_url())
    progress.attach(job, jobs.enqueue(my_task, run.pk, job.pk))

    @task(takes_context=True)
    def my_task(context, run_id, job_id):
        job = progress.start(job_id, context)
        if job is None:
            return "over"  # a second run of a job that already ended
        with progress.guard(job):
            report = progress.Reporter(job)
            for n, row in enumerate(rows, 1):
                report(n, total)  # throttled
            progress.finish(job, message=_("…"))

Live counters. An import runs in one transaction: a counter written to the job's row from inside
it would be seen by nobody before the end (and, from a second connection, would wait for
SQLite's write lock). So the counters go to a cache the web and the worker share (the
"progress" cache: files in PASSERELLES_VAR_DIR by default, settings CACHES) and, when the job is
not inside a transaction, to the row as well. Either way at most once a second
(THROTTLE_SECONDS): a 100,000-row import does not write 100,000 times. The final state (done
or failed, with a message, the result's address and a short JSON result) is always on the row.

Nothing is silently lost: an exception in the job marks it failed with a readable sentence
(`guard`); a worker that died is seen by core.jobs.recover_interrupted, which puts the job back
in the queue (`interrupted`) or, after its last attempt, marks it failed; a job the task runner
ended without a word is marked failed when someone looks at it (`settle`). Apps may react to
their jobs failing (`on_failure`), e.g. to make an import appliable again."""

import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passerelles.core.models import ACTIVE_JOB_STATUSES, Job, JobStatus, JobUnit

THROTTLE_SECONDS = 1.0
CACHE_ALIAS = "progress"
CACHE_TIMEOUT = 24 * 3600
# Replaced by tests to count writes without waiting.
clock = time.monotonic

_FAILURE_HANDLERS: dict[str, list[Callable[[Job], None]]] = {}


class Busy(Exception):
    """Another job with the same key is queued or running; `job` is that one."""

    def __init__(self, job: Job):
        super().__init__(job.label)
        self.job = job


def create(
    kind: str,
    label,
    *,
    owner=None,
    key: str = "",
    unit: str = "",
    total: int | None = None,
    url: str = "",
) -> Job:
    """A queued job, in the caller's transaction. Raises Busy when `key` is taken by a job
    still queued or running."""
    if key:
        for active in Job.objects.active().filter(key=key):
            settle(active)
    try:
        with transaction.atomic():
            return Job.objects.create(
                kind=kind,
                label=str(label)[:200],
                owner=owner if owner is not None and owner.is_authenticated else None,
                key=key,
                unit=unit,
                total=total,
                result_url=url,
                language=(translation.get_language() or settings.LANGUAGE_CODE)[:5],
            )
    except IntegrityError:
        active = Job.objects.active().filter(key=key).first() if key else None
        if active is None:
            raise
        raise Busy(active) from None


def attach(job: Job, task_result) -> None:
    """Remember the task runner's id for the job (jobs.enqueue returns the result with the
    database backend; with the immediate one, `start` records it)."""
    if task_result is not None:
        job.task_result_id = str(task_result.id)
        Job.objects.filter(pk=job.pk).update(task_result_id=job.task_result_id)


def start(job_id: int, context=None) -> Job | None:
    """Mark the job running (the task's first line). None when the job is over: the task is
    running a second time after a worker died past the job's end, and has nothing to do."""
    task_result_id = str(context.task_result.id) if context is not None else ""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or not job.is_active:
            return None
        job.status = JobStatus.RUNNING
        job.started_at = timezone.now()
        job.task_result_id = task_result_id or job.task_result_id
        job.save(update_fields=["status", "started_at", "task_result_id"])
    return job


@contextmanager
def guard(job: Job):
    """Run the block in the job's language (what it writes is for the person who asked); an
    exception marks the job failed with a sentence, then goes on to the task runner, which
    keeps its traceback for the administrators."""
    with translation.override(job.language):
        try:
            yield job
        except Exception:
            fail(
                job,
                _(
                    "Une erreur inattendue a arrêté ce travail. L'équipe du réseau en trouve le "
                    "détail sur la page « Courriels et tâches »."
                ),
            )
            raise


class Reporter:
    """`report(done, total, message)`: the job's counters, written at most once a second."""

    def __init__(self, job: Job):
        self.job = job
        self._written_at: float | None = None

    def __call__(self, done: int, total: int | None = None, message=None, *, force=False):
        job = self.job
        job.done = max(0, int(done))
        if total is not None:
            job.total = max(0, int(total))
        if message is not None:
            job.message = str(message)[:300]
        now = clock()
        if not force and self._written_at is not None and now - self._written_at < THROTTLE_SECONDS:
            return
        self._written_at = now
        _cache().set(
            _cache_key(job),
            {"done": job.done, "total": job.total, "message": job.message},
            CACHE_TIMEOUT,
        )
        if not connection.in_atomic_block:
            Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                done=job.done, total=job.total, message=job.message
            )


def finish(job: Job, *, message="", result: dict | None = None, url: str | None = None) -> None:
    """The job ended well. Call it in the transaction that commits the job's work, so that a
    second run (after a worker died) finds the job over and does nothing."""
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.message = str(message)[:300] if message else job.message
    job.result = result or {}
    if url is not None:
        job.result_url = url
    Job.objects.filter(pk=job.pk, status__in=ACTIVE_JOB_STATUSES).update(
        status=job.status,
        finished_at=job.finished_at,
        done=job.done,
        total=job.total,
        message=job.message,
        result=job.result,
        result_url=job.result_url,
    )
    _forget_on_commit(job)


def fail(job: Job, error) -> bool:
    """The job ended badly; `error` says why in a sentence (no traceback). False when the job
    had already ended."""
    error = str(error)[:2000]
    with transaction.atomic():
        ended = Job.objects.filter(pk=job.pk, status__in=ACTIVE_JOB_STATUSES).update(
            status=JobStatus.FAILED, error=error, finished_at=timezone.now()
        )
        if ended:
            job.status, job.error = JobStatus.FAILED, error
            for handler in _FAILURE_HANDLERS.get(job.kind, ()):
                handler(job)
    _forget_on_commit(job)
    return bool(ended)


def on_failure(kind: str):
    """Register `handler(job)`, called in the transaction that marks a job of `kind` failed
    (an exception, a worker lost for good, a task ended without a word). Register at import
    time of a module the app's `ready()` imports: the worker must know it before any job."""

    def register(handler):
        _FAILURE_HANDLERS.setdefault(kind, []).append(handler)
        return handler

    return register


def interrupted(task_result_id, *, given_up: bool, attempts: int = 0) -> None:
    """The worker running this task died (core.jobs.recover_interrupted): its job waits for
    another worker, or, given up, is marked failed with the reason."""
    for job in Job.objects.active().filter(task_result_id=str(task_result_id)):
        with translation.override(job.language):
            if given_up:
                fail(
                    job,
                    ngettext(
                        "Le serveur qui exécutait ce travail s'est arrêté (redémarrage, mise à "
                        "jour, manque de mémoire) : le travail est abandonné. Vous pouvez le "
                        "relancer.",
                        "Le serveur qui exécutait ce travail s'est arrêté %(n)s fois "
                        "(redémarrage, mise à jour, manque de mémoire) : le travail est "
                        "abandonné. Vous pouvez le relancer.",
                        attempts,
                    )
                    % {"n": attempts},
                )
            else:
                Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                    status=JobStatus.QUEUED,
                    started_at=None,
                    message=_(
                        "Interrompu par un arrêt du serveur : le travail reprend depuis le début "
                        "dès qu'un worker est libre."
                    ),
                )
                _cache().delete(_cache_key(job))


def settle(job: Job) -> Job:
    """A job still active whose task the runner has ended (it failed before the job's first
    line, or the database failed while the job said how it ended): marked failed now."""
    if not job.is_active or not job.task_result_id:
        return job
    try:
        task_id = uuid.UUID(job.task_result_id)
    except ValueError:
        return job  # not a database backend's task: nothing to look up
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    status = DBTaskResult.objects.filter(pk=task_id).values_list("status", flat=True).first()
    if status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL):
        with translation.override(job.language):
            fail(
                job,
                _(
                    "Ce travail s'est arrêté sans donner de résultat. L'équipe du réseau en "
                    "trouve le détail sur la page « Courriels et tâches »."
                ),
            )
    return job


def live(job: Job) -> Job:
    """The job with its latest counters: those of the cache while it runs."""
    if job.status == JobStatus.RUNNING:
        data = _cache().get(_cache_key(job))
        if data:
            job.done, job.total, job.message = data["done"], data["total"], data["message"]
        if job.unit == JobUnit.SECONDS and job.started_at is not None:
            # A solver reports between phases only; the clock moves on in between.
            elapsed = int((timezone.now() - job.started_at).total_seconds())
            job.done = max(job.done, min(elapsed, job.total if job.total else elapsed))
    return job


def label_for_task(task_result_id) -> str | None:
    """What the job of a task is, for the worker's log."""
    return (
        Job.objects.filter(task_result_id=str(task_result_id))
        .values_list("label", flat=True)
        .first()
    )


def _forget_on_commit(job: Job) -> None:
    # Until the job's end is committed, the pages still read its counters in the cache.
    key = _cache_key(job)
    transaction.on_commit(lambda: _cache().delete(key))


def _cache():
    return caches[CACHE_ALIAS if CACHE_ALIAS in settings.CACHES else "default"]


def _cache_key(job: Job) -> str:
    # The creation time too: an id may come back (a database restored from a backup) while
    # the cache still holds an older job's counters.
    return f"passerelles:job:{job.pk}:{job.created_at.timestamp():.6f}"
