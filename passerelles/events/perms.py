"""Who may do what with events. Plain functions, one rule each, used by views, templates and
the API alike.

A registration is reached either by its secret manage link (the token in the confirmation
e-mail, so people without an account manage theirs too) or by the account that made it."""

from passerelles.events.enums import RegistrationStatus


def can_manage_events(user) -> bool:
    """Network staff (and admins) run events: check-in, exports, slots, tables, scheduler."""
    return bool(user.is_authenticated and user.is_network_staff)


def can_view_event(user, event) -> bool:
    """Published events are public; drafts are visible to staff only."""
    return event.is_published or can_manage_events(user)


def can_register(user, event) -> bool:
    """Anyone, with or without an account, may register while registration is open."""
    return event.registration_is_open()


def can_register_for_organisation(user, organisation) -> bool:
    """One registers for an organisation one acts for (membership); staff for any."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_network_staff:
        return True
    return organisation.memberships.filter(user=user).exists()


def owns_registration(user, registration) -> bool:
    """The account that made a registration owns it (a token holder acts through the link)."""
    return bool(user.is_authenticated and user.is_active and registration.user_id == user.pk)


def can_manage_registration(user, registration, token=None) -> bool:
    """The holder of the secret link, the account that registered, and staff."""
    if token is not None and str(registration.token) == str(token):
        return True
    return owns_registration(user, registration) or can_manage_events(user)


def can_take_part_in_meetings(registration) -> bool:
    """Confirmed participants of an event with one-to-one meetings enabled."""
    return (
        registration.event.meetings_enabled and registration.status == RegistrationStatus.CONFIRMED
    )


def can_see_participants(registration) -> bool:
    """Participants of the meetings see each other's names, organisations, offers and needs
    (never e-mails): that is what they came for. Nobody else does, except staff."""
    return can_take_part_in_meetings(registration)


def can_create_event(user) -> bool:
    """Only network staff (and admins) create events: they speak for the whole network."""
    return can_manage_events(user)


def can_edit_event(user, event) -> bool:
    """Only network staff (and admins) change an event and its sessions, drafts included."""
    return can_manage_events(user)
