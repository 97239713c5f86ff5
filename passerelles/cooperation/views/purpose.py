"""Statements and their ratings; versions of the purpose, amendments, comments."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passerelles.cooperation import perms, services
from passerelles.cooperation.forms import (
    AmendmentForm,
    CommentForm,
    StatementForm,
    VersionForm,
    VoteForm,
)
from passerelles.cooperation.models import Amendment, PurposeVersion, Statement
from passerelles.cooperation.views.common import back, deny, load_space, run, space_rights


@require_POST
def statement_create(request, slug):
    space = load_space(slug)
    members = list(perms.acting_members(request.user, space))
    if not members:
        return deny(request)
    form = StatementForm(request.POST, members=members)
    if form.is_valid():
        run(
            request,
            services.write_statement,
            space,
            form.cleaned_data["member"],
            form.cleaned_data["text"],
            request.user,
            success=_("Énoncé ajouté."),
        )
    else:
        run(request, _raise_form, form)
    return back(space, "enonces")


@require_POST
def statement_vote(request, slug, pk):
    space = load_space(slug)
    statement = get_object_or_404(Statement, space=space, pk=pk)
    members = list(perms.acting_members(request.user, space))
    if not members:
        return deny(request)
    form = VoteForm(request.POST, members=members)
    if form.is_valid():
        run(
            request,
            services.rate_statement,
            statement,
            form.cleaned_data["member"],
            form.cleaned_data["vote"],
            request.user,
            success=_("Avis enregistré."),
        )
    else:
        run(request, _raise_form, form)
    return back(space, f"enonce-{statement.pk}")


def _raise_form(form):
    from passerelles.cooperation.services import CooperationError

    raise CooperationError([str(e) for errors in form.errors.values() for e in errors])


def purpose(request, slug, number=None):
    """A version of the purpose (the latest by default) with its amendments and comments."""
    space = load_space(slug)
    ctx = space_rights(request, space)
    if not ctx["can_view"]:
        return deny(request)
    versions = list(space.versions.select_related("member__organisation", "parent"))
    if not versions and number is None:
        version = None
    elif number is None:
        version = versions[-1]
    else:
        version = next((v for v in versions if v.number == number), None)
        if version is None:
            raise Http404
    members = ctx["acting_members"]
    ctx.update(
        versions=versions,
        version=version,
        latest=versions[-1] if versions else None,
        amendments=version.amendments.select_related("member__organisation", "result")
        if version
        else [],
        comments=version.comments.select_related("member__organisation") if version else [],
        amendment_form=AmendmentForm(
            members=members,
            initial={"text": version.text, "objectives": "\n".join(version.objectives)},
        )
        if (version and members)
        else None,
        comment_form=CommentForm(members=members) if (version and members) else None,
        version_form=VersionForm(
            members=[m for m in members if m.role == "lead"],
            initial={"text": version.text, "objectives": "\n".join(version.objectives)}
            if version
            else {},
        )
        if ctx["can_lead"]
        else None,
        open_round=space.rounds.open().first(),
    )
    return render(request, "cooperation/purpose.html", ctx)


@login_required
@require_POST
def version_create(request, slug):
    space = load_space(slug)
    leads = list(perms.lead_members(request.user, space))
    if not leads:
        return deny(request)
    form = VersionForm(request.POST, members=leads)
    latest = space.versions.order_by("-number").first()
    if form.is_valid():
        d = form.cleaned_data
        version = run(
            request,
            services.new_version,
            space,
            d["text"],
            d["objectives"],
            request.user,
            member=d["member"],
            parent=latest,
            note=d["note"],
            success=_("Nouvelle version enregistrée."),
        )
        if version:
            return redirect("cooperation:version", slug=slug, number=version.number)
    else:
        run(request, _raise_form, form)
    return redirect("cooperation:purpose", slug=slug)


def amend(request, slug, number):
    """Propose an amendment (GET shows the form prefilled with the version's text)."""
    space = load_space(slug)
    version = get_object_or_404(PurposeVersion, space=space, number=number)
    members = list(perms.acting_members(request.user, space))
    if not members:
        return deny(request)
    form = AmendmentForm(
        request.POST or None,
        members=members,
        initial={"text": version.text, "objectives": "\n".join(version.objectives)},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if run(
            request,
            services.propose_amendment,
            version,
            d["member"],
            d["text"],
            d["objectives"],
            d["rationale"],
            request.user,
            success=_("Amendement proposé."),
        ):
            return redirect("cooperation:version", slug=slug, number=number)
    return render(
        request, "cooperation/amend.html", {"space": space, "version": version, "form": form}
    )


@require_POST
def amendment_decide(request, slug, pk, decision):
    space = load_space(slug)
    amendment = get_object_or_404(
        Amendment.objects.select_related("version", "member"), version__space=space, pk=pk
    )
    leads = list(perms.lead_members(request.user, space))
    if not leads:
        return deny(request)
    if decision == "integrer":
        version = run(
            request,
            services.accept_amendment,
            amendment,
            request.user,
            member=leads[0],
            success=_("Amendement intégré : nouvelle version."),
        )
        if version:
            return redirect("cooperation:version", slug=slug, number=version.number)
    else:
        run(
            request,
            services.reject_amendment,
            amendment,
            request.user,
            member=leads[0],
            success=_("Amendement écarté."),
        )
    return redirect("cooperation:version", slug=slug, number=amendment.version.number)


@require_POST
def comment(request, slug, number):
    space = load_space(slug)
    version = get_object_or_404(PurposeVersion, space=space, number=number)
    members = list(perms.acting_members(request.user, space))
    if not members:
        return deny(request)
    form = CommentForm(request.POST, members=members)
    if form.is_valid():
        run(
            request,
            services.add_comment,
            version,
            form.cleaned_data["member"],
            form.cleaned_data["text"],
            request.user,
            success=_("Commentaire ajouté."),
        )
    else:
        run(request, _raise_form, form)
    return redirect("cooperation:version", slug=slug, number=number)
