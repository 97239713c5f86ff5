"""The staff page of the task runner: recent e-mails and jobs, their state, attempts and last
error (docs/decisions.md §19). Read-only: the worker acts, staff see."""

from datetime import timedelta

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from passerelles.core import perms
from passerelles.core.models import MailStatus, OutgoingMail

SHOWN = 50

MAIL_BADGES = {
    MailStatus.SENT: "badge-success",
    MailStatus.FAILED: "badge-error",
    MailStatus.RETRYING: "badge-warning",
    MailStatus.REFUSED: "badge-warning",
}
# The library's own labels are English only; ours go through the catalogues.
JOB_LABELS = {
    TaskResultStatus.READY: _("En attente"),
    TaskResultStatus.RUNNING: _("En cours"),
    TaskResultStatus.FAILED: _("Échec"),
    TaskResultStatus.SUCCESSFUL: _("Terminée"),
}
JOB_BADGES = {
    TaskResultStatus.SUCCESSFUL: "badge-success",
    TaskResultStatus.FAILED: "badge-error",
    TaskResultStatus.RUNNING: "badge-info",
}


def jobs(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not perms.can_see_jobs(request.user):
        raise PermissionDenied
    mails = list(OutgoingMail.objects.defer("body")[:SHOWN])
    for mail in mails:
        mail.badge = MAIL_BADGES.get(mail.status, "")
    rows = list(
        DBTaskResult.objects.defer("args_kwargs", "return_value").order_by("-enqueued_at")[:SHOWN]
    )
    job_rows = [
        {
            "name": row.task_path.rsplit(".", 1)[-1],
            "path": row.task_path,
            "status": JOB_LABELS.get(row.status, row.status),
            "badge": JOB_BADGES.get(row.status, ""),
            "enqueued_at": row.enqueued_at,
            "finished_at": row.finished_at,
            # Each claim by a worker adds its id: an interrupted job run again counts twice.
            "attempts": len(row.worker_ids),
            "error": _last_line(row.traceback) if row.status == TaskResultStatus.FAILED else "",
        }
        for row in rows
    ]
    counts = {
        "waiting": OutgoingMail.objects.filter(
            status__in=[MailStatus.QUEUED, MailStatus.SENDING, MailStatus.RETRYING]
        ).count(),
        "failed": OutgoingMail.objects.filter(status=MailStatus.FAILED).count(),
        # The limits on outgoing mail at work (core.mail_limits), over the last day.
        "refused": OutgoingMail.objects.filter(
            status=MailStatus.REFUSED, created_at__gte=timezone.now() - timedelta(days=1)
        ).count(),
    }
    context = {"mails": mails, "jobs": job_rows, "counts": counts, "shown": SHOWN}
    return render(request, "core/jobs.html", context)


def _last_line(traceback: str) -> str:
    """The exception line of a traceback: what went wrong, without the stack."""
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
