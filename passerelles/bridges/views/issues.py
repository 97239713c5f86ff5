"""Common issues here and there (/enjeux/): automatic groups per theme, curated issues."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passerelles.actors.models import Organisation
from passerelles.bridges import issues
from passerelles.bridges.forms import CommonIssueForm
from passerelles.bridges.models import CommonIssue, PinnedPair
from passerelles.bridges.perms import can_curate_issues
from passerelles.bridges.suggest.index import get_index
from passerelles.bridges.views.access import allowed_or_refuse, requires
from passerelles.practices import pairs
from passerelles.practices import perms as practice_perms
from passerelles.practices.models import Practice
from passerelles.projects.models import Project
from passerelles.vocab.models import Theme

SHOWN = 8


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
    sheets = dict(
        Practice.objects.published()
        .values("themes")
        .annotate(n=Count("pk", distinct=True))
        .values_list("themes", "n")
    )
    rows = []
    for theme in themes:
        g = groups.get(theme.pk)
        if g is None or not (g.here and (g.there or counts.get(theme.pk))):
            continue
        rows.append(
            {
                "theme": theme,
                "here": len(g.here),
                "there": len(g.there),
                "projects": counts.get(theme.pk, 0),
                "sheets": sheets.get(theme.pk, 0),
            }
        )
    curated = CommonIssue.objects.filter(is_published=True).prefetch_related("themes")
    return render(
        request,
        "bridges/issues/list.html",
        {"rows": rows, "curated": curated, "can_curate": can_curate_issues(request.user)},
    )


def _detail(request, *, title, description, theme_ids, keywords="", issue=None, theme=None):
    index = get_index()
    # Organisations are listed per side, never paired: pairs join initiatives (practice
    # sheets and projects) that share a theme and a need, with their reason (practices.pairs).
    g = issues.group(index, theme_ids, keywords, pairs=0)
    pinned = list(issue.pinned_pairs.select_related("here", "there")) if issue else []
    found = pairs.for_themes(theme_ids)
    ids = set(g.there[:SHOWN])
    orgs = Organisation.objects.select_related("commune", "country").in_bulk(ids)
    projects = list(_projects_there(theme_ids)[:SHOWN]) if theme_ids else []
    propose = reverse("practices:create")
    first_theme = theme or Theme.objects.filter(pk__in=theme_ids).first()
    if first_theme is not None:
        propose += "?" + urlencode({"theme": first_theme.slug})
    return render(
        request,
        "bridges/issues/detail.html",
        {
            "title": title,
            "description": description,
            "issue": issue,
            "here": found["here"],
            "here_total": found["here_total"],
            "here_orgs_total": len(g.here),
            "there": [orgs[i] for i in g.there[:SHOWN] if i in orgs],
            "there_total": len(g.there),
            "projects": projects,
            "pinned_pairs": found["pinned"],
            "there_to_here": found["there_to_here"],
            "here_to_there": found["here_to_there"],
            "pinned": pinned,
            "can_curate": can_curate_issues(request.user),
            "can_curate_pairs": practice_perms.can_curate_pairs(request.user),
            "can_propose": practice_perms.can_propose(request.user),
            "propose_url": propose,
        },
    )


def theme_issue(request, slug):
    theme = get_object_or_404(Theme.objects.active(), slug=slug)
    return _detail(request, title=theme.name, description="", theme_ids=[theme.pk], theme=theme)


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
