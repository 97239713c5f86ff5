"""Pages of small-grant rounds: the public list and round page, the application (form, partner's
comments, jury, decision) and staff's publication of the results. Who sees what is in perms."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passerelles.actors.models import Organisation
from passerelles.grants import actions, perms, queries
from passerelles.grants.forms import (
    ApplicationForm,
    BudgetLineFormSet,
    CommentForm,
    ConflictForm,
    DecisionForm,
    ScoreForm,
)
from passerelles.grants.forms_round import RoundForm
from passerelles.grants.models import Application, Round


def _rounds():
    return Round.objects.select_related("call")


def rounds(request):
    return render(
        request,
        "grants/rounds.html",
        {
            "open": _rounds().open_now(),
            "decided": _rounds().decided(),
            "can_open": perms.can_open_rounds(request.user),
        },
    )


def new_round(request):
    """Staff open a round: its call appears in the funding calls, its page takes applications."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not perms.can_open_rounds(request.user):
        raise PermissionDenied
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant_round = actions.create_round(
                title=data["title"],
                description=data["description"],
                budget=data["budget"],
                deadline=data["deadline"],
                eligible_families=data["eligible_families"],
                amount_max=data["amount_max"],
                min_cofunding=data["min_cofunding"],
                criteria=data["criteria"],
                jurors=data["jurors"],
                report_months=data["report_months"],
            )
        except actions.ActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("L'appel est ouvert aux candidatures."))
            return redirect(grant_round)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "grants/new_round.html", {"form": form}, status=status)


def round_detail(request, pk: int):
    grant_round = get_object_or_404(_rounds(), pk=pk)
    user = request.user
    context = {"round": grant_round, "criteria": grant_round.criteria.all()}
    if grant_round.is_decided:
        context["winners"] = (
            grant_round.applications.granted()
            .select_related("organisation", "partner")
            .order_by("-amount_granted")
        )
    if user.is_authenticated:
        context["mine"] = grant_round.applications.involving(user).select_related("organisation")
        context["can_apply"] = grant_round.is_open and perms.can_apply(user)
        if perms.is_staff(user):
            context["ranking"] = queries.ranking(grant_round)
            context["granted_total"] = grant_round.granted_total()
        elif perms.is_juror(user, grant_round):
            context["assigned"] = grant_round.applications.submitted().select_related(
                "organisation"
            )
    return render(request, "grants/round.html", context)


def _lines(application):
    return [
        {"label": line.label, "amount": line.amount, "funder": line.funder}
        for line in application.lines.all()
    ]


