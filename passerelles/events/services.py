"""Registration workflows: register, cancel, promote the waiting list, remind.

Every change that depends on how many places are left locks the event row first
(`select_for_update`), so simultaneous registrations are counted one after the other and never
overbook; on SQLite the IMMEDIATE transaction mode (settings) serialises writers the same way.
E-mails leave once the transaction has committed: nobody is told about a rolled-back change."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from passerelles.core.mail import send_on_commit
from passerelles.core.richtext import plain_text
from passerelles.events.enums import MeetingStatus, RegistrationStatus
from passerelles.events.models import Event, Meeting, MeetingProfile, Registration


class RegistrationError(Exception):
    """A registration that cannot be made or changed; the message is a French sentence."""


def site_url() -> str:
    """Base URL for links in e-mails sent outside a request (reminders from the CLI)."""
    return getattr(settings, "PASSERELLES_SITE_URL", "") or "http://localhost:8000"


def absolute(path: str, request=None) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return site_url().rstrip("/") + path


def _language(registration: Registration) -> str:
    if registration.user_id:
        return registration.user.preferred_language
    return (get_language() or "fr")[:2]


def send_registration_mail(registration: Registration, template: str, request=None):
    """Queue `events/email/<template>.txt` (+ `_subject.txt`) to the registered person.
    Returns whether it was queued or refused by the limits on outgoing mail (core.mail)."""
    context = {
        "registration": registration,
        "event": registration.event,
        "manage_url": absolute(registration.get_manage_url(), request),
        "event_url": absolute(registration.event.get_absolute_url(), request),
        "network_name": settings.PASSERELLES_NETWORK_NAME,
    }
    return send_on_commit(
        registration.email, f"events/email/{template}", context, _language(registration)
    )


def register(
    event: Event,
    *,
    name: str,
    email: str,
    organisation=None,
    organisation_name: str = "",
    accessibility_needs: str = "",
    sessions=(),
    user=None,
    request=None,
) -> Registration:
    """Register someone: confirmed while places are left, on the waiting list after."""
    with transaction.atomic():
        # The lock makes concurrent registrations count places one after the other.
        event = Event.objects.select_for_update().get(pk=event.pk)
        if not event.registration_is_open():
            raise RegistrationError(_("Les inscriptions à cet événement sont fermées."))
        email = (email or "").strip().lower()
        # Plain text, as every path (the form, the API) would store it: no markup, no entity.
        name = plain_text(name)
        if not name:
            raise RegistrationError(_("Indiquez votre nom et prénom."))
        if event.registrations.active().filter(email=email).exists():
            raise RegistrationError(
                _("Cette adresse e-mail est déjà inscrite : utilisez le lien reçu par e-mail.")
            )
        # A signed-in person registering themselves (their account's address) gets the
        # registration on their account; someone registering another person (staff at the
        # desk, a colleague) does not: that person manages it through the e-mailed link.
        own = user is not None and user.is_authenticated and email == user.email.lower()
        if own and event.registrations.active().filter(user=user).exists():
            # A second registration by the same account: they manage the one they have.
            raise RegistrationError(_("Vous êtes déjà inscrit·e à cet événement."))
        sessions = list(sessions)
        for session in sessions:
            if session.event_id != event.pk:
                raise RegistrationError(_("Cette session ne fait pas partie de l'événement."))
            if session.capacity is not None:
                taken = session.registrations.exclude(status=RegistrationStatus.CANCELLED).count()
                if taken >= session.capacity:
                    raise RegistrationError(
                        _("La session « %(title)s » est complète.") % {"title": session.title}
                    )
        places_left = event.places_left()
        status = (
            RegistrationStatus.CONFIRMED
            if places_left is None or places_left > 0
            else RegistrationStatus.WAITING
        )
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=event,
                    user=user if own else None,
                    name=name,
                    email=email,
                    organisation=organisation,
                    organisation_name="" if organisation else plain_text(organisation_name),
                    accessibility_needs=plain_text(accessibility_needs, multiline=True),
                    status=status,
                )
        except IntegrityError as error:  # the unique e-mail constraint, from a parallel request
            raise RegistrationError(
                _("Cette adresse e-mail est déjà inscrite : utilisez le lien reçu par e-mail.")
            ) from error
        if sessions:
            registration.sessions.set(sessions)
        if event.meetings_enabled and status == RegistrationStatus.CONFIRMED:
            ensure_meeting_profile(registration)
        # The registration stands even when its e-mail is refused by a limit: the page says so.
        registration.mail_outcome = send_registration_mail(
            registration,
            "confirmed" if status == RegistrationStatus.CONFIRMED else "waiting",
            request,
        )
    return registration


def ensure_meeting_profile(registration: Registration) -> MeetingProfile:
    """The participant's meeting profile, pre-filled from their organisation the first time."""
    organisation = registration.organisation
    profile, _created = MeetingProfile.objects.get_or_create(
        registration=registration,
        defaults={
            "offers": organisation.offers if organisation else "",
            "seeks": organisation.needs if organisation else "",
        },
    )
    return profile


