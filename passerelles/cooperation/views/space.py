"""The space page, opening a space, governance rules, invitations."""

from django.contrib.auth.decorators import login_required
from django.forms import modelformset_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passerelles.actors.models import Organisation
from passerelles.cooperation import indicators, perms, services
from passerelles.cooperation.enums import RoundStatus, Vote
from passerelles.cooperation.forms import (
    CollegeForm,
    GovernanceForm,
    InviteForm,
    JoinDecisionForm,
    OpenSpaceForm,
    StatementForm,
    invite_candidates,
)
from passerelles.cooperation.models import (
    College,
    CooperationSpace,
    DecisionLogEntry,
    SpaceMember,
    StatementVote,
)
from passerelles.cooperation.rules import statement_tallies
from passerelles.cooperation.views.common import back, deny, load_space, run, space_rights
from passerelles.projects.models import Project


def index(request):
    """The spaces a person takes part in (all of them for staff). Visitors get the public
    page that explains spaces and lists them, not a bare sign-in form."""
    if not request.user.is_authenticated:
        return redirect("cooperation:discover")
    qs = CooperationSpace.objects.select_related("project", "adopted_version")
    if not request.user.is_network_staff:
        qs = qs.involving_user(request.user)
    return render(request, "cooperation/index.html", {"spaces": qs})


def detail(request, slug):
    space = load_space(slug)
    ctx = space_rights(request, space)
    if not ctx["can_view"]:
        return render(request, "cooperation/public.html", public_context(space))
    members = list(
        space.members.select_related("organisation", "college").order_by(
            "college__order", "organisation__name"
        )
    )
    colleges = list(space.colleges.all())
    for college in colleges:
        college.member_list = [m for m in members if m.college_id == college.pk]
    rounds = list(space.rounds.select_related("version"))
    tallies = statement_tallies(space)
    if ctx["acting_members"]:
        # The person's own rating, shown beside each statement (their first organisation).
        mine = dict(
            StatementVote.objects.filter(
                member=ctx["acting_members"][0], statement__space=space
            ).values_list("statement_id", "vote")
        )
        for t in tallies:
            t.my_vote = mine.get(t.statement.pk)
            t.my_vote_label = Vote(t.my_vote).label if t.my_vote else ""
    user_orgs = (
        set(request.user.memberships.values_list("organisation_id", flat=True))
        if (request.user.is_authenticated)
        else set()
    )
    ctx.update(
        composition=space.composition(),
        colleges=colleges,
        invitations=[
            m for m in members if m.status == "invited" and m.organisation_id in user_orgs
        ],
        tallies=tallies,
        statement_form=StatementForm(members=ctx["acting_members"])
        if ctx["can_take_part"]
        else None,
        latest=space.versions.order_by("-number").first(),
        open_round=next((r for r in rounds if r.status == RoundStatus.OPEN), None),
        rounds=rounds,
        actions=space.actions.select_related("lead__organisation"),
        contributions=space.contributions.select_related(
            "giver__organisation", "receiver__organisation"
        )[:50],
        indicators=indicators.compute(space),
        recent_log=DecisionLogEntry.objects.filter(space=space).order_by("-at", "-pk")[:5],
        join_requests=join_requests_for(space, ctx["can_lead"]),
        single_member=len(ctx["acting_members"]) == 1,
    )
    return render(request, "cooperation/space.html", ctx)


def join_requests_for(space, can_lead) -> list:
    """Pending requests to join, each with its decision form, for the space's leads."""
    if not can_lead:
        return []
    rows = list(
        space.join_requests.pending().select_related("organisation__country", "requested_by")
    )
    for row in rows:
        row.decision_form = JoinDecisionForm(space=space, prefix=f"j{row.pk}")
    return rows


def public_context(space):
    ctx = {"space": space}
    if space.public_members:
        ctx["members"] = space.members.active().select_related("organisation", "college")
    if space.public_indicators:
        ctx["indicators"] = indicators.compute(space)
    return ctx


