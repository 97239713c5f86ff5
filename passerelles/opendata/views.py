"""Open-data pages: the exports (public), the import templates and their documentation
(public), Murmurations profiles (public), and the staff import: upload → dry-run preview →
apply, the preview and the application run by the task worker (opendata.tasks) while the run's
page shows their progress."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from passerelles.actors.models import Organisation
from passerelles.core import progress
from passerelles.opendata import actions, export, export_cache, registry, tasks
from passerelles.opendata.formats import murmurations, tabular
from passerelles.opendata.forms import ImportUploadForm, max_import_bytes
from passerelles.opendata.models import ImportRun, RunStatus
from passerelles.opendata.perms import can_abandon, can_import, can_publish_run
from passerelles.opendata.report import REJECTED
from passerelles.opendata.tables import templates as table_templates
from passerelles.vocab.models import SdgGoal, Theme

RUNS_SHOWN = 20


def _staff_only(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_import(request.user):
        raise PermissionDenied(_("L'import de données est réservé à l'équipe du réseau."))
    return None


# -- exports (public) --------------------------------------------------------------------


def index(request):
    return render(
        request,
        "opendata/index.html",
        {
            "exports": export_cache.listing(),
            "licence": export.LICENCE,
            "licence_url": export.LICENCE_URL,
            "can_import": can_import(request.user),
            "sample": Organisation.objects.published().order_by("pk").first(),
        },
    )


def murmurations_profile(request, slug: str):
    org = get_object_or_404(murmurations.profiles_queryset(), slug=slug)
    response = JsonResponse(
        murmurations.profile(org, export.base_url(request)), json_dumps_params={"indent": 1}
    )
    # The Murmurations index fetches profiles from its own origin.
    response["Access-Control-Allow-Origin"] = "*"
    return response


# -- templates (public) --------------------------------------------------------------------


def _table_source(kind: str):
    try:
        source = registry.get(kind)
    except KeyError:
        raise Http404 from None
    if not source.template:
        raise Http404
    return source


def template_doc(request, kind: str):
    source = _table_source(kind)
    return render(
        request,
        "opendata/template_doc.html",
        {
            "source": source,
            "columns": source.columns,
            "themes": Theme.objects.active(),
            "sdgs": SdgGoal.objects.all(),
            "kind": kind,
        },
    )


def template_file(request, kind: str, fmt: str):
    source = _table_source(kind)
    header, example = table_templates.template_rows(source.columns)
    filename = f"modele-{kind}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            (line.encode("utf-8") for line in tabular.csv_lines(header, [example])),
            content_type="text/csv; charset=utf-8",
        )
    elif fmt == "xlsx":
        response = FileResponse(
            tabular.xlsx_file(header, [example]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- staff import ------------------------------------------------------------------------


def import_page(request):
    if refused := _staff_only(request):
        return refused
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        run = ImportRun.objects.create(
            kind=form.cleaned_data["kind"],
            file_name=upload.name[:255],
            content=content,
            size=len(content),
            sha256=ImportRun.digest(content),
            created_by=request.user,
            status=RunStatus.PENDING,
        )
        # The preview runs in the worker; the run's page follows it.
        tasks.start_preview(run, request.user)
        return redirect(run)
    runs = ImportRun.objects.recent().defer("content", "rows")[:RUNS_SHOWN]
    return render(
        request,
        "opendata/import.html",
        {
            "form": form,
            "runs": runs,
            "limit": max_import_bytes(),
            "sources": registry.sources(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def run_detail(request, pk: int):
    if refused := _staff_only(request):
        return refused
    run = get_object_or_404(ImportRun.objects.defer("content").select_related("job"), pk=pk)
    job = run.job
    if job is not None:
        job = progress.live(progress.settle(job))
        if job.is_failed:
            run.refresh_from_db(fields=["status", "error", "applied_by"])
    rows = run.rows or []
    return render(
        request,
        "opendata/run.html",
        {
            "run": run,
            "job": job,
            "source": _source_or_none(run.kind),
            "rejected_rows": [r for r in rows if r["outcome"] == REJECTED],
            "other_rows": [r for r in rows if r["outcome"] != REJECTED],
            "earlier": run.same_file_applied(),
            "expiry_days": actions.expiry_days(),
            "can_publish": can_publish_run(request.user, run),
        },
    )


@require_POST
def run_publish(request, pk: int):
    """Publish at once what an applied import created and is still pending."""
    if refused := _staff_only(request):
        return refused
    run = get_object_or_404(ImportRun.objects.defer("content"), pk=pk)
    if not can_publish_run(request.user, run):
        messages.warning(request, _("Cet import n'a rien créé qui puisse être publié."))
        return redirect(run)
    done = actions.publish_run(run, request.user)
    messages.success(
        request,
        _("Publié : %(organisations)s, %(projects)s.")
        % {
            "organisations": ngettext(
                "%(count)s organisation", "%(count)s organisations", done.organisations
            )
            % {"count": done.organisations},
            "projects": ngettext("%(count)s projet", "%(count)s projets", done.projects)
            % {"count": done.projects},
        },
    )
    if done.unplaced:
        messages.warning(
            request,
            ngettext(
                "%(count)s organisation reste en attente : son pays est à préciser dans la "
                "modération.",
                "%(count)s organisations restent en attente : leur pays est à préciser dans la "
                "modération.",
                done.unplaced,
            )
            % {"count": done.unplaced},
        )
    return redirect(run)


@require_POST
def run_apply(request, pk: int):
    if refused := _staff_only(request):
        return refused
    run = get_object_or_404(ImportRun.objects.defer("content"), pk=pk)
    if not run.claim_for_apply(request.user):
        messages.warning(request, NOT_APPLIED.get(run.status, NOT_APPLIED[RunStatus.APPLIED]))
        return redirect(run)
    # The application runs in the worker, in one transaction; the run's page follows it.
    tasks.start_apply(run, request.user)
    return redirect(run)


@require_POST
def run_abandon(request, pk: int):
    if refused := _staff_only(request):
        return refused
    run = get_object_or_404(ImportRun.objects.defer("content"), pk=pk)
    if not can_abandon(request.user, run) or not actions.abandon_run(run, request.user):
        messages.warning(
            request,
            NOT_APPLIED.get(run.status, NOT_APPLIED[RunStatus.APPLIED]),
        )
        return redirect(run)
    messages.success(
        request,
        _("Import de « %(name)s » abandonné : rien n'a été écrit.") % {"name": run.file_name},
    )
    return redirect("opendata:import")


NOT_APPLIED = {
    RunStatus.APPLIED: gettext_lazy("Cet import a déjà été appliqué : rien n'a été refait."),
    RunStatus.APPLYING: gettext_lazy("Cet import est déjà en cours d'application."),
    RunStatus.PENDING: gettext_lazy(
        "La simulation n'est pas terminée : l'import ne peut pas encore être appliqué."
    ),
    RunStatus.REFUSED: gettext_lazy("Ce fichier a été refusé : il ne peut pas être appliqué."),
    RunStatus.ABANDONED: gettext_lazy(
        "Cet import a été abandonné : déposez le fichier à nouveau pour l'importer."
    ),
    RunStatus.EXPIRED: gettext_lazy(
        "Cette simulation a expiré : déposez le fichier à nouveau pour l'importer."
    ),
}


def _source_or_none(kind: str):
    try:
        return registry.get(kind)
    except KeyError:
        return None
