"""Requests to join a space, from its public page: an organisation asks, the space's leads
accept (the organisation becomes a member exactly as if invited and accepting at once) or
refuse with a reason. Each step writes the decision log and tells the people concerned
(in-app notification and e-mail through the outbox, services.notify)."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.enums import Status
from passerelles.cooperation.enums import (
    JoinRequestStatus,
    LogKind,
    MemberRole,
    MemberStatus,
    NotificationKind,
)
from passerelles.cooperation.models import (
    CooperationSpace,
    DecisionLogEntry,
    JoinRequest,
    SpaceMember,
)
from passerelles.cooperation.notifications import notify
from passerelles.cooperation.services import (
    CooperationError,
    _place,
    accept_invitation,
    within,
)
from passerelles.core.richtext import plain_text
from passerelles.users.models import User

log = DecisionLogEntry.record


def lead_people(space):
    """People acting for an active lead organisation of the space: they decide on requests.
    One filter() call, so the membership, status and role are those of the same row."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation__space_memberships__space=space,
            memberships__organisation__space_memberships__status=MemberStatus.ACTIVE,
            memberships__organisation__space_memberships__role=MemberRole.LEAD,
        )
        .distinct()
        .order_by("pk")
    )


def organisation_people(organisation):
    return [m.user for m in organisation.memberships.select_related("user") if m.user.is_active]


def requests_url(space) -> str:
    return space.get_absolute_url() + "#join-requests"


def request_to_join(space, organisation, user, message="") -> tuple[JoinRequest, bool]:
    """Record the request; returns it and whether it is new. Asking again while a request of
    the organisation waits returns that one: a double click makes one request."""
    if not space.listed:
        raise CooperationError(_("Cet espace ne reçoit pas de demandes pour le rejoindre."))
    if not organisation.memberships.filter(user_id=user.pk).exists():
        raise CooperationError(_("Vous n'agissez pas pour cette organisation."))
    if organisation.status != Status.PUBLISHED:
        raise CooperationError(
            _(
                "La fiche de votre organisation doit d'abord être publiée dans l'annuaire "
                "(l'équipe du réseau la relit)."
            )
        )
    message = within(plain_text(message, multiline=True), JoinRequest, "message")
    try:
        with transaction.atomic():
            # Lock the space: two requests at once for one organisation wait for each other.
            space = CooperationSpace.objects.select_for_update().get(pk=space.pk)
            pending = space.join_requests.pending().filter(organisation=organisation).first()
            if pending:
                return pending, False
            member = SpaceMember.objects.filter(space=space, organisation=organisation).first()
            if member and member.status == MemberStatus.INVITED:
                raise CooperationError(
                    _(
                        "Votre organisation est déjà invitée dans cet espace : acceptez "
                        "l'invitation sur la page de l'espace."
                    )
                )
            if member and member.status == MemberStatus.ACTIVE:
                raise CooperationError(_("Votre organisation est déjà membre de cet espace."))
            request = JoinRequest.objects.create(
                space=space, organisation=organisation, requested_by=user, message=message
            )
            log(
                space,
                LogKind.JOIN_REQUESTED,
                _("%(org)s demande à rejoindre l'espace.") % {"org": organisation},
                user=user,
            )
            notify(
                space,
                NotificationKind.JOIN_REQUEST,
                lambda: (
                    _("%(org)s demande à rejoindre l'espace « %(space)s ».")
                    % {"org": organisation, "space": space}
                ),
                requests_url(space),
                users=lead_people(space),
            )
    except IntegrityError:
        # The database's one-pending constraint caught a request that crossed ours.
        return space.join_requests.pending().get(organisation=organisation), False
    return request, True


def _lock_pending(join_request) -> JoinRequest:
    locked = (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("space__project", "organisation")
        .get(pk=join_request.pk)
    )
    if not locked.is_pending:
        raise CooperationError(_("Cette demande a déjà été traitée."))
    return locked


@transaction.atomic
def accept_join_request(
    join_request, college, user, role=MemberRole.MEMBER, member=None
) -> SpaceMember:
    """The organisation becomes an active member in `college`: placed as an invitation would
    place it, then accepted at once (the request was its acceptance)."""
    join_request = _lock_pending(join_request)
    space, organisation = join_request.space, join_request.organisation
    if role not in (MemberRole.MEMBER, MemberRole.OBSERVER):
        raise CooperationError(
            _("Une demande fait entrer une organisation membre ou observatrice.")
        )
    existing = SpaceMember.objects.filter(space=space, organisation=organisation).first()
    if existing and existing.status == MemberStatus.ACTIVE:
        new_member = existing  # invited meanwhile and already accepted: nothing to add
    elif existing and existing.status == MemberStatus.INVITED:
        new_member = accept_invitation(existing, user)
    else:
        new_member = accept_invitation(_place(space, organisation, college, user, role), user)
    join_request.status, join_request.member = JoinRequestStatus.ACCEPTED, new_member
    join_request.decided_by, join_request.decided_at = user, timezone.now()
    join_request.save(update_fields=["status", "member", "decided_by", "decided_at"])
    log(
        space,
        LogKind.JOIN_DECIDED,
        _("Demande de %(org)s acceptée : collège « %(college)s » (%(role)s).")
        % {
            "org": organisation,
            "college": new_member.college,
            "role": new_member.get_role_display(),
        },
        user=user,
        member=member,
    )
    notify(
        space,
        NotificationKind.JOIN_ANSWER,
        lambda: (
            _("%(org)s est membre de l'espace « %(space)s » : votre demande est acceptée.")
            % {"org": organisation, "space": space}
        ),
        space.get_absolute_url(),
        users=organisation_people(organisation),
    )
    return new_member


@transaction.atomic
def refuse_join_request(join_request, user, reason="", member=None) -> JoinRequest:
    join_request = _lock_pending(join_request)
    reason = within(plain_text(reason), JoinRequest, "reason")
    space, organisation = join_request.space, join_request.organisation
    join_request.status, join_request.reason = JoinRequestStatus.REFUSED, reason
    join_request.decided_by, join_request.decided_at = user, timezone.now()
    join_request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    log(
        space,
        LogKind.JOIN_DECIDED,
        _("Demande de %(org)s déclinée.") % {"org": organisation},
        user=user,
        member=member,
    )

    def title():
        text = _("Votre demande pour rejoindre l'espace « %(space)s » n'est pas retenue.") % {
            "space": space
        }
        text += " " + _("Motif : %(reason)s") % {"reason": reason} if reason else ""
        return text[:300]  # the inbox row's length

    notify(
        space,
        NotificationKind.JOIN_ANSWER,
        title,
        reverse("cooperation:discover"),
        users=organisation_people(organisation),
    )
    return join_request
