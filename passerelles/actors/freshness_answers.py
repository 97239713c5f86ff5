"""The answers to "still current?" (asked by actors/freshness.py, docs/decisions.md §31).

Beside the organisations' door rather than in it: they write the question's own row and, for
"still current", go through `actions.set_status` (the door) to date the confirmation; an archive
is only proposed to staff, never done here."""

from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.actions import ActionError, _action, set_status
from passerelles.actors.models import (
    FreshnessAnswer,
    FreshnessCheck,
    Organisation,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from passerelles.core.history import Origin


def _answer(check, answer: str, origin: Origin, proposal=None) -> FreshnessCheck:
    # Locked: two clicks record one answer; the first is final.
    check = FreshnessCheck.objects.select_for_update().get(pk=check.pk)
    if check.answer:
        raise ActionError(_("Une réponse a déjà été donnée à cette demande."))
    check.answer, check.answered_at, check.answered_by = answer, timezone.now(), origin.actor
    check.proposal = proposal
    check.save()
    return check


def confirm_still_current(check: FreshnessCheck, *, origin: Origin) -> FreshnessCheck:
    """Confirmed today: `last_verified_at` ("confirmées le"), and a record in the history."""
    with _action():
        check = _answer(check, FreshnessAnswer.CURRENT, origin)
        org = Organisation.objects.get(pk=check.organisation_id)
        set_status(
            org, org.status, origin=origin.saying(_("Informations confirmées")), verified=True
        )
    return check


def request_change(check: FreshnessCheck, *, origin: Origin) -> FreshnessCheck:
    """Only the answer: the change goes through the edit form (`update_organisation`)."""
    with _action():
        return _answer(check, FreshnessAnswer.CHANGE, origin)


def propose_archive(
    check: FreshnessCheck, *, origin: Origin, message="", email=""
) -> FreshnessCheck:
    """An archiving proposal for staff (one pending per record); nothing archived here."""
    with _action():
        org = check.organisation
        proposal = org.proposals.filter(status=ProposalStatus.PENDING, kind=ProposalKind.ARCHIVE)
        proposal = proposal.first() or Proposal.objects.create(
            kind=ProposalKind.ARCHIVE,
            organisation=org,
            message=message,
            proposer=origin.actor,
            proposer_email=email,
        )
        return _answer(check, FreshnessAnswer.INACTIVE, origin, proposal=proposal)
