"""Creating and editing projects (members for their own organisations' projects, staff for
all), and the search box behind the participants' select. Rules live in perms.py; the forms
and their cross-checks in editor.py (rules in validation.py); saving through services.py and the
projects' actions (actions.py)."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from passerelles.projects import perms
from passerelles.projects.editor import ProjectEditor
from passerelles.projects.models import Project
from passerelles.projects.participants import organisation_label, search_options


def _forbidden(request, project=None):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "projects/edit_forbidden.html", {"project": project}, status=403)


def _warnings(request, editor):
    for place in editor.not_found:
        messages.warning(
            request,
            _(
                "Localité introuvable : « %(locality)s » (%(country)s) n'est pas dans notre "
                "répertoire des localités. Le lieu est enregistré, sans point sur la carte."
            )
            % {"locality": place.locality, "country": place.country.name},
        )
    for org in editor.organisations_not_found:
        messages.warning(
            request,
            _(
                "Localité introuvable pour « %(name)s » : « %(locality)s ». La fiche est créée "
                "sans position sur la carte."
            )
            % {"name": org.name, "locality": org.locality},
        )
    for org in editor.new_organisations:
        invitation = getattr(org, "invitation", None)
        if invitation is not None and not invitation.queued:
            messages.warning(
                request,
                _("L'invitation pour « %(name)s » n'a pas été envoyée. %(refusal)s")
                % {"name": org.name, "refusal": invitation.message()},
            )
    if editor.new_organisations:
        names = ", ".join(f"« {org.name} »" for org in editor.new_organisations)
        messages.info(
            request,
            ngettext(
                "Nouvelle fiche envoyée à l'équipe du réseau pour vérification : %(names)s. "
                "Elle apparaîtra dans l'annuaire une fois publiée.",
                "Nouvelles fiches envoyées à l'équipe du réseau pour vérification : %(names)s. "
                "Elles apparaîtront dans l'annuaire une fois publiées.",
                len(editor.new_organisations),
            )
            % {"names": names},
        )


def _edit(request, project, template):
    editor = ProjectEditor(
        request.user, project, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and not editor.search_requested and editor.is_valid():
        project = editor.save(base_url=request.build_absolute_uri("/").rstrip("/"))
        _warnings(request, editor)
        messages.success(
            request,
            _("Le projet est créé.")
            if editor.is_new
            else _("Les modifications sont enregistrées."),
        )
        return redirect(project)
    context = {
        "editor": editor,
        "form": editor.form,
        "project": None if editor.is_new else project,
        "show_errors": request.method == "POST" and not editor.search_requested,
    }
    return render(request, template, context)


def create(request):
    if not perms.can_create_project(request.user):
        return _forbidden(request)
    return _edit(request, None, "projects/edit.html")


def edit(request, slug):
    project = get_object_or_404(Project, slug=slug)
    if not perms.can_edit_project(request.user, project):
        return _forbidden(request, project)
    return _edit(request, project, "projects/edit.html")


@require_GET
def organisation_options(request):
    """<option>s of the directory matching a participant row's search box (htmx). The box's
    name carries its row prefix ("participants-0-search"), so any key ending in "search" is
    read; `q` works too for other callers."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    query = request.GET.get("q", "")
    for key, value in request.GET.items():
        if key.endswith("search"):
            query = value
    results = search_options(request.user, query)
    options = [(org.pk, organisation_label(org)) for org in results]
    return render(
        request,
        "projects/_organisation_options.html",
        {"options": options, "query": query.strip()},
    )
