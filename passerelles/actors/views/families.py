"""Staff's short review list of guessed families (`family_to_review`): partners abroad typed
from their name when the retired "partner abroad" family went (actors 0008), and organisations
an import typed the same way. Each row: the organisation, a family select, "Confirmer". Works
as a plain form; with htmx the row is replaced by a line saying it is done."""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from passerelles.actors import actions, perms
from passerelles.actors.enums import Family, Status
from passerelles.actors.models import Organisation
from passerelles.core.history import ChangeSource, Origin

PAGE = 100


class FamilyReviewForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)
    family = forms.ChoiceField(
        label=gettext_lazy("Famille d'acteurs"),
        choices=Family.choices,
        error_messages={"invalid_choice": gettext_lazy("Choisissez une famille dans la liste.")},
    )


def to_review():
    """Organisations whose family staff must check, by country then name."""
    return (
        Organisation.objects.filter(family_to_review=True)
        .exclude(status=Status.ARCHIVED)
        .select_related("country", "commune")
        .order_by("country__name_fr", "sort_name", "pk")
    )


@require_http_methods(["GET", "POST"])
def review_families(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not perms.can_review_families(request.user):
        raise PermissionDenied
    if request.method == "POST":
        return _confirm(request)
    queryset = to_review()
    rows = list(queryset[:PAGE])
    context = {"rows": rows, "total": queryset.count(), "families": Family.choices}
    return render(request, "actors/moderation/families.html", context)


def _confirm(request):
    form = FamilyReviewForm(request.POST)
    org = None
    if form.is_valid():
        org = Organisation.objects.filter(pk=form.cleaned_data["organisation"]).first()
    if org is None:
        error = (
            _("Erreur : organisation introuvable.")
            if form.is_valid() or "organisation" in form.errors
            else _("Erreur : %(message)s") % {"message": " ".join(form.errors.get("family", []))}
        )
        if request.htmx:
            # 200: htmx swaps only successful answers, and the row must say what went wrong.
            return render(request, "actors/moderation/_family_done.html", {"error": error})
        messages.error(request, error)
        return redirect("actors:families")
    actions.update_organisation(
        org,
        {"family": form.cleaned_data["family"], "family_to_review": False},
        origin=Origin(request.user, ChangeSource.WEB, _("Famille vérifiée")),
    )
    done = _("Famille de « %(name)s » confirmée : %(family)s.") % {
        "name": org.name,
        "family": org.get_family_display(),
    }
    if request.htmx:
        return render(request, "actors/moderation/_family_done.html", {"org": org, "done": done})
    messages.success(request, done)
    return redirect("actors:families")
