"""The meeting scheduler run by the task worker (docs/decisions.md §19): the solver may compute
for up to two minutes, which no request should wait for. Staff follow its progress on the
meetings page (core.progress); one run at a time per event (the job's key).

Safe to run twice (a worker that died is replaced, core.jobs): the job is marked done in the
transaction that saves the schedule, so a second run after that finds it over."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from passerelles.core import jobs, progress
from passerelles.core.models import JobUnit
from passerelles.events import schedule_changes, scheduling
from passerelles.events.models import Event

SCHEDULE = "events.schedule"


def schedule_key(event: Event) -> str:
    return f"{SCHEDULE}:{event.pk}"


def start_schedule(event: Event, user, *, time_limit: float, replan_all: bool):
    """Queue a scheduler run for `event` and return its job. Raises progress.Busy while
    another run for the event is queued or running."""
    job = progress.create(
        SCHEDULE,
        _("Calcul du planning des rencontres de « %(event)s »") % {"event": event.title},
        owner=user,
        key=schedule_key(event),
        unit=JobUnit.SECONDS,
        total=int(time_limit),
    )
    # The result is the meetings page showing this run's outcome.
    job.result_url = (
        f"{reverse('events:meetings-staff', kwargs={'slug': event.slug})}?calcul={job.pk}"
    )
    job.save(update_fields=["result_url"])
    progress.attach(job, jobs.enqueue(schedule, event.pk, job.pk, float(time_limit), replan_all))
    return job


@task(takes_context=True)
def schedule(context, event_id: int, job_id: int, time_limit: float, replan_all: bool) -> str:
    job = progress.start(job_id, context)
    if job is None:
        return "over"
    with progress.guard(job):
        event = Event.objects.get(pk=event_id)
        report = progress.Reporter(job)
        report(0, message=_("Préparation des demandes et des disponibilités…"), force=True)

        def on_progress(info: dict) -> None:
            phase = info.get("phase", "")
            # A handful of phases: each is shown, whatever the throttle.
            label = scheduling.PHASES.get(phase, phase)
            report(int(info.get("seconds") or 0), message=label, force=True)

        def on_saved(run) -> None:
            counts = run.summary["changes"]
            progress.finish(
                job,
                message=_(
                    "Proposition prête : %(changes)s. Rien ne change avant que vous l'appliquiez."
                )
                % {"changes": schedule_changes.describe(counts)},
                result={"schedule_run": run.pk},
                url=reverse("events:schedule-preview", kwargs={"slug": event.slug, "pk": run.pk}),
            )

        try:
            # A proposal only: staff see what would change and apply it from its page.
            scheduling.compute(
                event,
                time_limit=time_limit,
                replan_all=replan_all,
                user=job.owner,
                on_progress=on_progress,
                on_saved=on_saved,
            )
        except scheduling.SchedulingError as error:
            progress.fail(job, str(error))
            return "refused"
    return "done"
