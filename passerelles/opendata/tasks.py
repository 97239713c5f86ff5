"""Imports run by the task worker (docs/decisions.md §19), never inside a request: the preview
(a dry run: every write made, then rolled back) and the application (the same, kept) of an
ImportRun, each a job whose progress the person follows on the run's page (core.progress).

    run = ImportRun(…, status=RunStatus.PENDING); run.save()
    tasks.start_preview(run, user)        # the preview job
    if run.claim_for_apply(user):
        tasks.start_apply(run, user)      # the application job

Both are safe to run twice (a worker that died is replaced, core.jobs): the preview recomputes
what it found; the application marks the run applied in the transaction of its writes, so a
second run finds it applied and writes nothing. A job that fails (an exception, a worker lost
for good) leaves the run as it was before: a preview refused with the reason, an application
that may be tried again."""

import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from passerelles.core import jobs, progress
from passerelles.opendata import registry
from passerelles.opendata.models import ImportRun, RunStatus
from passerelles.opendata.report import ImportReport

PREVIEW = "opendata.import.preview"
APPLY = "opendata.import.apply"
ROWS_KEPT = 1000  # rows of a report stored on the run (rejections first)


def start_preview(run: ImportRun, user) -> None:
    """Queue the preview of a saved, pending run (in the caller's transaction)."""
    job = progress.create(
        PREVIEW,
        _("Simulation de l'import de « %(name)s »") % {"name": run.file_name},
        owner=user,
        unit=registry.get(run.kind).unit,
        url=run.get_absolute_url(),
    )
    _attach(run, job, preview)


def start_apply(run: ImportRun, user) -> None:
    """Queue the application of a run claimed for it (ImportRun.claim_for_apply), or created
    "applying" by an API import that skips the preview."""
    job = progress.create(
        APPLY,
        _("Import de « %(name)s »") % {"name": run.file_name},
        owner=user,
        unit=registry.get(run.kind).unit,
        total=run.records,
        url=run.get_absolute_url(),
    )
    _attach(run, job, apply)


def _attach(run: ImportRun, job, task_function) -> None:
    run.job = job
    run.save(update_fields=["job"])
    progress.attach(job, jobs.enqueue(task_function, run.pk, job.pk))


@task(takes_context=True)
def preview(context, run_id: int, job_id: int) -> str:
    job = progress.start(job_id, context)
    if job is None:
        return "over"
    with progress.guard(job):
        run = ImportRun.objects.get(pk=run_id)
        if run.status != RunStatus.PENDING:
            # Previewed by an earlier run of this job that died before saying so.
            progress.finish(job)
            return run.status
        report_progress = progress.Reporter(job)
        source = registry.get(run.kind)
        content = bytes(run.content)
        report_progress(0, message=_("Lecture du fichier…"), force=True)
        total = source.count_records(io.BytesIO(content))
        report_progress(0, total, _("Simulation : rien n'est écrit."), force=True)
        report = source.run(
            io.BytesIO(content),
            wet_run=False,
            user=job.owner,
            name=run.file_name,
            on_row=_counter(report_progress),
        )
        store(run, report)
        run.records = total
        run.status = RunStatus.REFUSED if report.error else RunStatus.PREVIEWED
        with transaction.atomic():
            run.save(update_fields=["counts", "rows", "error", "status", "records"])
            _end(job, report)
        return run.status


@task(takes_context=True)
def apply(context, run_id: int, job_id: int) -> str:
    job = progress.start(job_id, context)
    if job is None:
        return "over"
    with progress.guard(job):
        run = ImportRun.objects.get(pk=run_id)
        source = registry.get(run.kind)
        content = bytes(run.content)
        report_progress = progress.Reporter(job)
        total = run.records
        if total is None:
            report_progress(0, message=_("Lecture du fichier…"), force=True)
            total = source.count_records(io.BytesIO(content))
        report_progress(0, total, _("Écriture en cours…"), force=True)
        # One transaction for the import's writes, the run marked applied and the job ended:
        # all or nothing, and a second run of this job finds the run applied.
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().get(pk=run_id)
            if run.status != RunStatus.APPLYING:
                progress.finish(job)
                return run.status
            report = source.run(
                io.BytesIO(content),
                wet_run=True,
                user=job.owner or run.applied_by,
                name=run.file_name,
                on_row=_counter(report_progress),
            )
            store(run, report)
            run.records = total if run.records is None else run.records
            if report.error:
                run.status = RunStatus.REFUSED
            else:
                run.status, run.applied_at = RunStatus.APPLIED, timezone.now()
            run.created_ids = report.created_ids
            run.save(
                update_fields=[
                    "counts",
                    "rows",
                    "error",
                    "status",
                    "records",
                    "applied_at",
                    "created_ids",
                ]
            )
            _end(job, report)
        return run.status


def _end(job, report: ImportReport) -> None:
    if report.error:
        progress.fail(
            job,
            _("Fichier refusé : %(error)s Rien n'a été écrit.") % {"error": report.error},
        )
    else:
        progress.finish(job, message=report.summary(), result={"counts": dict(report.counts)})


def _counter(report_progress):
    """An `on_row` callback counting records: an IATI activity may give several outcomes (its
    project, its organisations), all with the activity's position."""
    state = {"done": 0, "row": object()}

    def on_row(outcome) -> None:
        if outcome.row != state["row"]:
            state["row"] = outcome.row
            state["done"] += 1
            report_progress(state["done"])

    return on_row


def store(run: ImportRun, report: ImportReport) -> None:
    """The report's counts and first rows on the run (rejections first), as the page shows
    them."""
    run.counts = dict(report.counts)
    run.error = report.error
    kept = [*report.rejections[:ROWS_KEPT], *report.details][:ROWS_KEPT]
    run.rows = [
        {
            "row": o.row,
            "outcome": o.outcome,
            "outcome_label": o.outcome_label,
            "label": o.label,
            "reason": o.reason,
            "kind": o.kind,
        }
        for o in kept
    ]


@progress.on_failure(PREVIEW)
def _preview_failed(job) -> None:
    # The preview wrote nothing: the run is refused with the job's reason.
    ImportRun.objects.filter(job=job, status=RunStatus.PENDING).update(
        status=RunStatus.REFUSED, error=job.error
    )


@progress.on_failure(APPLY)
def _apply_failed(job) -> None:
    # The application's transaction was rolled back: nothing was written. A previewed run may
    # be applied again; one sent straight to the application (by the API) has no preview to
    # go back to, and is refused with the reason.
    for run in ImportRun.objects.filter(job=job, status=RunStatus.APPLYING).defer("content"):
        if run.counts:
            run.status, run.applied_by = RunStatus.PREVIEWED, None
        else:
            run.status, run.error = RunStatus.REFUSED, job.error
        run.save(update_fields=["status", "applied_by", "error"])
