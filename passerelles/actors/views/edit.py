"""Contributions: propose a new organisation, edit one you act for, suggest a correction, read
the history. Rules live in perms.py; writes go through actions.py (moderation.py for the
proposals)."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from passerelles.actors import actions, moderation, perms
from passerelles.actors.forms import CorrectionForm, OrganisationForm, ProposeForm
from passerelles.actors.history import field_label
from passerelles.actors.models import ChangeAction, Organisation
from passerelles.core.history import ChangeSource, Origin


def _geocoding_warning(request, org):
    if getattr(org, "geocoding_failed", False):
        messages.warning(
            request,
            _(
                "Nous n'avons pas trouvé « %(locality)s » dans notre répertoire des localités : "
                "la fiche est enregistrée sans position sur la carte."
            )
            % {"locality": org.locality},
        )


def propose(request):
    if request.GET.get("merci"):
        return render(request, "actors/propose_thanks.html")
    if not perms.can_propose(request.user):
        raise PermissionDenied
    form = ProposeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        proposal = moderation.propose_organisation(
            form.data_for_actions(),
            origin=Origin(request.user, ChangeSource.WEB),
            message=form.cleaned_data.get("message", ""),
            contact_email=form.cleaned_data.get("contact_email", ""),
        )
        _geocoding_warning(request, proposal.organisation)
        return redirect(reverse("actors:propose") + "?merci=1")
    return render(request, "actors/propose.html", {"form": form})


def edit(request, slug):
    org = get_object_or_404(Organisation, slug=slug)
    if not perms.can_edit_organisation(request.user, org):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # Logged in but not acting for it: say why, and offer the path that is open to them.
        context = {
            "organisation": org,
            "can_correct": perms.can_suggest_correction(request.user, org),
        }
        return render(request, "actors/edit_forbidden.html", context, status=403)
    form = OrganisationForm(request.POST or None, request.FILES or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        org = actions.update_organisation(
            org,
            form.data_for_actions(changed_only=True),
            origin=Origin(request.user, ChangeSource.WEB),
        )
        _geocoding_warning(request, org)
        messages.success(request, _("Les modifications sont enregistrées."))
        return redirect(org)
    return render(request, "actors/edit.html", {"form": form, "organisation": org})


def suggest_correction(request, slug):
    org = get_object_or_404(Organisation, slug=slug)
    if not perms.can_suggest_correction(request.user, org):
        raise Http404
    if perms.can_edit_organisation(request.user, org) and request.method == "GET":
        # Members and staff need no moderation: send them to the direct edit form.
        return redirect("actors:edit", slug=org.slug)
    form = CorrectionForm(request.POST or None, organisation=org, user=request.user)
    if request.method == "POST" and form.is_valid():
        proposal = moderation.suggest_correction(
            org,
            form.changed_payload(),
            origin=Origin(request.user, ChangeSource.WEB),
            message=form.cleaned_data.get("message", ""),
            contact_email=form.cleaned_data.get("contact_email", ""),
        )
        if proposal is None:
            messages.info(request, _("Vous n'avez rien modifié : aucune correction envoyée."))
        else:
            messages.success(
                request,
                _("Merci ! Votre correction est envoyée à l'équipe du réseau, qui la vérifiera."),
            )
        return redirect(org)
    return render(request, "actors/correct.html", {"form": form, "organisation": org})


def _who(record, users_are_visible, member_ids):
    user = record.user
    if user is None:
        return _("import") if record.action == ChangeAction.IMPORTED else _("le système")
    if users_are_visible:
        return f"{user.full_name} <{user.email}>" if user.full_name else user.email
    if user.is_network_staff:
        return _("l'équipe du réseau")
    if user.pk in member_ids:
        return _("un membre de l'organisation")
    return _("une personne inscrite")


def history(request, slug):
    org = get_object_or_404(Organisation, slug=slug)
    if not perms.can_view_history(request.user, org):
        raise Http404
    visible = perms.can_see_contributor_identity(request.user)
    member_ids = set(org.memberships.values_list("user_id", flat=True))
    records = []
    for record in org.history.select_related("user")[:200]:
        records.append(
            {
                "record": record,
                "who": _who(record, visible, member_ids),
                "changes": [
                    {"label": field_label(name), "old": old, "new": new}
                    for name, (old, new) in record.changes.items()
                ],
            }
        )
    return render(request, "actors/history.html", {"organisation": org, "records": records})
