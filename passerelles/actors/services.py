"""Workflows that touch several models at once: proposing, editing, approving, rejecting,
merging. Each runs in one transaction and writes the history; e-mails leave only once the
transaction has committed, so nobody is told about a decision that was rolled back."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.enums import Status
from passerelles.actors.forms import CorrectionForm, form_data_from_instance
from passerelles.actors.history import record_change, snapshot
from passerelles.actors.models import (
    ChangeAction,
    NotDuplicate,
    Organisation,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from passerelles.core.mail import send_on_commit


class ModerationError(Exception):
    """A decision that cannot be taken (already decided, invalid payload…); message in French."""


# -- e-mails ------------------------------------------------------------------------------


def _notify_proposer(proposal: Proposal, template: str, **extra) -> None:
    language = proposal.proposer.preferred_language if proposal.proposer_id else "fr"
    context = {
        "proposal": proposal,
        "organisation": proposal.organisation,
        "network_name": settings.PASSERELLES_NETWORK_NAME,
        **extra,
    }
    send_on_commit(proposal.contact_email, f"actors/email/{template}", context, language)


# -- contributions ------------------------------------------------------------------------


@transaction.atomic
def propose_organisation(form, user=None) -> Proposal:
    """A new organisation waits, pending, with its creation proposal. The proposer does not
    become a member: staff grant memberships once they know who acts for whom."""
    org = form.save(commit=False)
    org.status = Status.PENDING
    org.source = "user"
    if user is not None and user.is_authenticated:
        org.created_by = user
    org.save()
    form.save_m2m()
    record_change(
        org, {}, user=user, action=ChangeAction.CREATED, comment=_("Proposition publique")
    )
    return Proposal.objects.create(
        kind=ProposalKind.CREATE,
        organisation=org,
        message=form.cleaned_data.get("message", ""),
        proposer=user if user is not None and user.is_authenticated else None,
        proposer_email=form.cleaned_data.get("contact_email", ""),
    )


@transaction.atomic
def edit_organisation(form, user) -> Organisation:
    """A direct edit by a member or staff, with its history."""
    before = snapshot(Organisation.objects.get(pk=form.instance.pk))
    org = form.save()
    record_change(org, before, user=user, action=ChangeAction.UPDATED)
    return org


@transaction.atomic
def suggest_correction(form, org, user=None) -> Proposal | None:
    payload = form.changed_payload()
    if not payload:
        return None
    return Proposal.objects.create(
        kind=ProposalKind.UPDATE,
        organisation=org,
        payload=payload,
        message=form.cleaned_data.get("message", ""),
        proposer=user if user is not None and user.is_authenticated else None,
        proposer_email=form.cleaned_data.get("contact_email", ""),
    )


# -- moderation ---------------------------------------------------------------------------


def correction_form(proposal: Proposal) -> CorrectionForm:
    """The proposal's payload laid over the organisation's current values, as a bound form:
    the review shows what it would change and approval saves exactly that."""
    org = Organisation.objects.get(pk=proposal.organisation_id)
    data = {**form_data_from_instance(org), **proposal.payload}
    return CorrectionForm(data=data, instance=org, applying=True)


def proposed_changes(proposal: Proposal) -> tuple[dict, list]:
    """({field: [old, new]}, errors) for the review page. A creation shows every filled field."""
    from passerelles.actors.history import diff

    if proposal.kind == ProposalKind.CREATE:
        # The pending status is the proposal itself, not proposed content.
        changes = diff({}, snapshot(proposal.organisation))
        changes.pop("status", None)
        return changes, []
    form = correction_form(proposal)
    before = snapshot(proposal.organisation)
    if not form.is_valid():
        return {}, [
            f"{form.fields[k].label if k in form.fields else k} : {' '.join(v)}"
            for k, v in form.errors.items()
        ]
    candidate = form.save(commit=False)
    m2m = {k: form.cleaned_data[k] for k in ("themes", "sdgs", "countries_of_action")}
    return diff(before, snapshot(candidate, m2m=m2m)), []


def _lock_pending(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().select_related("organisation").get(pk=proposal.pk)
    if locked.status != ProposalStatus.PENDING:
        raise ModerationError(_("Cette proposition a déjà été traitée."))
    return locked


def _close(proposal, status, user, reason="", merged_into=None):
    proposal.status = status
    proposal.reviewed_by = user
    proposal.reviewed_at = timezone.now()
    proposal.reason = reason
    proposal.merged_into = merged_into
    proposal.save()


@transaction.atomic
def approve(proposal: Proposal, user) -> Proposal:
    proposal = _lock_pending(proposal)
    org = proposal.organisation
    comment = _("Proposition n° %(pk)s") % {"pk": proposal.pk}
    if proposal.kind == ProposalKind.CREATE:
        before = snapshot(org)
        org.status = Status.PUBLISHED
        org.last_verified_at = timezone.now()
        org.save()
        record_change(
            org, before, user=user, action=ChangeAction.PROPOSAL_APPROVED, comment=comment
        )
    else:
        form = correction_form(proposal)
        if not form.is_valid():
            raise ModerationError(
                _("La correction n'est plus applicable telle quelle : %(errors)s")
                % {"errors": " ; ".join(" ".join(v) for v in form.errors.values())}
            )
        before = snapshot(org)
        org = form.save()
        record_change(
            org, before, user=user, action=ChangeAction.PROPOSAL_APPROVED, comment=comment
        )
    _close(proposal, ProposalStatus.APPROVED, user)
    _notify_proposer(proposal, "approved")
    return proposal


@transaction.atomic
def reject(proposal: Proposal, user, reason: str) -> Proposal:
    if not reason.strip():
        raise ModerationError(_("Un refus doit être motivé."))
    proposal = _lock_pending(proposal)
    org = proposal.organisation
    if proposal.kind == ProposalKind.CREATE and org.status == Status.PENDING:
        # The refused organisation leaves the queue and the search for duplicates, but stays
        # in the database with its history in case the decision is revisited.
        before = snapshot(org)
        org.status = Status.ARCHIVED
        org.save()
        record_change(org, before, user=user, action=ChangeAction.STATUS, comment=reason)
    _close(proposal, ProposalStatus.REJECTED, user, reason=reason.strip())
    _notify_proposer(proposal, "rejected", reason=reason.strip())
    return proposal


# Fields copied from a duplicate when the kept organisation has them empty.
MERGE_FIELDS = [
    "acronym",
    "legal_form",
    "siren",
    "siret",
    "rna",
    "iati_ref",
    "mission",
    "description",
    "offers",
    "needs",
    "size",
    "address",
    "postcode",
    "locality",
    "website",
    "email",
    "phone",
    "logo",
]


@transaction.atomic
def merge(duplicate: Organisation, target: Organisation, user, proposal: Proposal | None = None):
    """Fold `duplicate` into `target`: fill the target's empty fields, join the lists, move
    memberships and proposals, archive the duplicate; both histories say so."""
    if duplicate.pk == target.pk:
        raise ModerationError(_("Une fiche ne peut pas être fusionnée avec elle-même."))
    if proposal is not None:
        proposal = _lock_pending(proposal)
    duplicate = Organisation.objects.select_for_update().get(pk=duplicate.pk)
    target = Organisation.objects.select_for_update().get(pk=target.pk)
    if target.status == Status.ARCHIVED:
        raise ModerationError(_("La fiche à conserver est archivée."))
    before = snapshot(target)
    for name in MERGE_FIELDS:
        if not getattr(target, name) and getattr(duplicate, name):
            setattr(target, name, getattr(duplicate, name))
    # A SIRET that does not belong to the kept SIREN would make the record inconsistent.
    if target.siret and target.siren and not target.siret.startswith(target.siren):
        target.siret = before["siret"]
    if not target.commune_id and duplicate.commune_id and target.country_id == duplicate.country_id:
        target.commune_id = duplicate.commune_id
        target.lat = target.lon = None
    if target.lat is None and duplicate.lat is not None:
        target.lat, target.lon = duplicate.lat, duplicate.lon
    target.is_ess = target.is_ess or duplicate.is_ess
    target.is_si = target.is_si or duplicate.is_si
    granted = []
    if duplicate.status == Status.PUBLISHED and target.status == Status.PENDING:
        # Keeping the pending record of a pair must not take the organisation out of the
        # directory: the kept record inherits the publication, which grants its proposal.
        target.status = Status.PUBLISHED
        granted = list(
            target.proposals.filter(status=ProposalStatus.PENDING, kind=ProposalKind.CREATE)
        )
    target.save()
    for name in ("themes", "sdgs", "countries_of_action"):
        getattr(target, name).add(*getattr(duplicate, name).all())

    kept_users = set(target.memberships.values_list("user_id", flat=True))
    for membership in duplicate.memberships.all():
        if membership.user_id in kept_users:
            membership.delete()
        else:
            membership.organisation = target
            membership.save(update_fields=["organisation"])
    closing = []
    for other in duplicate.proposals.filter(status=ProposalStatus.PENDING):
        if other.kind == ProposalKind.CREATE:
            closing.append(other)
        else:
            other.organisation = target
            other.save(update_fields=["organisation"])
    record_change(
        target,
        before,
        user=user,
        action=ChangeAction.MERGED,
        comment=_("Fusion de « %(name)s » (n° %(pk)s)")
        % {"name": duplicate.name, "pk": duplicate.pk},
    )

    _move_participations(duplicate, target)

    dup_before = snapshot(duplicate)
    duplicate.status = Status.ARCHIVED
    duplicate.merged_into = target
    duplicate.save()
    # Records merged into the duplicate earlier now lead straight to the kept one.
    Organisation.objects.filter(merged_into=duplicate).update(merged_into=target)
    record_change(
        duplicate,
        dup_before,
        user=user,
        action=ChangeAction.MERGED,
        comment=_("Fusionnée dans « %(name)s » (n° %(pk)s)")
        % {"name": target.name, "pk": target.pk},
    )
    for other in granted:
        _close(other, ProposalStatus.APPROVED, user)
        _notify_proposer(other, "approved")
    for other in closing:
        other = Proposal.objects.get(pk=other.pk)
        _close(other, ProposalStatus.MERGED, user, merged_into=target)
        _notify_proposer(other, "merged", target=target)
    return target


def _move_participations(duplicate: Organisation, target: Organisation) -> None:
    """The kept record takes over the duplicate's project participations and funding lines;
    a role the target already holds in the same project is not doubled."""
    from passerelles.projects.models import FundingLine, Participation

    held = set(Participation.objects.filter(organisation=target).values_list("project_id", "role"))
    for participation in Participation.objects.filter(organisation=duplicate):
        if (participation.project_id, participation.role) in held:
            participation.delete()
        else:
            participation.organisation = target
            participation.save(update_fields=["organisation"])
    FundingLine.objects.filter(funder=duplicate).update(funder=target)


@transaction.atomic
def mark_not_duplicate(a: Organisation, b: Organisation, user) -> NotDuplicate:
    if a.pk == b.pk:
        raise ModerationError(_("Une fiche ne peut pas être comparée à elle-même."))
    return NotDuplicate.remember(a, b, user=user if user.is_authenticated else None)
