"""Common issues here and there (/enjeux/): automatic groups per theme, curated issues."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passerelles.actors.models import Organisation
from passerelles.bridges import issues
from passerelles.bridges.forms import CommonIssueForm
from passerelles.bridges.models import CommonIssue, PinnedPair
from passerelles.bridges.perms import can_curate_issues
from passerelles.bridges.suggest.index import get_index
from passerelles.bridges.views.access import allowed_or_refuse, requires
from passerelles.projects.models import Project
from passerelles.vocab.models import Theme

SHOWN = 8


def _orgs(ids):
    by_id = Organisation.objects.select_related("commune", "country").in_bulk(ids)
    return by_id


def _projects_there(theme_ids):
    return (
        Project.objects.published()
        .filter(themes__in=theme_ids, places__side="there")
        .distinct()
        .prefetch_related("places__country")
    )


def issue_list(request):
    groups = issues.theme_groups()
    themes = list(Theme.objects.active())
    counts = dict(
        Project.objects.published()
        .filter(places__side="there")
        .values("themes")
        .annotate(n=Count("pk", distinct=True))
        .values_list("themes", "n")
    )
    pair_ids = {i for g in groups.values() for p in g.pairs[:1] for i in p[:2]}
    orgs = _orgs(pair_ids)
    rows = []
    for theme in themes:
        g = groups.get(theme.pk)
        if g is None or not (g.here and (g.there or counts.get(theme.pk))):
            continue
        example = None
        if g.pairs:
            here, there, _w = g.pairs[0]
            example = (orgs.get(here), orgs.get(there))
        rows.append(
            {
                "theme": theme,
                "here": len(g.here),
                "there": len(g.there),
                "projects": counts.get(theme.pk, 0),
                "example": example,
            }
        )
    curated = CommonIssue.objects.filter(is_published=True).prefetch_related("themes")
    return render(
        request,
        "bridges/issues/list.html",
        {"rows": rows, "curated": curated, "can_curate": can_curate_issues(request.user)},
    )


def _detail(request, *, title, description, theme_ids, keywords="", issue=None):
    index = get_index()
    g = issues.group(index, theme_ids, keywords, pairs=6)
    pinned = list(issue.pinned_pairs.select_related("here", "there")) if issue else []
    ids = set(g.here[:SHOWN]) | set(g.there[:SHOWN]) | {i for p in g.pairs for i in p[:2]}
    orgs = Organisation.objects.select_related("commune", "country").in_bulk(ids)
    pinned_keys = {(p.here_id, p.there_id) for p in pinned}
    pairs = [
        {"here": orgs[h], "there": orgs[t], "pinned": (h, t) in pinned_keys}
        for h, t, _w in g.pairs
        if h in orgs and t in orgs
    ]
    projects = list(_projects_there(theme_ids)[:SHOWN]) if theme_ids else []
    return render(
        request,
        "bridges/issues/detail.html",
        {
            "title": title,
            "description": description,
            "issue": issue,
            "here": [orgs[i] for i in g.here[:SHOWN] if i in orgs],
            "here_total": len(g.here),
            "there": [orgs[i] for i in g.there[:SHOWN] if i in orgs],
            "there_total": len(g.there),
            "projects": projects,
            "pairs": pairs,
            "pinned": pinned,
            "can_curate": can_curate_issues(request.user),
        },
    )


def theme_issue(request, slug):
    theme = get_object_or_404(Theme.objects.active(), slug=slug)
    return _detail(request, title=theme.name, description="", theme_ids=[theme.pk])


def issue_detail(request, slug):
    issue = get_object_or_404(CommonIssue, slug=slug)
    refused = allowed_or_refuse(request, issue.is_published or can_curate_issues(request.user))
    if refused:
        return refused
    return _detail(
        request,
        title=issue.title,
        description=issue.description,
        theme_ids=[t.pk for t in issue.themes.all()],
        keywords=issue.keywords,
        issue=issue,
    )


def _edit(request, issue=None):
    form = CommonIssueForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid():
        issue = form.save()
        messages.success(request, _("L'enjeu commun est enregistré."))
        return redirect(issue)
    return render(request, "bridges/issues/form.html", {"form": form, "issue": issue})


@requires(can_curate_issues)
def issue_create(request):
    return _edit(request)


@requires(can_curate_issues)
def issue_edit(request, slug):
    return _edit(request, get_object_or_404(CommonIssue, slug=slug))


@require_POST
@requires(can_curate_issues)
def pin_pair(request, slug):
    """Pin (or unpin, with `unpin`) a pair of organisations on a curated issue."""
    issue = get_object_or_404(CommonIssue, slug=slug)
    try:
        here_id, there_id = int(request.POST["here"]), int(request.POST["there"])
    except (KeyError, ValueError):
        messages.error(request, _("Erreur : paire inconnue."))
        return redirect(issue)
    orgs = Organisation.objects.in_bulk([here_id, there_id])
    if len(orgs) != 2:
        messages.error(request, _("Erreur : paire inconnue."))
        return redirect(issue)
    if "unpin" in request.POST:
        PinnedPair.objects.filter(issue=issue, here_id=here_id, there_id=there_id).delete()
        messages.success(request, _("La paire n'est plus épinglée."))
    else:
        PinnedPair.objects.get_or_create(issue=issue, here_id=here_id, there_id=there_id)
        messages.success(request, _("La paire est épinglée."))
    return redirect(issue)