def cancel(registration: Registration, request=None) -> list[Registration]:
    """Cancel a registration, free its meetings and promote the waiting list. Returns the
    people promoted."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            raise RegistrationError(_("Cette inscription est déjà annulée."))
        now = timezone.now()
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.checked_in_at = None
        registration.save(update_fields=["status", "cancelled_at", "checked_in_at"])
        # Their planned meetings are freed for the others (staff can refill the slots).
        Meeting.objects.involving(registration).filter(status=MeetingStatus.PLANNED).update(
            status=MeetingStatus.CANCELLED, status_changed_at=now
        )
        send_registration_mail(registration, "cancelled", request)
        return promote_waiting(event, request=request)


def promote_waiting(event: Event, request=None) -> list[Registration]:
    """Confirm people from the waiting list, first come first served, while places are left.
    The caller holds the lock on the event row (inside its transaction)."""
    promoted = []
    left = event.places_left()
    queue = event.registrations.waiting().select_for_update()
    candidates = list(queue if left is None else queue[:left]) if left != 0 else []
    now = timezone.now()
    for registration in candidates:
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        if event.meetings_enabled:
            ensure_meeting_profile(registration)
        send_registration_mail(registration, "promoted", request)
        promoted.append(registration)
    return promoted


def set_capacity(event: Event, capacity: int | None, request=None) -> list[Registration]:
    """Change the number of places; more places promote the waiting list at once."""
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        locked.capacity = capacity
        locked.save(update_fields=["capacity", "updated_at"])
        return promote_waiting(locked, request=request)


def check_in(registration: Registration, present: bool = True) -> Registration:
    if registration.status != RegistrationStatus.CONFIRMED:
        raise RegistrationError(_("Seule une inscription confirmée peut être pointée."))
    registration.checked_in_at = timezone.now() if present else None
    registration.save(update_fields=["checked_in_at"])
    return registration


def send_reminders(event_qs=None, *, days_before: int = 2, now=None) -> int:
    """Remind confirmed participants of events starting within `days_before` days, once per
    registration (reminder_sent_at records it). Returns how many e-mails were queued."""
    now = now or timezone.now()
    horizon = now + timedelta(days=days_before)
    events = (event_qs if event_qs is not None else Event.objects.all()).filter(
        is_published=True, starts_at__gt=now, starts_at__lte=horizon
    )
    sent = 0
    for event in events:
        pending = event.registrations.confirmed().filter(reminder_sent_at__isnull=True)
        for registration in pending.select_related("event", "user").iterator():
            with transaction.atomic():
                # Claim the registration first: two runs at once send one reminder, not two.
                claimed = Registration.objects.filter(
                    pk=registration.pk, reminder_sent_at__isnull=True
                ).update(reminder_sent_at=now)
                if claimed:
                    send_registration_mail(registration, "reminder")
                    sent += 1
    return sent
