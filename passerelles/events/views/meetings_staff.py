"""Staff side of the one-to-one meetings: slots, tables, running the scheduler, the schedule
grid with one-click check-in / cancel / lock, and a printable sheet per table."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passerelles.core import progress
from passerelles.core.models import Job
from passerelles.events import schedule_changes, scheduling, tasks
from passerelles.events.enums import MeetingStatus
from passerelles.events.forms import RunForm, SlotGeneratorForm, TablesForm
from passerelles.events.models import Meeting
from passerelles.events.views.staff import staff_event


def _meetings(event):
    return Meeting.objects.filter(event=event).select_related(
        "slot", "table", "a__organisation", "b__organisation"
    )


def dashboard(request, slug, *, slot_form=None, tables_form=None, run_form=None, status=200):
    event = staff_event(request, slug)
    slots = list(event.slots.order_by("starts_at"))
    tables = list(event.tables.order_by("position", "pk"))
    first_slot = slots[0].starts_at if slots else event.starts_at
    meetings = _meetings(event).order_by("slot__starts_at", "table__position", "pk")
    # On the day, staff follow one slot at a time: ?slot=<pk> shows its meetings only.
    shown_slot = next((s for s in slots if str(s.pk) == request.GET.get("slot")), None)
    if shown_slot is not None:
        meetings = meetings.filter(slot=shown_slot)
    pending = schedule_changes.pending(event)
    context = {
        "event": event,
        "slots": slots,
        "tables": tables,
        "meetings": meetings,
        "shown_slot": shown_slot,
        "summary": scheduling.summarise(event),
        "last_run": event.runs.filter(applied_at__isnull=False).first(),
        "pending_run": pending,
        "pending_changes": schedule_changes.describe(pending.summary["changes"]) if pending else "",
        "slot_form": slot_form
        or SlotGeneratorForm(
            initial={
                "start": timezone.localtime(first_slot).strftime("%Y-%m-%dT%H:%M"),
                "count": len(slots) or 8,
            }
        ),
        "tables_form": tables_form or TablesForm(initial={"count": len(tables) or 10}),
        "run_form": run_form or RunForm(),
        "schedule_job": _schedule_job(request, event),
    }
    return render(request, "events/staff/meetings.html", context, status=status)


@require_POST
def generate_slots(request, slug):
    event = staff_event(request, slug)
    form = SlotGeneratorForm(request.POST)
    if form.is_valid():
        try:
            slots = scheduling.generate_slots(event, **form.cleaned_data)
        except scheduling.SchedulingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(count)s créneaux créés.") % {"count": len(slots)})
            return redirect("events:meetings-staff", slug=event.slug)
    return dashboard(request, slug, slot_form=form, status=400)


@require_POST
def set_tables(request, slug):
    event = staff_event(request, slug)
    form = TablesForm(request.POST)
    if form.is_valid():
        try:
            tables = scheduling.set_tables(event, form.cleaned_data["count"])
        except scheduling.SchedulingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(count)s tables prêtes.") % {"count": len(tables)})
            return redirect("events:meetings-staff", slug=event.slug)
    return dashboard(request, slug, tables_form=form, status=400)


# The solver may run for two minutes: the worker runs it (events.tasks), and the meetings page
# follows its progress. The job and its task are written in the request's transaction.
@require_POST
def run_scheduler(request, slug):
    event = staff_event(request, slug)
    form = RunForm(request.POST)
    if not form.is_valid():
        return dashboard(request, slug, run_form=form, status=400)
    try:
        job = tasks.start_schedule(
            event,
            request.user,
            time_limit=float(form.cleaned_data["time_limit"]),
            replan_all=form.cleaned_data["replan_all"],
        )
    except progress.Busy as busy:
        messages.error(
            request,
            _(
                "Un calcul du planning est déjà en cours pour cet événement (demandé à "
                "%(time)s%(by)s) : attendez qu'il se termine avant d'en lancer un autre."
            )
            % {
                "time": date_format(timezone.localtime(busy.job.created_at), "TIME_FORMAT"),
                "by": _(" par %(name)s") % {"name": busy.job.owner} if busy.job.owner else "",
            },
        )
        return redirect("events:meetings-staff", slug=event.slug)
    return redirect(job.result_url)


def _schedule_job(request, event):
    """The scheduler job to show: the one running for the event, else the one the page was
    sent to follow (?calcul=<id>), to show how it ended."""
    runs = Job.objects.filter(key=tasks.schedule_key(event)).select_related("owner")
    job = runs.active().first()
    wanted = request.GET.get("calcul", "")
    if job is None and wanted.isdigit():
        job = runs.filter(pk=int(wanted)).first()
    return progress.live(progress.settle(job)) if job is not None else None


@require_POST
def meeting_status(request, slug, pk):
    event = staff_event(request, slug)
    meeting = get_object_or_404(_meetings(event), pk=pk)
    status = request.POST.get("status", "")
    error = None
    if status not in MeetingStatus.values:
        error = _("Statut de rencontre inconnu.")
    else:
        try:
            scheduling.set_status(meeting, status)
        except scheduling.SchedulingError as exc:
            error = str(exc)
    return _meeting_response(request, event, meeting, error)


@require_POST
def meeting_lock(request, slug, pk):
    event = staff_event(request, slug)
    meeting = get_object_or_404(_meetings(event), pk=pk)
    meeting.locked = request.POST.get("locked", "1") == "1"
    meeting.save(update_fields=["locked"])
    return _meeting_response(request, event, meeting, None)


def _meeting_response(request, event, meeting, error):
    if request.htmx:
        if error:
            return HttpResponse(error, status=400)
        # The row, and the counters above the planning swapped out of band.
        context = {"event": event, "meeting": meeting, "oob": True}
        context["summary"] = scheduling.summarise(event)
        return render(request, "events/staff/_meeting_changed.html", context)
    if error:
        messages.error(request, error)
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("events:meetings-staff", slug=event.slug)


def table_sheet(request, slug, pk):
    event = staff_event(request, slug)
    table = get_object_or_404(event.tables, pk=pk)
    meetings = _meetings(event).live().filter(table=table).order_by("slot__starts_at")
    by_slot = {meeting.slot_id: meeting for meeting in meetings}
    rows = [
        {"slot": slot, "meeting": by_slot.get(slot.pk)}
        for slot in event.slots.order_by("starts_at")
    ]
    return render(
        request, "events/staff/table_sheet.html", {"event": event, "table": table, "rows": rows}
    )
