"""Staff moderation: the queue of proposals, the review page (difference field by field,
approve / reject with a reason / merge into an existing record / not a duplicate) and the list
of likely duplicates among all organisations."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from passerelles.actors import moderation, perms
from passerelles.actors.duplicates import candidates_for, likely_pairs
from passerelles.actors.enums import Status
from passerelles.actors.forms import MergeForm, RejectForm
from passerelles.actors.history import field_label
from passerelles.actors.models import Organisation, Proposal, ProposalKind, ProposalStatus
from passerelles.core.history import ChangeSource, Origin

QUEUE_PAGE = 100


def _organisation_or_404(pk):
    # Ids come from hidden form fields: anything but a number is a bad request, not a crash.
    if not str(pk or "").isdigit():
        raise Http404
    return get_object_or_404(Organisation, pk=pk)


def staff_required(view):
    """Visitors are sent to log in; people logged in without the staff role get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not perms.can_moderate(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@staff_required
def queue(request):
    pending = Proposal.objects.pending().select_related(
        "organisation", "organisation__commune", "organisation__country", "proposer"
    )
    counts = Proposal.objects.aggregate(
        pending=Count("pk", filter=Q(status=ProposalStatus.PENDING)),
        creations=Count("pk", filter=Q(status=ProposalStatus.PENDING, kind=ProposalKind.CREATE)),
        corrections=Count("pk", filter=Q(status=ProposalStatus.PENDING, kind=ProposalKind.UPDATE)),
        archives=Count("pk", filter=Q(status=ProposalStatus.PENDING, kind=ProposalKind.ARCHIVE)),
    )
    recent = (
        Proposal.objects.exclude(status=ProposalStatus.PENDING)
        .select_related("organisation", "reviewed_by")
        .order_by("-reviewed_at", "-pk")[:10]
    )
    return render(
        request,
        "actors/moderation/queue.html",
        # The oldest first, a page's worth: the counts say how many wait in all.
        {
            "proposals": pending[:QUEUE_PAGE],
            "counts": counts,
            "recent": recent,
            "families_to_review": Organisation.objects.filter(family_to_review=True)
            .exclude(status=Status.ARCHIVED)
            .count(),
        },
    )


def _decide(request, proposal, candidates):
    """Apply the POSTed decision; returns (done, reject_form, merge_form)."""
    action = request.POST.get("action")
    origin = Origin(request.user, ChangeSource.WEB)
    reject_form = RejectForm(request.POST if action == "reject" else None)
    merge_form = MergeForm(
        request.POST if action == "merge" else None,
        duplicate=proposal.organisation,
        candidates=[p.second for p in candidates],
    )
    try:
        if action == "approve":
            moderation.approve(proposal, origin=origin)
            if proposal.kind == ProposalKind.ARCHIVE:
                messages.success(request, _("Fiche archivée."))
            else:
                messages.success(request, _("Proposition acceptée et publiée."))
            return True, reject_form, merge_form
        if action == "reject" and reject_form.is_valid():
            moderation.reject(proposal, reject_form.cleaned_data["reason"], origin=origin)
            messages.success(request, _("Proposition refusée ; le motif est envoyé."))
            return True, reject_form, merge_form
        if action == "merge" and merge_form.is_valid():
            target = merge_form.cleaned_data["target"]
            moderation.merge(proposal.organisation, target, origin=origin, proposal=proposal)
            messages.success(
                request, _("Fiches fusionnées dans « %(name)s ».") % {"name": target.name}
            )
            return True, reject_form, merge_form
        if action == "not_duplicate":
            other = _organisation_or_404(request.POST.get("other"))
            moderation.mark_not_duplicate(proposal.organisation, other, origin=origin)
            messages.success(
                request,
                _("C'est noté : « %(name)s » ne sera plus proposée comme doublon.")
                % {"name": other.name},
            )
            return False, reject_form, merge_form
    except moderation.ModerationError as error:
        # Nothing was applied: back to the review page with the reason.
        messages.error(request, str(error))
        return False, reject_form, merge_form
    if action not in ("approve", "reject", "merge", "not_duplicate"):
        messages.error(request, _("Action inconnue."))
    return False, reject_form, merge_form


def _obvious_target(candidates):
    """The candidate a merge should fold the proposal into when staff do not choose: the only
    one, or the one matching on more grounds (SIREN, RNA, name) than any other. None when
    several are equally likely: then staff must choose."""
    if len(candidates) == 1:
        return candidates[0].second.pk
    if len(candidates) > 1 and len(candidates[0].reasons) > len(candidates[1].reasons):
        return candidates[0].second.pk
    return None


@staff_required
@require_http_methods(["GET", "POST"])
def review(request, pk):
    proposal = get_object_or_404(
        Proposal.objects.select_related("organisation", "proposer", "reviewed_by"), pk=pk
    )
    org = proposal.organisation
    candidates = candidates_for(org) if proposal.kind == ProposalKind.CREATE else []
    reject_form = RejectForm()
    merge_form = MergeForm(
        duplicate=org,
        candidates=[p.second for p in candidates],
        initial={"target": _obvious_target(candidates)},
    )
    status = 200
    if request.method == "POST":
        if proposal.status != ProposalStatus.PENDING:
            messages.error(request, _("Cette proposition a déjà été traitée."))
            return redirect("actors:review", pk=proposal.pk)
        done, reject_form, merge_form = _decide(request, proposal, candidates)
        if done:
            return redirect("actors:moderation")
        if reject_form.errors or merge_form.errors:
            status = 400
        else:
            return redirect("actors:review", pk=proposal.pk)
    changes, errors = moderation.proposed_changes(proposal)
    rows = [
        {"name": name, "label": field_label(name), "old": old, "new": new}
        for name, (old, new) in changes.items()
    ]
    context = {
        "proposal": proposal,
        "organisation": org,
        "rows": rows,
        "payload_errors": errors,
        "candidates": candidates,
        "reject_form": reject_form,
        "merge_form": merge_form,
        "is_pending": proposal.status == ProposalStatus.PENDING,
    }
    return render(request, "actors/moderation/review.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def duplicates(request):
    if request.method == "POST":
        first = _organisation_or_404(request.POST.get("first"))
        second = _organisation_or_404(request.POST.get("second"))
        action = request.POST.get("action")
        try:
            if action == "not_duplicate":
                moderation.mark_not_duplicate(
                    first, second, origin=Origin(request.user, ChangeSource.WEB)
                )
                messages.success(request, _("C'est noté : ces deux fiches sont distinctes."))
            elif action == "merge":
                # The form says which record to keep; the other one is folded into it.
                keep, drop = (
                    (first, second)
                    if request.POST.get("keep") != "second"
                    else (
                        second,
                        first,
                    )
                )
                moderation.merge(drop, keep, origin=Origin(request.user, ChangeSource.WEB))
                messages.success(
                    request,
                    _("« %(drop)s » est fusionnée dans « %(keep)s ».")
                    % {"drop": drop.name, "keep": keep.name},
                )
            else:
                messages.error(request, _("Action inconnue."))
        except moderation.ModerationError as error:
            messages.error(request, str(error))
        return redirect("actors:duplicates")
    pairs, total = likely_pairs()
    return render(request, "actors/moderation/duplicates.html", {"pairs": pairs, "total": total})
