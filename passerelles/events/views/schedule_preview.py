"""Staff look at what a scheduler run would change before applying it: how good the proposed
schedule is (in words), meetings added, moved, removed and unchanged, and who is affected.
Applying writes the meetings and e-mails only those people (events.schedule_changes)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from passerelles.events import schedule_changes, scheduling
from passerelles.events.views.staff import staff_event


def preview(request, slug, pk):
    event = staff_event(request, slug)
    run = get_object_or_404(event.runs.select_related("started_by", "applied_by"), pk=pk)
    changes = schedule_changes.changes_of(run)
    counts = changes.counts()
    stale = run.applied_at is None and schedule_changes.is_stale(run)
    context = {
        "event": event,
        "run": run,
        "counts": counts,
        "summary": run.summary,
        "people": schedule_changes.per_person(event, changes),
        "stale": stale,
        "can_apply": run.applied_at is None and not stale and counts["people"] > 0,
    }
    return render(request, "events/staff/schedule_preview.html", context)


@require_POST
def apply(request, slug, pk):
    event = staff_event(request, slug)
    run = get_object_or_404(event.runs, pk=pk)
    try:
        changes = schedule_changes.apply(run, user=request.user, request=request)
    except scheduling.SchedulingError as error:
        messages.error(request, str(error))
        return redirect("events:schedule-preview", slug=event.slug, pk=run.pk)
    people = changes.counts()["people"]
    messages.success(
        request,
        _("Le nouveau planning est appliqué (%(changes)s).")
        % {"changes": schedule_changes.describe(changes.counts())}
        + " "
        + ngettext(
            "%(count)s personne est prévenue par e-mail de ce qui change pour elle.",
            "%(count)s personnes sont prévenues par e-mail de ce qui change pour elles.",
            people,
        )
        % {"count": people},
    )
    return redirect("events:meetings-staff", slug=event.slug)
