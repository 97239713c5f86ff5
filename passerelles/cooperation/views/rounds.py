"""Consent rounds: opening, the consent page (light, no JavaScript), closing."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passerelles.cooperation import perms, services
from passerelles.cooperation.enums import Answer
from passerelles.cooperation.forms import AnswerForm
from passerelles.cooperation.models import ConsentRound, PurposeVersion
from passerelles.cooperation.views.common import deny, load_space, run, space_rights


@require_POST
def open_round(request, slug, number):
    space = load_space(slug)
    version = get_object_or_404(PurposeVersion, space=space, number=number)
    leads = list(perms.lead_members(request.user, space))
    if not leads:
        return deny(request)
    rnd = run(
        request,
        services.open_round,
        version,
        request.user,
        member=leads[0],
        success=_("Le tour de consentement est ouvert ; les membres sont prévenus."),
    )
    if rnd:
        return redirect("cooperation:round", slug=slug, pk=rnd.pk)
    return redirect("cooperation:version", slug=slug, number=number)


def consent(request, slug, pk):
    """The consent page: the text, where the round stands per college, the answers, and a
    plain form. Kept small: it is read on phones over slow connections abroad."""
    space = load_space(slug)
    rnd = get_object_or_404(ConsentRound.objects.select_related("version"), space=space, pk=pk)
    ctx = space_rights(request, space)
    if not ctx["can_view"]:
        return deny(request)
    members = list(perms.answerable_members(request.user, rnd))
    form = None
    tally = rnd.tally()
    if members:
        objecting = any(
            (r := tally.answers.get(m.pk)) is not None and r.answer == Answer.OBJECTION
            for m in members
        )
        form = AnswerForm(request.POST or None, members=members, can_withdraw=objecting)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            if run(
                request,
                services.answer,
                rnd,
                d["member"],
                d["answer"],
                d["reason"],
                request.user,
                success=_("Votre réponse est enregistrée."),
            ):
                return redirect("cooperation:round", slug=slug, pk=pk)
    elif request.method == "POST":
        return deny(request)
    history = rnd.responses.select_related("member__organisation").order_by("pk")
    mine = {m.pk: tally.answers.get(m.pk) for m in members}
    ctx.update(
        round=rnd,
        version=rnd.version,
        tally=tally,
        form=form,
        history=history,
        mine=[(m, mine[m.pk]) for m in members],
        Answer=Answer,
    )
    return render(request, "cooperation/consent.html", ctx)


@require_POST
def close(request, slug, pk, how):
    space = load_space(slug)
    rnd = get_object_or_404(ConsentRound, space=space, pk=pk)
    leads = list(perms.lead_members(request.user, space))
    if not leads:
        return deny(request)
    if how == "annuler":
        run(
            request,
            services.cancel_round,
            rnd,
            request.user,
            member=leads[0],
            success=_("Tour annulé."),
        )
    else:
        run(
            request,
            services.close_round,
            rnd,
            request.user,
            member=leads[0],
            success=_("Tour clos."),
        )
    return redirect("cooperation:round", slug=slug, pk=pk)
