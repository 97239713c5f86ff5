"""Freezing a year, run by the task worker (docs/decisions.md §19, §33): computing every
indicator twice (French and English) takes a few seconds on a large directory, which no request
should wait for. Staff follow it on /taches/<id>/ and on the freezing screen; one freezing at a
time (the job's key).

Safe to run twice: the snapshot and the job's end commit together, and a second run finds the
job over (or the year frozen, and says so)."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from passerelles.core import jobs, progress
from passerelles.observatory import actions, computed

FREEZE = "observatory.freeze"


def start_freeze(year: int, user):
    """Queue the freezing of `year` and return its job. Raises actions.FreezeRefused at once
    for a year that cannot be frozen, progress.Busy while another freezing runs."""
    actions.check_freezable(year)
    job = progress.create(
        FREEZE,
        _("Figer les chiffres de l'observatoire pour %(year)s") % {"year": year},
        owner=user,
        key=FREEZE,
    )
    job.result_url = f"{reverse('observatory:freeze')}?job={job.pk}"
    job.save(update_fields=["result_url"])
    progress.attach(job, jobs.enqueue(freeze, year, job.pk))
    return job


@task(takes_context=True)
def freeze(context, year: int, job_id: int) -> str:
    job = progress.start(job_id, context)
    if job is None:
        return "over"
    with progress.guard(job):
        report = progress.Reporter(job)
        report(0, message=_("Calcul des indicateurs…"), force=True)

        def on_indicator(done, total, name):
            report(
                0,
                message=_("Indicateur %(done)s sur %(total)s : %(name)s")
                % {"done": done, "total": total, "name": name},
            )

        try:
            with transaction.atomic():
                snapshot = actions.freeze_year(year, by=job.owner, on_indicator=on_indicator)
                progress.finish(
                    job,
                    message=_("Les chiffres de %(year)s sont figés.") % {"year": year},
                    result={"year": snapshot.year},
                    url=snapshot.get_absolute_url(),
                )
        except actions.FreezeRefused as refused:
            progress.fail(job, " ".join(refused.messages))
            return "refused"
    return "done"


@task()
def refresh_figures(query: dict, staff: bool, language: str) -> str:
    """Compute the live figures of one page of the observatory after a change (computed.py):
    the page shows the previous ones, dated, meanwhile. No progress to follow: nobody waits."""
    computed.refresh(query, staff, language)
    return "done"
