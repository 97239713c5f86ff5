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
from passerelles.events.exports import event_calendar, events_calendar
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


def _personal(request, event) -> dict:
    """What the event page shows the signed-in person about themselves: their own live
    registration, whether their e-mail address is already registered without their account
    (made before signing in: managed through the e-mailed link), and the registrations of
    their organisations by colleagues (names and status only)."""
    user = request.user
    if not user.is_authenticated:
        return {"mine": None, "email_taken": False, "colleagues": []}
    live = event.registrations.active().select_related("organisation")
    email = user.email.lower()
    # Their own address first: before issue 14, registrations staff took at the desk were
    # put on the staff member's account too.
    mine = live.filter(user=user, email=email).first() or live.filter(user=user).first()
    email_taken = mine is None and live.filter(email=email).exists()
    colleagues = list(
        live.filter(organisation__memberships__user=user)
        .exclude(user=user)
        .exclude(email=email)
        .distinct()
        .order_by("name", "pk")
    )
    return {"mine": mine, "email_taken": email_taken, "colleagues": colleagues}


def event_detail(request, slug):
    event = _visible_event(request, slug)
    can_register = perms.can_register(request.user, event)
    personal = _personal(request, event)
    # Already registered (with this account or this address): their registration is shown
    # instead of the form, and a second one is refused by the service anyway. Staff keep the
    # form: they register people at the desk.
    registered = personal["mine"] or personal["email_taken"]
    show_form = can_register and (not registered or perms.can_manage_events(request.user))
    form = None
    if request.method == "POST" and not show_form:
        if can_register:
            messages.info(request, _("Vous êtes déjà inscrit·e à cet événement."))
        else:
            messages.error(request, _("Les inscriptions à cet événement sont fermées."))
        return redirect(event)
    if show_form:
        data = request.POST if request.method == "POST" else None
        form = RegistrationForm(data, event=event, user=request.user)
        if request.method == "POST" and form.is_valid():
            registration = _register(request, event, form)
            if registration is not None:
                if registration.user_id and registration.user_id == request.user.pk:
                    # Their own: shown on the event page, no link needed.
                    return redirect(event)
                return redirect(registration.get_manage_url())
    context = {
        "event": event,
        "sessions": event.sessions.all(),
        "form": form,
        "can_register": can_register,
        "show_form": show_form,
        "places_left": event.places_left(),
        "can_manage": perms.can_manage_events(request.user),
        **personal,
    }
    if personal["mine"] is not None:
        context["waiting_position"] = personal["mine"].waiting_position()
        context["can_meet"] = perms.can_take_part_in_meetings(personal["mine"])
    return render(
        request, "events/detail.html", context, status=400 if form and form.errors else 200
    )


def _register(request, event, form) -> Registration | None:
    """Register from a valid form and say how it went; None when refused (form errors)."""
    cleaned = form.cleaned_data
    organisation = cleaned.get("organisation")
    if organisation and not perms.can_register_for_organisation(request.user, organisation):
        # The choices already say so; this guards a forged POST.
        form.add_error("organisation", _("Vous n'agissez pas pour cette organisation."))
        return None
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
        return None
    mail = registration.mail_outcome
    if registration.is_confirmed and mail.queued:
        messages.success(
            request, _("Votre inscription est confirmée. Un e-mail vous a été envoyé.")
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
    return registration


@login_required
@require_POST
def cancel_own_registration(request, slug, pk):
    """Cancel one's registration from the event page, signed in, without the e-mailed link."""
    event = _visible_event(request, slug)
    registration = get_object_or_404(event.registrations.select_related("event"), pk=pk)
    if not perms.can_manage_registration(request.user, registration):
        raise Http404  # someone else's registration: not even its existence is shown
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Cochez la case pour confirmer l'annulation."))
        return redirect(event)
    try:
        services.cancel(registration, request=request)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Votre inscription est annulée. Merci de nous avoir prévenus."))
    return redirect(event)


def event_ics(request, slug):
    event = _visible_event(request, slug)
    body = event_calendar(
        event,
        event_url=request.build_absolute_uri(event.get_absolute_url()),
    )
    return _ics_response(body, f"{event.slug}.ics")


def session_ics(request, slug, pk):
    event = _visible_event(request, slug)
    session = get_object_or_404(event.sessions, pk=pk)
    body = event_calendar(
        event,
        event_url=request.build_absolute_uri(event.get_absolute_url()),
        sessions=[session],
    )
    return _ics_response(body, f"{event.slug}-session-{session.pk}.ics")


def all_events_ics(request):
    """Every published event with its sessions, past ones included (a calendar that
    subscribes keeps its history): one address to subscribe to."""
    events = Event.objects.published().prefetch_related("sessions").select_related("commune")
    body = events_calendar(
        events.order_by("starts_at", "pk"), base_url=request.build_absolute_uri("/").rstrip("/")
    )
    return _ics_response(body, "evenements.ics")


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
