"""The public directory: a filtered, searchable, paginated list and a detail page.

The list is a plain GET form, so it works without JavaScript and every state is a shareable URL;
htmx, when present, swaps only the results (the `_results.html` partial) and pushes the URL."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from passerelles.actors import perms
from passerelles.actors.enums import Status
from passerelles.actors.filters import DirectoryFilter
from passerelles.actors.models import Organisation
from passerelles.core import fragments
from passerelles.core.facets import active_filters, is_english

PAGE_SIZE = 20


def organisation_list(request):
    # The filters, the counts and the results are the same for everyone: they come from the
    # page cache, keyed by the query string and the language, until an organisation, a theme
    # or a place changes (core/fragments.py). The rest of the page is the person's own.
    results = fragments.get_or_build(
        "directory",
        "organisation referentials",
        (sorted(request.GET.lists()),),
        lambda: _render_results(request),
    )
    # htmx swaps the results only; a plain request (or a history restore) gets the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        return HttpResponse(results["html"])
    context = {"query": results["query"], "results_html": mark_safe(results["html"])}
    return render(request, "actors/list.html", context)


def _render_results(request) -> dict:
    directory = DirectoryFilter(request.GET, forgive=True)
    # The count and the order come from the columns in memory; only the page's 20
    # organisations are read (actors.snapshot, §42).
    rows = directory.rows(
        lambda qs: qs.select_related("commune", "country").prefetch_related("themes")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = directory.querystring()
    facets = directory.facets(english=is_english())
    context = {
        "directory": directory,
        "form": directory.form,
        "facets": facets,
        "active_filters": active_filters(facets, directory),
        "page_obj": page,
        "organisations": page.object_list,
        "querystring": querystring,
        "page_links": _page_links(page),
    }
    html = render_to_string("actors/_results.html", context, request)
    return {"query": directory.query, "html": str(html)}


def _page_links(page) -> list:
    """Page numbers around the current one, with None for a gap: 1 … 4 5 [6] 7 8 … 40."""
    if page.paginator.num_pages <= 1:
        return []
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def organisation_detail(request, slug):
    # Themes, SDGs and countries are read by the template only when the page is not in the
    # page cache: no prefetch here, which would cost three queries on every visit.
    organisation = get_object_or_404(
        Organisation.objects.select_related("commune", "department", "country"), slug=slug
    )
    # A merged duplicate's address (bookmarks, links from elsewhere) leads to the kept record.
    if organisation.merged_into_id and organisation.status == Status.ARCHIVED:
        return redirect(organisation.merged_into, permanent=True)
    # Unpublished organisations are not public: a 404 hides even that they exist.
    if not perms.can_view_organisation(request.user, organisation):
        raise Http404
    context = {
        "organisation": organisation,
        "can_edit": perms.can_edit_organisation(request.user, organisation),
        "can_correct": perms.can_suggest_correction(request.user, organisation),
        "can_view_history": perms.can_view_history(request.user, organisation),
        # Visitors without an account all see the same page: its parts come from the page
        # cache. Signed-in people may see more (their rights, unpublished projects).
        "public_view": not request.user.is_authenticated,
    }
    return render(request, "actors/detail.html", context)
