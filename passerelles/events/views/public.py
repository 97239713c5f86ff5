"""Public pages: upcoming events, an event with its registration form, iCalendar files, and
the page where a person manages their registration (reached by the secret link)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passerelles.events import perms, services
from passerelles.events.exports import event_calendar
from passerelles.events.forms import RegistrationForm
from passerelles.events.models import Event, Meeting, Registration


def _visible_event(request, slug) -> Event:
    event = get_object_or_404(Event.objects.select_related("commune"), slug=slug)
    # Drafts are not public: a 404 hides even that they exist.
    if not perms.can_view_event(request.user, event):
        raise Http404
    return event


def event_list(request):
    now = timezone.now()
    events = (
        Event.objects.visible_to(request.user)
        .upcoming(now)
        .with_counts()
        .select_related("commune")
        .order_by("starts_at", "pk")
    )
    for event in events:
        # From the annotated count: no query per event.
        event.left = (
            None if event.capacity is None else max(0, event.capacity - event.confirmed_count)
        )
    past = (
        Event.objects.visible_to(request.user)
        .filter(ends_at__lt=now)
        .select_related("commune")
        .order_by("-starts_at")[:5]
    )
    return render(request, "events/list.html", {"events": events, "past_events": past})


def event_detail(request, slug):
    event = _visible_event(request, slug)
    can_register = perms.can_register(request.user, event)
    form = None
    if can_register:
        data = request.POST if request.method == "POST" else None
        form = RegistrationForm(data, event=event, user=request.user)
        if request.method == "POST" and form.is_valid():
            cleaned = form.cleaned_data
            organisation = cleaned.get("organisation")
            if organisation and not perms.can_register_for_organisation(
                request.user, organisation
            ):  # the choices already say so; this guards a forged POST
                form.add_error("organisation", _("Vous n'agissez pas pour cette organisation."))
            else:
                try:
                    registration = services.register(
                        event,
                        name=cleaned["name"],
                        email=cleaned["email"],
                        organisation=organisation,
                        organisation_name=cleaned["organisation_name"],
                        accessibility_needs=cleaned["accessibility_needs"],
                        sessions=cleaned.get("sessions") or (),
                        user=request.user,
                        request=request,
                    )
                except services.RegistrationError as error:
                    form.add_error(None, str(error))
                else:
                    mail = registration.mail_outcome
                    if registration.is_confirmed and mail.queued:
                        messages.success(
                            request,
                            _("Votre inscription est confirmée. Un e-mail vous a été envoyé."),
                        )
                    elif registration.is_confirmed:
                        messages.success(request, _("Votre inscription est confirmée."))
                    else:
                        messages.warning(
                            request,
                            _(
                                "L'événement est complet : vous êtes en liste d'attente. "
                                "Nous vous écrirons si une place se libère."
                            ),
                        )
                    if not mail.queued:
                        messages.warning(
                            request,
                            _(
                                "%(refusal)s Gardez l'adresse de cette page : elle permet de "
                                "retrouver et de gérer votre inscription."
                            )
                            % {"refusal": mail.message()},
                        )
                    return redirect(registration.get_manage_url())
    elif request.method == "POST":
        messages.error(request, _("Les inscriptions à cet événement sont fermées."))
        return redirect(event)
    mine = []
    if request.user.is_authenticated:
        mine = list(event.registrations.active().filter(user=request.user))
    context = {
        "event": event,
        "sessions": event.sessions.all(),
        "form": form,
        "can_register": can_register,
        "places_left": event.places_left(),
        "my_registrations": mine,
        "can_manage": perms.can_manage_events(request.user),
    }
    return render(
        request, "events/detail.html", context, status=400 if form and form.errors else 200
    )


def event_ics(request, slug):
    event = _visible_event(request, slug)
    body = event_calendar(
        event,
        event_url=request.build_absolute_uri(event.get_absolute_url()),
        domain=request.get_host().split(":")[0],
    )
    return _ics_response(body, f"{event.slug}.ics")


def session_ics(request, slug, pk):
    event = _visible_event(request, slug)
    session = get_object_or_404(event.sessions, pk=pk)
    body = event_calendar(
        event,
        event_url=request.build_absolute_uri(event.get_absolute_url()),
        domain=request.get_host().split(":")[0],
        sessions=[session],
    )
    return _ics_response(body, f"{event.slug}-session-{session.pk}.ics")


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def registration_for(request, token) -> Registration:
    """The registration behind a manage link; 404 for an unknown token."""
    registration = get_object_or_404(
        Registration.objects.select_related("event", "organisation", "user"), token=token
    )
    if not perms.can_manage_registration(request.user, registration, token=token):
        raise Http404  # unreachable with a matching token; kept for clarity of the rule
    return registration


def manage_registration(request, token):
    registration = registration_for(request, token)
    event = registration.event
    meetings = []
    if perms.can_take_part_in_meetings(registration):
        meetings = list(
            Meeting.objects.live()
            .involving(registration)
            .select_related("slot", "table", "a__organisation", "b__organisation")
        )
    context = {
        "registration": registration,
        "event": event,
        "sessions": registration.sessions.all(),
        "waiting_position": registration.waiting_position(),
        "can_meet": perms.can_take_part_in_meetings(registration),
        "meetings": meetings,
    }
    return render(request, "events/manage.html", context)


@require_POST
def cancel_registration(request, token):
    registration = registration_for(request, token)
    # A cancellation gives the place away at once: it must not happen by a slip of the finger.
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Cochez la case pour confirmer l'annulation."))
        return redirect(registration.get_manage_url())
    try:
        services.cancel(registration, request=request)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Votre inscription est annulée. Merci de nous avoir prévenus."))
    return redirect(registration.get_manage_url())


@login_required
def my_registrations(request):
    registrations = (
        Registration.objects.filter(user=request.user)
        .select_related("event", "organisation")
        .order_by("-event__starts_at")
    )
    return render(request, "events/mine.html", {"registrations": registrations})