def apply(request, pk: int):
    grant_round = get_object_or_404(_rounds(), pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not perms.can_apply(request.user):
        raise PermissionDenied
    if not grant_round.is_open:
        messages.error(request, _("Erreur : l'appel est clos, il ne reçoit plus de candidature."))
        return redirect(grant_round)
    organisations = Organisation.objects.filter(memberships__user=request.user)
    form = ApplicationForm(request.POST or None, organisations=organisations)
    lines = BudgetLineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation")
        try:
            application = actions.save_draft(
                None,
                data,
                actions.funder_lines(lines.cleaned_data),
                grant_round=grant_round,
                organisation=organisation,
                by=request.user,
            )
        except actions.ActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Brouillon enregistré."))
            return redirect(application)
    return render(
        request,
        "grants/apply.html",
        {"round": grant_round, "form": form, "lines": lines},
        status=400 if form.is_bound else 200,
    )


def _application(request, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("round__call", "organisation", "partner", "project"),
        pk=pk,
    )
    if not request.user.is_authenticated:
        raise Http404
    if not perms.can_view(request.user, application):
        raise Http404  # an application's existence is not public
    return application


def application_detail(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    application = _application(request, pk)
    user, grant_round = request.user, application.round
    post = request.POST if request.method == "POST" else None
    step = request.POST.get("step", "") if post else ""
    form = lines = None
    if perms.can_edit(user, application):
        initial = {f: getattr(application, f) for f in actions.APPLICATION_FIELDS}
        form = ApplicationForm(
            post if step in ("save", "submit") else None, initial=initial, application=application
        )
        lines = BudgetLineFormSet(
            post if step in ("save", "submit") else None,
            prefix="lines",
            initial=_lines(application),
        )
    criteria = list(grant_round.criteria.all())
    score_form = ScoreForm(post if step == "score" else None, criteria=criteria)
    comment_form = CommentForm(post if step == "comment" else None)
    conflict_form = ConflictForm(post if step == "conflict" else None)
    decision_form = DecisionForm(
        post if step == "decide" else None, initial={"amount": application.amount_granted}
    )
    try:
        done = _act(
            request,
            application,
            step,
            form,
            lines,
            score_form,
            comment_form,
            conflict_form,
            decision_form,
        )
    except actions.Ineligible as error:
        for reason in error.reasons:
            messages.error(request, _("Erreur : %(reason)s") % {"reason": reason})
        done = None
    except actions.ActionError as error:
        messages.error(request, _("Erreur : %(reason)s") % {"reason": error})
        done = None
    if done:
        messages.success(request, done)
        return redirect(application)
    is_juror = perms.is_juror(user, grant_round)
    context = {
        "application": application,
        "round": grant_round,
        "form": form,
        "lines": lines,
        "comments": application.comments.select_related("author")
        if perms.can_comment(user, application)
        else None,
        "comment_form": comment_form,
        "is_juror": is_juror,
        "scoring_refusal": perms.scoring_refusal(user, application) if is_juror else "",
        "score_form": score_form,
        "conflict_form": conflict_form,
        "can_decide": perms.can_decide(user) and not grant_round.is_decided,
        "decision_form": decision_form,
        "show_decision": grant_round.is_decided or perms.is_staff(user),
    }
    if perms.can_see_scores(user, application):
        scores = application.scores.select_related("criterion", "juror")
        if not perms.is_staff(user):
            scores = scores.filter(juror=user)  # a juror sees their own scores only
        context["scores"] = scores
        context["total"] = queries.weighted_totals(grant_round).get(application.pk)
    return render(request, "grants/application.html", context, status=400 if post else 200)


def _act(
    request, application, step, form, lines, score_form, comment_form, conflict_form, decision_form
) -> str:
    """Carry out the posted step; returns the success message ("" when the form is invalid)."""
    user = request.user
    if step in ("save", "submit"):
        if form is None:
            raise actions.ActionError(_("Cette candidature ne peut plus être modifiée."))
        if not (form.is_valid() and lines.is_valid()):
            return ""
        application = actions.save_draft(
            application, form.cleaned_data, actions.funder_lines(lines.cleaned_data)
        )
        if step == "save":
            return _("Brouillon enregistré.")
        actions.submit(application, by=user)
        return _("Candidature déposée : le jury l'examinera après la date limite.")
    if step == "comment" and comment_form.is_valid():
        actions.add_comment(application, user, comment_form.cleaned_data["body"])
        return _("Commentaire ajouté.")
    if step == "conflict" and conflict_form.is_valid():
        actions.declare_conflict(application, user, conflict_form.cleaned_data["reason"])
        return _("Conflit d'intérêts enregistré : vous ne noterez pas cette candidature.")
    if step == "score" and score_form.is_valid():
        actions.score(application, user, score_form.values())
        return _("Notes enregistrées.")
    if step == "decide":
        if not perms.can_decide(user):
            raise PermissionDenied
        if decision_form.is_valid():
            actions.decide(application, amount=decision_form.cleaned_data["amount"], by=user)
            return _("Décision enregistrée.")
    return ""


@require_POST
def publish(request, pk: int):
    grant_round = get_object_or_404(Round, pk=pk)
    if not perms.can_decide(request.user):
        raise PermissionDenied
    try:
        actions.publish_results(grant_round, by=request.user)
    except actions.ActionError as error:
        messages.error(request, _("Erreur : %(reason)s") % {"reason": error})
    else:
        messages.success(request, _("Résultats publiés : les lettres partent aux candidats."))
    return redirect(grant_round)
