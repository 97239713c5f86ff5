"""Events in the API: the public list and detail, registering, and (signed in, by session or
personal token) one's own registrations and meeting agenda. The rules are the web's:
passerelles.events.perms and passerelles.events.services decide, the API only translates."""

from datetime import datetime

from django.db.models import Prefetch, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from passerelles.actors.models import Organisation
from passerelles.api.errors import errors
from passerelles.core.text_limits import field_limit
from passerelles.events import perms, services
from passerelles.events.models import Event, Meeting, Registration, Session

router = Router(tags=["events"])


class SessionOut(Schema):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    room: str
    capacity: int | None


class EventOut(Schema):
    slug: str
    title: str
    kind: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int | None
    places_left: int | None
    registration_open: bool
    meetings_enabled: bool
    url: str
    ical_url: str


class EventDetail(EventOut):
    description: str = Field(description="HTML assaini (balises simples uniquement).")
    sessions: list[SessionOut]


class RegistrationIn(Schema):
    name: str = Field(min_length=1, max_length=150)
    email: str = Field(max_length=254)
    organisation_id: int | None = Field(
        None, description="Organisation pour laquelle vous venez (vous devez en être membre)."
    )
    organisation_name: str = Field("", max_length=200, description="Organisation hors annuaire.")
    accessibility_needs: str = Field(
        "", max_length=field_limit(Registration, "accessibility_needs")
    )
    session_ids: list[int] = Field(default_factory=list)


class RegistrationOut(Schema):
    id: int
    event: str = Field(description="Identifiant d'adresse de l'événement.")
    event_title: str
    starts_at: datetime
    status: str
    waiting_position: int | None
    organisation: str
    sessions: list[int]
    manage_url: str
    checked_in_at: datetime | None


class MeetingOut(Schema):
    event: str
    starts_at: datetime
    ends_at: datetime
    table: str
    status: str
    with_name: str
    with_organisation: str


def _event_item(request: HttpRequest, event: Event, places_left) -> dict:
    return {
        "slug": event.slug,
        "title": event.title,
        "kind": event.kind,
        "summary": event.summary,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "place": event.place_label,
        "capacity": event.capacity,
        "places_left": places_left,
        "registration_open": event.registration_is_open(),
        "meetings_enabled": event.meetings_enabled,
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "ical_url": request.build_absolute_uri(f"{event.get_absolute_url()}calendrier.ics"),
    }


def _visible(request, slug) -> Event:
    event = get_object_or_404(Event.objects.select_related("commune"), slug=slug)
    if not perms.can_view_event(request.user, event):
        raise HttpError(404, _("Ressource introuvable."))
    return event


def _registration_item(request: HttpRequest, registration: Registration) -> dict:
    return {
        "id": registration.pk,
        "event": registration.event.slug,
        "event_title": registration.event.title,
        "starts_at": registration.event.starts_at,
        "status": registration.status,
        "waiting_position": registration.waiting_position(),
        "organisation": registration.organisation_label,
        "sessions": [session.pk for session in registration.sessions.all()],
        "manage_url": request.build_absolute_uri(registration.get_manage_url()),
        "checked_in_at": registration.checked_in_at,
    }


def _signed_in(request):
    if not request.user.is_authenticated:
        raise HttpError(401, _("Connectez-vous ou utilisez un jeton personnel."))


@router.get(
    "/events", response={200: list[EventOut], **errors()}, summary="Lister les événements à venir"
)
def list_events(request: HttpRequest):
    """Événements publiés qui ne sont pas terminés, du plus proche au plus lointain."""
    events = (
        Event.objects.visible_to(request.user)
        .upcoming()
        .with_counts()
        .select_related("commune")
        .order_by("starts_at", "pk")[:200]
    )
    return [
        _event_item(
            request,
            event,
            None if event.capacity is None else max(0, event.capacity - event.confirmed_count),
        )
        for event in events
    ]


@router.get(
    "/events/{slug}",
    response={200: EventDetail, **errors(404)},
    summary="Un événement et son programme",
)
def event_detail(request: HttpRequest, slug: str):
    event = _visible(request, slug)
    item = _event_item(request, event, event.places_left())
    item["description"] = event.description
    item["sessions"] = [
        {
            "id": s.pk,
            "title": s.title,
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "room": s.room,
            "capacity": s.capacity,
        }
        for s in event.sessions.all()
    ]
    return item


@router.post(
    "/events/{slug}/registrations",
    response={201: RegistrationOut, **errors(404, 409, 422, write=True)},
    summary="S'inscrire à un événement",
)
def register(request: HttpRequest, slug: str, payload: RegistrationIn):
    """Inscription confirmée s'il reste des places, en liste d'attente sinon. Un e-mail de
    confirmation part avec le lien personnel de gestion (`manage_url`)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    event = _visible(request, slug)
    if not perms.can_register(request.user, event):
        raise HttpError(409, _("Les inscriptions à cet événement sont fermées."))
    try:
        validate_email(payload.email.strip())
    except ValidationError as error:
        raise HttpError(422, _("Adresse e-mail invalide.")) from error
    organisation = None
    if payload.organisation_id is not None:
        organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
        if organisation is None or not perms.can_register_for_organisation(
            request.user, organisation
        ):
            raise HttpError(403, _("Vous n'agissez pas pour cette organisation."))
    sessions = list(event.sessions.filter(pk__in=payload.session_ids))
    if len(sessions) != len(set(payload.session_ids)):
        raise HttpError(422, _("Cette session ne fait pas partie de l'événement."))
    try:
        registration = services.register(
            event,
            name=payload.name,
            email=payload.email,
            organisation=organisation,
            organisation_name=payload.organisation_name,
            accessibility_needs=payload.accessibility_needs,
            sessions=sessions,
            user=request.user,
            request=request,
        )
    except services.RegistrationError as error:
        raise HttpError(409, str(error)) from error
    return Status(201, _registration_item(request, registration))


@router.get(
    "/me/registrations",
    response={200: list[RegistrationOut], **errors()},
    summary="Mes inscriptions",
)
def my_registrations(request: HttpRequest):
    _signed_in(request)
    registrations = (
        Registration.objects.filter(user=request.user)
        .select_related("event", "organisation")
        .prefetch_related(Prefetch("sessions", queryset=Session.objects.only("pk")))
        .order_by("-event__starts_at", "pk")
    )
    return [_registration_item(request, r) for r in registrations]


@router.get(
    "/me/agenda",
    response={200: list[MeetingOut], **errors(422)},
    summary="Mon agenda de rencontres",
)
def my_agenda(request: HttpRequest, event: str | None = None):
    """Mes rencontres one-to-one à venir (prévues ou tenues), dans l'ordre des créneaux."""
    _signed_in(request)
    mine = Registration.objects.confirmed().filter(user=request.user)
    if event:
        mine = mine.filter(event__slug=event)
    mine_ids = set(mine.values_list("pk", flat=True))
    meetings = (
        Meeting.objects.live()
        .filter(Q(a__in=mine_ids) | Q(b__in=mine_ids))
        .filter(slot__ends_at__gte=timezone.now())
        .select_related("event", "slot", "table", "a__organisation", "b__organisation")
        .order_by("slot__starts_at", "pk")
    )
    items = []
    for meeting in meetings:
        other = meeting.b if meeting.a_id in mine_ids else meeting.a
        items.append(
            {
                "event": meeting.event.slug,
                "starts_at": meeting.slot.starts_at,
                "ends_at": meeting.slot.ends_at,
                "table": meeting.table.label,
                "status": meeting.status,
                "with_name": other.name,
                "with_organisation": other.organisation_label,
            }
        )
    return items
