"""Pages of practice sheets (/pratiques/): the list with its search and filters, a sheet, the
propose and edit forms, staff's moderation, the exports, and the curation of the pairs shown
on the common-issue pages. Who may do what is in perms."""

import json

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passerelles.core.history import ChangeSource, Origin
from passerelles.geo.models import Country
from passerelles.practices import actions, exports, perms, queries
from passerelles.practices.enums import Curation, SheetStatus
from passerelles.practices.forms import PracticeForm, RefusalForm
from passerelles.practices.models import CuratedPair, Practice
from passerelles.projects.models import Project
from passerelles.vocab.models import Theme

PAGE_SIZE = 20


def _refuse(request):
    """Visitors are sent to sign in; signed-in people without the right get a 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _origin(request) -> Origin:
    return Origin(user=request.user, source=ChangeSource.WEB)


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _filtered(request, qs):
    """The list's filters from the query string; unknown values match nothing but never fail
    (a shared link with an old theme shows an empty list, not an error)."""
    chosen = {
        "q": request.GET.get("q", "").strip()[:200],
        "theme": request.GET.get("theme", "")[:60],
        "country": request.GET.get("country", "").upper()[:2],
        "side": request.GET.get("side", ""),
    }
    return queries.filtered(qs, **chosen), chosen


def practice_list(request):
    qs, chosen = _filtered(request, Practice.objects.published())
    page = Paginator(
        qs.select_related("commune", "country").prefetch_related("themes"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    mine = (
        Practice.objects.filter(author=request.user).exclude(status=SheetStatus.PUBLISHED)
        if request.user.is_authenticated
        else Practice.objects.none()
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "practices/list.html",
        {
            "page": page,
            "chosen": chosen,
            "query": query.urlencode(),
            "themes": Theme.objects.active()
            .filter(practices__status=SheetStatus.PUBLISHED)
            .distinct(),
            "countries": Country.objects.filter(practices__status=SheetStatus.PUBLISHED).distinct(),
            "mine": list(mine),
            "can_propose": perms.can_propose(request.user),
            "can_moderate": perms.can_moderate(request.user),
            "pending": Practice.objects.pending().count()
            if perms.can_moderate(request.user)
            else 0,
        },
    )


def practice_detail(request, slug):
    practice = get_object_or_404(queries.with_links(Practice.objects.all()), slug=slug)
    if not perms.can_view(request.user, practice):
        # A sheet that is not public does not exist for those who may not see it.
        raise Http404
    jsonld = None
    if practice.is_published:
        jsonld = json.dumps(
            {"@context": exports.CONTEXT, **exports.as_jsonld(practice, _base_url(request))},
            ensure_ascii=False,
        ).replace("</", "<\\/")
    return render(
        request,
        "practices/detail.html",
        {
            "practice": practice,
            "jsonld": jsonld,
            "can_edit": perms.can_edit(request.user, practice),
            "can_moderate": perms.can_moderate(request.user),
            "is_author": request.user.is_authenticated and practice.author_id == request.user.pk,
            "refusal_form": RefusalForm(),
            "history": practice.history.select_related("user")[:20]
            if perms.can_view_history(request.user, practice)
            else None,
        },
    )


def _save(request, form, practice=None):
    try:
        if practice is None:
            return actions.create_practice(form.data_for_actions(), origin=_origin(request))
        return actions.update_practice(practice, form.data_for_actions(), origin=_origin(request))
    except actions.ActionError as error:
        form.add_error(None, str(error))
        return None


def practice_create(request):
    if not perms.can_propose(request.user):
        return _refuse(request)
    initial = {"side": request.GET.get("side") or "here"}
    theme = Theme.objects.active().filter(slug=request.GET.get("theme", "")).first()
    if theme is not None:
        initial["themes"] = [theme.pk]
    form = PracticeForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        practice = _save(request, form)
        if practice is not None:
            if practice.is_published:
                messages.success(request, _("La fiche est publiée."))
            else:
                messages.success(
                    request,
                    _("Merci ! La fiche sera publiée après relecture par l'équipe du réseau."),
                )
            return redirect(practice)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "practices/form.html", {"form": form}, status=status)


def practice_edit(request, slug):
    practice = get_object_or_404(Practice, slug=slug)
    if not perms.can_edit(request.user, practice):
        if perms.can_view(request.user, practice) or not request.user.is_authenticated:
            return _refuse(request)
        raise Http404
    form = PracticeForm(request.POST or None, instance=practice, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, practice)
        if saved is not None:
            messages.success(request, _("La fiche est enregistrée."))
            return redirect(saved)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "practices/form.html", {"form": form, "practice": practice}, status=status
    )


def moderation(request):
    if not perms.can_moderate(request.user):
        return _refuse(request)
    pending = Practice.objects.pending().select_related("author").prefetch_related("themes")
    return render(
        request,
        "practices/moderation.html",
        {"pending": pending, "curated": _curated(), "back": request.get_full_path()},
    )


def _curated() -> list[dict]:
    """Staff's pinned and hidden pairs with their initiatives' titles, so a hidden pair can be
    brought back ("practice:12" → the sheet's title; a deleted row shows its key)."""
    pairs = list(CuratedPair.objects.select_related("decided_by"))
    ids = {"practice": set(), "project": set()}
    for pair in pairs:
        for key in (pair.problem, pair.solution):
            kind, _sep, pk = key.partition(":")
            if kind in ids and pk.isdigit():
                ids[kind].add(int(pk))
    titles = {f"practice:{p.pk}": p for p in Practice.objects.filter(pk__in=ids["practice"])}
    titles.update({f"project:{p.pk}": p for p in Project.objects.filter(pk__in=ids["project"])})
    return [
        {"pair": pair, "problem": titles.get(pair.problem), "solution": titles.get(pair.solution)}
        for pair in pairs
    ]


@require_POST
def decide(request, slug):
    """Staff publish, refuse (with a reason) or archive a sheet."""
    if not perms.can_moderate(request.user):
        return _refuse(request)
    practice = get_object_or_404(Practice, slug=slug)
    decision = request.POST.get("decision")
    try:
        if decision == "publish":
            actions.publish(practice, origin=_origin(request))
            messages.success(request, _("La fiche est publiée."))
        elif decision == "refuse":
            form = RefusalForm(request.POST)
            if not form.is_valid():
                raise actions.ActionError(_("Dites à l'auteur·rice pourquoi la fiche est refusée."))
            actions.refuse(practice, form.cleaned_data["reason"], origin=_origin(request))
            messages.success(request, _("La fiche est refusée ; son auteur·rice lit le motif."))
        elif decision == "archive":
            actions.archive(practice, origin=_origin(request))
            messages.success(request, _("La fiche est archivée."))
        else:
            raise actions.ActionError(_("Décision inconnue."))
    except actions.ActionError as error:
        messages.error(request, _("Erreur : %(error)s") % {"error": error})
    return redirect(practice)


def export_jsonld(request):
    qs, _chosen = _filtered(request, Practice.objects.published())
    body = json.dumps(
        exports.document(queries.with_links(qs), _base_url(request)), ensure_ascii=False
    )
    answer = HttpResponse(body, content_type="application/ld+json; charset=utf-8")
    answer["Content-Disposition"] = 'attachment; filename="fiches-pratiques.jsonld"'
    return answer


def export_csv(request):
    qs, _chosen = _filtered(request, Practice.objects.published())
    return exports.csv_response(queries.with_links(qs), _base_url(request))


def _pair_key(value: str) -> str | None:
    kind, _sep, pk = (value or "").partition(":")
    if kind not in ("practice", "project") or not pk.isdigit():
        return None
    return f"{kind}:{int(pk)}"


@require_POST
def curate(request):
    """Staff pin, hide or release a pair of a common-issue page, then go back to that page."""
    if not perms.can_curate_pairs(request.user):
        return _refuse(request)
    problem = _pair_key(request.POST.get("problem"))
    solution = _pair_key(request.POST.get("solution"))
    decision = request.POST.get("decision", "")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/"
    if problem is None or solution is None or problem == solution:
        messages.error(request, _("Erreur : paire inconnue."))
        return redirect(back)
    try:
        if decision == "forget":
            actions.forget_pair(problem, solution)
            messages.success(request, _("La paire revient à son ordre calculé."))
        else:
            actions.curate_pair(
                problem, solution, decision, by=request.user, note=request.POST.get("note", "")
            )
            if decision == Curation.PINNED:
                messages.success(request, _("La paire est épinglée."))
            else:
                messages.success(request, _("La paire est masquée."))
    except actions.ActionError as error:
        messages.error(request, _("Erreur : %(error)s") % {"error": error})
    return redirect(back)
