"""The public directory: a filtered, searchable, paginated list and a detail page.

The list is a plain GET form, so it works without JavaScript and every state is a shareable URL;
htmx, when present, swaps only the results (the `_results.html` partial) and pushes the URL."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from passerelles.actors import perms
from passerelles.actors.enums import Status
from passerelles.actors.filters import DirectoryFilter
from passerelles.actors.models import Organisation
from passerelles.core.facets import active_filters, is_english

PAGE_SIZE = 20


def organisation_list(request):
    directory = DirectoryFilter(request.GET)
    results = directory.results().select_related("commune", "country").prefetch_related("themes")
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
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
    # htmx swaps the results only; a plain request (or a history restore) gets the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "actors/_results.html", context)
    return render(request, "actors/list.html", context)


def _page_links(page) -> list:
    """Page numbers around the current one, with None for a gap: 1 … 4 5 [6] 7 8 … 40."""
    if page.paginator.num_pages <= 1:
        return []
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def organisation_detail(request, slug):
    organisation = get_object_or_404(
        Organisation.objects.select_related("commune", "department", "country").prefetch_related(
            "themes", "sdgs", "countries_of_action"
        ),
        slug=slug,
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
    }
    return render(request, "actors/detail.html", context)