@login_required
def open_space(request, project_slug):
    project = get_object_or_404(Project, slug=project_slug)
    if hasattr(project, "cooperation_space"):
        return redirect(project.cooperation_space)
    if not perms.can_open_space(request.user, project):
        return deny(request)
    organisations = Organisation.objects.filter(
        participations__project=project,
        participations__role="lead",
        memberships__user=request.user,
    ).distinct()
    form = OpenSpaceForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        space = run(
            request,
            services.open_space,
            project,
            data["lead_organisation"],
            data["lead_college"].name,
            list(data["templates"]),
            request.user,
            min_there_percent=data["min_there_percent"],
            success=_("L'espace de co-construction est ouvert. Invitez les organisations."),
        )
        if space:
            return redirect("cooperation:invite", slug=project.slug)
    return render(request, "cooperation/open.html", {"project": project, "form": form})


CollegeFormSet = modelformset_factory(College, form=CollegeForm, extra=1, can_delete=False)


@login_required
def governance(request, slug):
    space = load_space(slug)
    if not perms.can_lead(request.user, space):
        return deny(request)
    form = GovernanceForm(request.POST or None, instance=space, prefix="rules")
    formset = CollegeFormSet(request.POST or None, queryset=space.colleges.all(), prefix="colleges")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        changed = [
            {"id": f.instance.pk, **{k: f.cleaned_data[k] for k in CollegeForm.Meta.fields}}
            for f in formset.forms
            if f.has_changed()
        ]
        done = run(
            request,
            services.set_governance,
            space,
            request.user,
            member=perms.lead_members(request.user, space).first(),
            rules=form.cleaned_data,
            colleges=changed,
            success=_("Règles de gouvernance enregistrées."),
        )
        if done:
            return back(space, "composition")
    return render(
        request, "cooperation/governance.html", {"space": space, "form": form, "formset": formset}
    )


@login_required
def invite(request, slug):
    space = load_space(slug)
    if not perms.can_lead(request.user, space):
        return deny(request)
    query = request.GET.get("q", "").strip()[:100]
    candidates = invite_candidates(space, query)
    form = InviteForm(request.POST or None, space=space, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = run(
            request,
            services.invite,
            space,
            data["organisation"],
            data["college"],
            request.user,
            role=data["role"],
            success=_("%(org)s est invitée.") % {"org": data["organisation"]},
        )
        if member:
            return redirect("cooperation:invite", slug=slug)
    shown = list(candidates[:30]) if query or request.method == "POST" else []
    form.fields["organisation"].queryset = (
        candidates.filter(pk__in=[o.pk for o in shown]) if (shown) else candidates.none()
    )
    return render(
        request,
        "cooperation/invite.html",
        {
            "space": space,
            "form": form,
            "query": query,
            "shown": shown,
            "members": space.members.select_related("organisation", "college"),
        },
    )


@require_POST
def accept(request, slug, pk):
    space = load_space(slug)
    member = get_object_or_404(SpaceMember, space=space, pk=pk)
    if not perms.can_accept_invitation(request.user, member):
        return deny(request)
    run(
        request,
        services.accept_invitation,
        member,
        request.user,
        success=_("Votre organisation est membre de l'espace."),
    )
    return back(space)


@require_POST
def decline(request, slug, pk):
    space = load_space(slug)
    member = get_object_or_404(
        SpaceMember.objects.select_related("organisation"), space=space, pk=pk
    )
    if not perms.acts_for_member(request.user, member):
        return deny(request)
    run(
        request,
        services.decline_invitation,
        member,
        request.user,
        success=_("Invitation déclinée."),
    )
    # Once declined the space is no longer theirs to read: back to their own page.
    return redirect("site:my_space")


@require_POST
def leave(request, slug, pk):
    space = load_space(slug)
    member = get_object_or_404(
        SpaceMember.objects.select_related("organisation"), space=space, pk=pk
    )
    if not member.organisation.memberships.filter(user_id=request.user.pk).exists() and not (
        perms.can_lead(request.user, space)
    ):
        return deny(request)
    run(
        request,
        services.leave,
        member,
        request.user,
        success=_("%(org)s a quitté l'espace.") % {"org": member.organisation},
    )
    return back(space)
