"""Staff pages for the day itself: the check-in list (search, print, one-click arrival) and the
attendance exports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passerelles.events import perms, services
from passerelles.events.enums import RegistrationStatus
from passerelles.events.exports import attendance_csv, attendance_xlsx
from passerelles.events.models import Event


def staff_event(request, slug) -> Event:
    """The event for a staff page; 403 for everyone else (login first for visitors)."""
    if not perms.can_manage_events(request.user):
        raise PermissionDenied
    return get_object_or_404(Event, slug=slug)


def _checkin_rows(event, query: str, status: str):
    registrations = event.registrations.select_related("organisation").order_by("name", "pk")
    if status == "all":
        registrations = registrations.active()
    elif status == "waiting":
        registrations = registrations.filter(status=RegistrationStatus.WAITING)
    elif status == "absent":
        registrations = registrations.confirmed().filter(checked_in_at__isnull=True)
    else:
        registrations = registrations.confirmed()
    if query:
        registrations = registrations.search(query)
    return registrations


def checkin_counts(event) -> dict:
    return event.registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        present=Count("pk", filter=Q(checked_in_at__isnull=False)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
    )


def checkin_list(request, slug):
    event = staff_event(request, slug)
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "confirmed")
    counts = checkin_counts(event)
    context = {
        "event": event,
        "registrations": _checkin_rows(event, query, status),
        "query": query,
        "status": status,
        "counts": counts,
    }
    # htmx filters swap the table only; a plain request (or the printed page) gets everything.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "events/staff/_checkin_rows.html", context)
    return render(request, "events/staff/checkin.html", context)


@require_POST
def checkin_toggle(request, slug, pk):
    event = staff_event(request, slug)
    registration = get_object_or_404(event.registrations.select_related("organisation"), pk=pk)
    present = request.POST.get("present", "1") == "1"
    try:
        services.check_in(registration, present=present)
    except services.RegistrationError as error:
        if request.htmx:
            return HttpResponse(str(error), status=400)
        messages.error(request, str(error))
    if request.htmx:
        # The row, and the counters above the list swapped out of band: "arrivé·es" follows.
        context = {"event": event, "registration": registration}
        context.update(counts=checkin_counts(event), oob=True)
        return render(request, "events/staff/_checkin_toggled.html", context)
    if present and registration.checked_in_at is not None:
        messages.success(request, _("%(name)s est arrivé·e.") % {"name": registration.name})
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("events:checkin", slug=event.slug)


def attendance_export(request, slug, fmt):
    event = staff_event(request, slug)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    registrations = (
        event.registrations.active()
        .select_related("organisation")
        .prefetch_related("sessions")
        .order_by("name", "pk")
    )
    if fmt == "xlsx":
        body = attendance_xlsx(registrations, event.title)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = attendance_csv(registrations)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="presences-{event.slug}.{fmt}"'
    return response
