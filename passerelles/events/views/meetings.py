"""The participant's side of the one-to-one meetings, reached by the registration's secret link:
say what one offers and seeks, when one is available, browse the others and mark whom to
meet; then the personal agenda (page, print, iCalendar)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passerelles.events import perms, services
from passerelles.events.enums import Priority
from passerelles.events.exports import agenda_calendar
from passerelles.events.forms import MeetingProfileForm, ParticipantFilterForm, RequestForm
from passerelles.events.models import Availability, Meeting, MeetingRequest
from passerelles.events.scheduling import participants
from passerelles.events.views.public import registration_for
from passerelles.geo.models import Country
from passerelles.vocab.models import Theme

PAGE_SIZE = 30


def _participant(request, token):
    registration = registration_for(request, token)
    if not perms.can_take_part_in_meetings(registration):
        raise Http404
    return registration


def _others(registration):
    return (
        participants(registration.event)
        .exclude(pk=registration.pk)
        .select_related("organisation__country", "meeting_profile")
        .prefetch_related("organisation__themes")
        .order_by("name", "pk")
    )


def request_counts(registration) -> dict:
    """The counters above the list: requests sent by priority, people asking to meet me."""
    sent = dict.fromkeys(Priority.values, 0)
    for priority in registration.requests_made.values_list("priority", flat=True):
        sent[priority] += 1
    received = (
        registration.requests_received.exclude(priority=Priority.NO)
        .filter(requester__in=participants(registration.event))
        .count()
    )
    return {"must": sent[Priority.MUST], "wish": sent[Priority.WISH], "received": received}


def meetings_home(request, token):
    registration = _participant(request, token)
    event = registration.event
    profile = services.ensure_meeting_profile(registration)
    slots = event.slots.order_by("starts_at")
    if request.method == "POST":
        form = MeetingProfileForm(request.POST, instance=profile, slots=slots)
        if form.is_valid():
            with transaction.atomic():
                profile = form.save(commit=False)
                chosen = form.cleaned_data.get("available_slots")
                all_slots = set(slots.values_list("pk", flat=True))
                chosen_ids = {slot.pk for slot in chosen} if chosen is not None else all_slots
                # Every slot ticked means "available all day": no rows to keep in sync.
                profile.limited_availability = chosen_ids != all_slots
                profile.save()
                registration.availabilities.all().delete()
                if profile.limited_availability:
                    Availability.objects.bulk_create(
                        Availability(registration=registration, slot_id=pk) for pk in chosen_ids
                    )
            messages.success(request, _("Votre profil de rencontres est enregistré."))
            return redirect("events:meetings", token=registration.token)
    else:
        form = MeetingProfileForm(instance=profile, slots=slots)

    others = _others(registration)
    themes = Theme.objects.filter(organisations__event_registrations__in=others).distinct()
    countries = Country.objects.filter(
        active_organisations__event_registrations__in=others
    ).distinct()
    filters = ParticipantFilterForm(request.GET or None, themes=themes, countries=countries)
    page = Paginator(filters.filter(others), PAGE_SIZE).get_page(request.GET.get("page"))
    mine = dict(registration.requests_made.values_list("target_id", "priority"))
    asked_me = set(
        registration.requests_received.exclude(priority=Priority.NO).values_list(
            "requester_id", flat=True
        )
    )
    rows = [
        {"person": other, "priority": mine.get(other.pk, ""), "asked_me": other.pk in asked_me}
        for other in page.object_list
    ]
    querystring = request.GET.copy()
    querystring.pop("page", None)
    context = {
        "registration": registration,
        "event": event,
        "form": form,
        "filters": filters,
        "rows": rows,
        "page_obj": page,
        "querystring": querystring.urlencode(),
        "request_counts": request_counts(registration),
        "priorities": Priority.choices,
    }
    if request.htmx and request.htmx.target == "participants":
        return render(request, "events/meetings/_participants.html", context)
    return render(request, "events/meetings/home.html", context)


@require_POST
def set_request(request, token, pk):
    registration = _participant(request, token)
    target = get_object_or_404(participants(registration.event).exclude(pk=registration.pk), pk=pk)
    form = RequestForm(request.POST)
    if not form.is_valid():
        message = _("Choix inconnu : indispensable, souhaité, non merci ou aucune.")
        if request.htmx:
            return HttpResponse(message, status=400)
        messages.error(request, message)
        return redirect("events:meetings", token=registration.token)
    priority = form.cleaned_data["priority"]
    if priority:
        MeetingRequest.objects.update_or_create(
            requester=registration, target=target, defaults={"priority": priority}
        )
    else:
        MeetingRequest.objects.filter(requester=registration, target=target).delete()
    if request.htmx:
        asked_me = (
            target.requests_made.filter(target=registration).exclude(priority=Priority.NO).exists()
        )
        row = {"person": target, "priority": priority, "asked_me": asked_me}
        context = {"registration": registration, "row": row, "priorities": Priority.choices}
        # The card, and the counters above the list swapped out of band.
        context.update(request_counts=request_counts(registration), oob=True)
        return render(request, "events/meetings/_request_done.html", context)
    messages.success(
        request, _("Votre choix pour %(name)s est enregistré.") % {"name": target.name}
    )
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("events:meetings", token=registration.token)


def _agenda_meetings(registration):
    return list(
        Meeting.objects.live()
        .involving(registration)
        .select_related("slot", "table", "a__organisation", "b__organisation")
        .order_by("slot__starts_at")
    )


def agenda(request, token):
    registration = _participant(request, token)
    meetings = _agenda_meetings(registration)
    context = {
        "registration": registration,
        "event": registration.event,
        "items": [{"meeting": m, "other": m.other(registration)} for m in meetings],
        "sessions": registration.sessions.all(),
    }
    return render(request, "events/meetings/agenda.html", context)


def agenda_ics(request, token):
    registration = _participant(request, token)
    body = agenda_calendar(
        registration,
        _agenda_meetings(registration),
        agenda_url=request.build_absolute_uri(registration.get_manage_url()),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="rencontres-{registration.event.slug}.ics"'
    )
    return response
