"""Moderation workflows: proposing an organisation, suggesting a correction, and the staff's
decisions (approve, reject with a reason, merge into an existing record, not a duplicate).

Every change to an organisation here goes through passerelles.actors.actions; this module adds
the proposals' own life (who proposed, the decision, its reason) and the e-mails, which leave
only once the transaction has committed, so nobody is told about a decision that was rolled
back."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors import actions
from passerelles.actors.enums import Status
from passerelles.actors.forms import CorrectionForm, form_data_from_instance
from passerelles.actors.history import TRACKER
from passerelles.actors.models import (
    ChangeAction,
    Organisation,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from passerelles.core.history import Origin
from passerelles.core.mail import send_on_commit
from passerelles.core.mail_limits import DECISION


class ModerationError(Exception):
    """A decision that cannot be taken (already decided, invalid payload…); message in French."""


def _notify_proposer(proposal: Proposal, template: str, **extra) -> None:
    language = proposal.proposer.preferred_language if proposal.proposer_id else "fr"
    context = {
        "proposal": proposal,
        "organisation": proposal.organisation,
        "network_name": settings.PASSERELLES_NETWORK_NAME,
        **extra,
    }
    # A decision on their own proposal: never held back by the limits on outgoing mail.
    send_on_commit(
        proposal.contact_email, f"actors/email/{template}", context, language, policy=DECISION
    )


# -- contributions ------------------------------------------------------------------------


def propose_organisation(
    data: dict, *, origin: Origin, message: str = "", contact_email: str = ""
) -> Proposal:
    """A new organisation waits, pending, with its creation proposal. The proposer does not
    become a member: staff grant memberships once they know who acts for whom."""
    org = actions.create_organisation(
        data,
        origin=origin.saying(origin.comment or _("Proposition publique")),
        status=Status.PENDING,
        message=message,
        proposer_email=contact_email,
    )
    proposal = org.proposals.get(status=ProposalStatus.PENDING)
    proposal.organisation = org  # keeps org.geocoding_failed for the caller
    return proposal


@transaction.atomic
def suggest_correction(
    org: Organisation, payload: dict, *, origin: Origin, message: str = "", contact_email=""
) -> Proposal | None:
    """A correction waits for staff, nothing applied meanwhile. `payload` holds the changed
    fields in form-data shape (CorrectionForm.changed_payload). None when nothing changed."""
    if not payload:
        return None
    return Proposal.objects.create(
        kind=ProposalKind.UPDATE,
        organisation=org,
        payload=payload,
        message=message,
        proposer=origin.actor,
        proposer_email=contact_email,
    )


# -- moderation ---------------------------------------------------------------------------


def correction_form(proposal: Proposal) -> CorrectionForm:
    """The proposal's payload laid over the organisation's current values, as a bound form:
    the review shows what it would change and approval applies exactly that."""
    org = Organisation.objects.get(pk=proposal.organisation_id)
    initial = form_data_from_instance(org)
    data = {**initial, **proposal.payload}
    return CorrectionForm(data=data, organisation=org, initial=initial, applying=True)


def proposed_changes(proposal: Proposal) -> tuple[dict, list]:
    """({field: [old, new]}, errors) for the review page. A creation shows every filled field."""
    if proposal.kind == ProposalKind.CREATE:
        # The pending status is the proposal itself, not proposed content.
        changes = TRACKER.diff({}, TRACKER.snapshot(proposal.organisation))
        changes.pop("status", None)
        return changes, []
    if proposal.kind == ProposalKind.ARCHIVE:
        # A freshness answer "no longer active": the one change is the status.
        org = Organisation.objects.get(pk=proposal.organisation_id)
        before = TRACKER.snapshot(org)
        org.status = Status.ARCHIVED  # in memory only: what approval would do
        return TRACKER.diff(before, TRACKER.snapshot(org)), []
    form = correction_form(proposal)
    if not form.is_valid():
        return {}, [
            f"{form.fields[k].label if k in form.fields else k} : {' '.join(v)}"
            for k, v in form.errors.items()
        ]
    org = Organisation.objects.get(pk=proposal.organisation_id)
    before = TRACKER.snapshot(org)
    changes = form.data_for_actions(changed_only=True)
    candidate = Organisation.objects.get(pk=org.pk)
    m2m = {}
    for name, value in changes.items():
        if name in ("themes", "sdgs", "countries_of_action"):
            m2m[name] = value
        else:
            setattr(candidate, name, value)
    return TRACKER.diff(before, TRACKER.snapshot(candidate, m2m=m2m or None)), []


def _lock_pending(proposal: Proposal) -> Proposal:
    # of=("self",): lock the proposal only, not the organisation it is joined to.
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=proposal.pk)
    )
    if locked.status != ProposalStatus.PENDING:
        raise ModerationError(_("Cette proposition a déjà été traitée."))
    return locked


def _close(proposal, status, user, reason="", merged_into=None):
    proposal.status = status
    proposal.reviewed_by = user if user is not None and user.is_authenticated else None
    proposal.reviewed_at = timezone.now()
    proposal.reason = reason
    proposal.merged_into = merged_into
    proposal.save()


@transaction.atomic
def approve(proposal: Proposal, *, origin: Origin) -> Proposal:
    proposal = _lock_pending(proposal)
    org = proposal.organisation
    origin = origin.saying(_("Proposition n° %(pk)s") % {"pk": proposal.pk})
    if proposal.kind == ProposalKind.CREATE:
        actions.publish_organisation(org, origin=origin, action=ChangeAction.PROPOSAL_APPROVED)
    elif proposal.kind == ProposalKind.ARCHIVE:
        if org.status != Status.ARCHIVED:
            actions.archive_organisation(org, origin=origin)
    else:
        form = correction_form(proposal)
        if not form.is_valid():
            raise ModerationError(
                _("La correction n'est plus applicable telle quelle : %(errors)s")
                % {"errors": " ; ".join(" ".join(v) for v in form.errors.values())}
            )
        actions.update_organisation(
            org,
            form.data_for_actions(changed_only=True),
            origin=origin,
            action=ChangeAction.PROPOSAL_APPROVED,
        )
    _close(proposal, ProposalStatus.APPROVED, origin.user)
    _notify_proposer(proposal, "approved")
    return proposal


@transaction.atomic
def reject(proposal: Proposal, reason: str, *, origin: Origin) -> Proposal:
    if not reason.strip():
        raise ModerationError(_("Un refus doit être motivé."))
    proposal = _lock_pending(proposal)
    org = proposal.organisation
    if proposal.kind == ProposalKind.CREATE and org.status == Status.PENDING:
        # The refused organisation leaves the queue and the search for duplicates, but stays
        # in the database with its history in case the decision is revisited.
        actions.archive_organisation(org, origin=origin.saying(reason.strip()))
    _close(proposal, ProposalStatus.REJECTED, origin.user, reason=reason.strip())
    _notify_proposer(proposal, "rejected", reason=reason.strip())
    return proposal


@transaction.atomic
def merge(
    duplicate: Organisation,
    target: Organisation,
    *,
    origin: Origin,
    proposal: Proposal | None = None,
) -> Organisation:
    """Fold `duplicate` into `target` (actions.merge_organisations); the duplicate's pending
    creation proposals end "merged" and their proposers are told; a pending target that
    inherits the publication has its own creation proposal granted."""
    if proposal is not None:
        proposal = _lock_pending(proposal)
    closing = list(
        Proposal.objects.filter(
            organisation=duplicate, status=ProposalStatus.PENDING, kind=ProposalKind.CREATE
        )
    )
    target_was_pending = (
        Organisation.objects.filter(pk=target.pk, status=Status.PENDING).exists()
        and Organisation.objects.filter(pk=duplicate.pk, status=Status.PUBLISHED).exists()
    )
    granted = (
        list(
            Proposal.objects.filter(
                organisation=target, status=ProposalStatus.PENDING, kind=ProposalKind.CREATE
            )
        )
        if target_was_pending
        else []
    )
    try:
        target = actions.merge_organisations(duplicate, target, origin=origin)
    except actions.ActionError as error:
        raise ModerationError(str(error)) from None
    for other in granted:
        other.refresh_from_db()
        _close(other, ProposalStatus.APPROVED, origin.user)
        _notify_proposer(other, "approved")
    for other in closing:
        other.refresh_from_db()
        _close(other, ProposalStatus.MERGED, origin.user, merged_into=target)
        # The proposal now belongs to the kept record; the e-mail names what was proposed.
        _notify_proposer(other, "merged", target=target, organisation=duplicate)
    return target


def mark_not_duplicate(a: Organisation, b: Organisation, *, origin: Origin):
    try:
        return actions.remember_not_duplicate(a, b, origin=origin)
    except actions.ActionError as error:
        raise ModerationError(str(error)) from None
