"""The task runner's house rules (docs/decisions.md §19): how a job is enqueued with the rows it
works on, who the worker is, and what happens to a job whose worker died.

django-tasks runs the jobs (its database backend in production, the immediate one in tests).
What it does not do, this module does: a worker killed in the middle of a job (deploy, OOM,
`kill -9`) leaves the job's row "running" for ever; `recover_interrupted` finds such rows and
either hands them back to the queue or, after their last attempt, marks them failed with a
readable reason, and so is the job the person follows (core.progress). Nothing is silently
lost."""

import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskResultStatus
from django_tasks_db import DatabaseBackend

logger = logging.getLogger("passerelles.jobs")

# A job whose worker died this many times is given up: it probably kills its worker.
JOB_ATTEMPTS = 3
LOST = "passerelles.core.jobs.WorkerLost"


# Small periodic chores the apps register (`housekeeping`): the worker runs them with its check
# for interrupted jobs, so a site with a worker needs no cron for them.
_HOUSEKEEPING: dict[str, object] = {}


def housekeeping(name: str, chore) -> None:
    """Register `chore()` (cheap, idempotent, safe to run at any time) under `name`."""
    _HOUSEKEEPING[name] = chore


def run_housekeeping() -> dict[str, object]:
    """Run every registered chore; one that fails is logged and does not stop the others (nor
    the worker)."""
    results = {}
    for name, chore in list(_HOUSEKEEPING.items()):
        try:
            results[name] = chore()
        except Exception:
            logger.exception("Housekeeping %s failed", name)
            results[name] = None
    return results


class WorkerLost(Exception):
    """The worker running the job stopped before the job ended."""


def enqueue(task, *args, **kwargs):
    """Enqueue `task` so that the job exists if and only if the caller's rows do.

    With the database backend, the job row is written in the caller's transaction: both commit
    or neither does, and a crash right after the commit loses nothing. With another backend
    (immediate, in tests) the job is enqueued once the transaction has committed, so that it
    runs on committed rows."""
    if isinstance(task.get_backend(), DatabaseBackend):
        return task.enqueue(*args, **kwargs)
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
    return None


def supports_defer(task) -> bool:
    return task.get_backend().supports_defer


def _hostname() -> str:
    return socket.gethostname()[:40]


def new_worker_id() -> str:
    """`host:pid:random`: enough to tell, on this machine, whether the worker still lives."""
    return f"{_hostname()}:{os.getpid()}:{get_random_string(8)}"


def _worker_alive(worker_id: str) -> bool | None:
    """True or False for a worker of this machine, None for one we cannot check."""
    host, _, rest = worker_id.partition(":")
    pid = rest.partition(":")[0]
    if host != _hostname() or not pid.isdigit():
        return None
    if int(pid) == os.getpid():
        # This process is between two jobs when it looks (the worker runs one job at a time), so
        # a row claimed by this pid is left over from an earlier process that had the same pid
        # (a container's pid 1 restarted) or from this one: either way nothing runs it.
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _interrupted(row, now) -> bool:
    alive = _worker_alive(row.worker_ids[-1]) if row.worker_ids else False
    if alive is not None:
        return not alive
    stale = timedelta(seconds=settings.PASSERELLES_JOB_STALE_SECONDS)
    return row.started_at is None or row.started_at < now - stale


def recover_interrupted() -> tuple[int, int]:
    """Hand interrupted jobs back to the queue, or fail them after JOB_ATTEMPTS workers died
    running them. Returns (requeued, failed)."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    requeued = failed = 0
    for row in DBTaskResult.objects.running().order_by("started_at"):
        if not _interrupted(row, now):
            continue
        running = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING)
        if len(row.worker_ids) < JOB_ATTEMPTS:
            # worker_ids keeps growing with each claim: it counts the attempts.
            if running.update(status=TaskResultStatus.READY, started_at=None):
                requeued += 1
                logger.warning("Job %s (%s) was interrupted: queued again", row.pk, row.task_path)
                _after_requeue(row)
            continue
        reason = (
            f"{LOST}: the worker stopped while running this job, {len(row.worker_ids)} times; "
            "given up."
        )
        if running.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=LOST,
            traceback=reason,
        ):
            failed += 1
            logger.error("Job %s (%s) was interrupted: marked failed", row.pk, row.task_path)
            _after_lost(row, reason)
    return requeued, failed


def _after_requeue(row) -> None:
    # The person following the job sees it waiting again, not frozen "running".
    from passerelles.core import progress

    progress.interrupted(row.pk, given_up=False)


def _after_lost(row, reason: str) -> None:
    # The outbox row of a given-up mail job must not stay "being sent" for ever, nor a
    # followed job "running" (core.progress: failed, with a reason the person can read).
    from passerelles.core import mail, progress

    if row.task_path == mail.deliver.module_path and row.args_kwargs.get("args"):
        mail.give_up(row.args_kwargs["args"][0], reason)
    progress.interrupted(row.pk, given_up=True, attempts=len(row.worker_ids))
