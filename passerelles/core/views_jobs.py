"""The staff page of the task runner: recent e-mails and jobs, their state, attempts and last
error (docs/decisions.md §19). Read-only: the worker acts, staff see. And the page of one long
job (core.progress), for the person who asked for it: its progress, polled by htmx every
second or refreshed by the browser without JavaScript, then its outcome."""

from datetime import timedelta

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from passerelles.core import perms, progress
from passerelles.core.models import Job, MailStatus, OutgoingMail

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
    followed = [
        progress.live(progress.settle(job)) for job in Job.objects.select_related("owner")[:SHOWN]
    ]
    context = {
        "mails": mails,
        "jobs": job_rows,
        "followed": followed,
        "counts": counts,
        "shown": SHOWN,
    }
    return render(request, "core/jobs.html", context)


def job_detail(request, pk: int):
    """One job. An htmx request (the page polling itself) gets the progress fragment, or, once
    the job has ended, a redirect to its result. Without JavaScript the page refreshes itself
    with `?suivre=1` every two seconds, and that request is redirected to the result at the
    end; opened plainly, an ended job's page shows its outcome and a link to the result."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    job = get_object_or_404(Job, pk=pk)
    if not perms.can_follow_job(request.user, job):
        raise PermissionDenied
    job = progress.live(progress.settle(job))
    result_url = job.result_url if _safe(request, job.result_url) else ""
    following = request.htmx or request.GET.get("suivre")
    if not job.is_active and result_url and following:
        if request.htmx:
            return HttpResponseClientRedirect(result_url)
        return redirect(result_url)
    context = {"job": job, "result_url": result_url, "refresh_url": "?suivre=1"}
    if request.htmx:
        return render(request, "core/_job_progress.html", context)
    return render(request, "core/job.html", context)


def _safe(request, url: str) -> bool:
    # Result addresses are written by our own code; still, never send anyone off the site.
    return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})


def _last_line(traceback: str) -> str:
    """The exception line of a traceback: what went wrong, without the stack."""
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
