"""Coordinators' and staff's pages: creating and editing a group, its members and requests,
planning a meeting. Every rule is in perms; every write in actions."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passerelles.groups import actions, perms
from passerelles.groups.enums import GroupRole
from passerelles.groups.forms import GroupForm, MeetingForm
from passerelles.groups.models import JoinRequest, Membership
from passerelles.groups.views import visible_group


def _managed(request, slug):
    group = visible_group(request, slug)
    if not perms.can_manage(request.user, group):
        raise Http404
    return group


def create(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not perms.can_create_group(request.user):
        raise Http404
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = actions.create_group(
            form.cleaned_data, by=request.user, coordinators=[request.user]
        )
        messages.success(request, _("Le groupe est créé ; vous en êtes coordinateur·rice."))
        return redirect(group)
    return render(request, "groups/edit.html", {"form": form})


def edit(request, slug):
    group = _managed(request, slug)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        # The form's instance already holds the new values; the action saves them.
        actions.update_group(group, form.cleaned_data)
        messages.success(request, _("Le groupe est enregistré."))
        return redirect(group)
    return render(request, "groups/edit.html", {"form": form, "group": group})


def manage(request, slug):
    group = _managed(request, slug)
    context = {
        "group": group,
        "requests": group.requests.pending().select_related("user", "organisation"),
        "members": group.memberships.select_related("user", "organisation").order_by(
            "-role", "user__full_name", "user__email"
        ),
    }
    return render(request, "groups/manage.html", context)


@require_POST
def decide(request, slug, pk):
    group = _managed(request, slug)
    join_request = get_object_or_404(JoinRequest.objects.select_related("user"), pk=pk, group=group)
    accept = request.POST.get("decision") == "accept"
    try:
        actions.decide_request(join_request, accept=accept, by=request.user)
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(person)s fait maintenant partie du groupe.") % {"person": join_request.user}
            if accept
            else _("La demande est refusée ; la personne en est informée."),
        )
    return redirect("groups:manage", slug=group.slug)


@require_POST
def member(request, slug, pk):
    group = _managed(request, slug)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, group=group)
    what = request.POST.get("action")
    try:
        if what == "remove":
            actions.remove_member(membership)
            messages.success(
                request,
                _("%(person)s ne fait plus partie du groupe.") % {"person": membership.user},
            )
        elif what in (GroupRole.COORDINATOR, GroupRole.MEMBER):
            actions.set_role(membership, what)
            messages.success(request, _("Le rôle est enregistré."))
        else:
            messages.error(request, _("Action inconnue."))
    except actions.ActionError as error:
        messages.error(request, str(error))
    return redirect("groups:manage", slug=group.slug)


def plan_meeting(request, slug):
    group = _managed(request, slug)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = actions.plan_meeting(group, form.cleaned_data)
        messages.success(request, _("La réunion est programmée."))
        return redirect(meeting)
    return render(request, "groups/meeting_form.html", {"form": form, "group": group})
