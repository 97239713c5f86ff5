"""Public pages of projects: a filtered, searchable, paginated list, a project page and its
history. The list is a plain GET form (every state a shareable URL); htmx, when present, swaps
only the results."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from passerelles.actors.enums import Status
from passerelles.actors.models import ChangeAction
from passerelles.core.facets import active_filters, is_english
from passerelles.geo.outlines import outlines_config
from passerelles.projects import perms
from passerelles.projects.filters import ProjectFilter
from passerelles.projects.history import field_label
from passerelles.projects.models import Participation, Project, ProjectPlace

PAGE_SIZE = 20


def project_list(request):
    projects = ProjectFilter(request.GET, forgive=True)
    # Count and order from the columns in memory; the page's 20 projects read by id (§42).
    rows = projects.rows(lambda qs: qs.for_cards())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    facets = projects.facets(english=is_english())
    context = {
        "projects_filter": projects,
        "facets": facets,
        "active_filters": active_filters(facets, projects),
        "page_obj": page,
        "projects": page.object_list,
        "querystring": projects.querystring(),
        "page_links": (
            list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
            if page.paginator.num_pages > 1
            else []
        ),
        "can_create": perms.can_create_project(request.user),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "projects/_results.html", context)
    return render(request, "projects/list.html", context)


def _map_config(project) -> dict:
    """Points here and there and the lines between them, for the small Leaflet map; the page
    lists the same places in text for people without JavaScript."""
    config = settings.LEAFLET_CONFIG

    def point(place):
        return {"lat": place.lat, "lon": place.lon, "label": place.label}

    here = [point(p) for p in project.places_here if p.has_point]
    there = [point(p) for p in project.places_there if p.has_point]
    return {
        "here": here,
        "there": there,
        "tiles": config["TILES"],
        "attribution": config.get("ATTRIBUTION_PREFIX", "")
        + ' | © <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
        "labels": {"here": _("Ici"), "there": _("Là-bas")},
        "outlines": outlines_config(),
    }


def project_detail(request, slug):
    project = get_object_or_404(
        Project.objects.prefetch_related(
            "themes",
            "sdg_targets__goal",
            "dac_sectors",
            "funding_lines",
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related(
                    "organisation__commune", "organisation__country"
                ).order_by("role", "organisation__name"),
            ),
            Prefetch(
                "places",
                queryset=ProjectPlace.objects.select_related("commune", "department", "country"),
            ),
        ),
        slug=slug,
    )
    if not perms.can_view_project(request.user, project):
        # Unpublished projects are not public: a 404 hides even that they exist.
        raise Http404
    here, there = project.participations_by_side()
    funding = list(project.funding_lines.all())
    totals: dict[str, float] = {}
    for line in funding:
        totals[line.currency] = totals.get(line.currency, 0) + line.amount
    map_config = _map_config(project)
    context = {
        "project": project,
        "partners_here": here,
        "partners_there": there,
        "places_here": project.places_here,
        "places_there": project.places_there,
        "funding_lines": funding,
        "funding_totals": sorted(totals.items()),
        "map_config": map_config,
        "has_map": bool(map_config["here"] or map_config["there"]),
        "can_edit": perms.can_edit_project(request.user, project),
        "can_view_history": perms.can_view_history(request.user, project),
        "published": Status.PUBLISHED,
    }
    return render(request, "projects/detail.html", context)


def _who(record, users_are_visible: bool, member_ids: set[int]) -> str:
    user = record.user
    if user is None:
        return _("import") if record.action == ChangeAction.IMPORTED else _("le système")
    if users_are_visible:
        return f"{user.full_name} <{user.email}>" if user.full_name else user.email
    if user.is_network_staff:
        return _("l'équipe du réseau")
    if user.pk in member_ids:
        return _("un membre d'une organisation participante")
    return _("une personne inscrite")


def project_history(request, slug):
    project = get_object_or_404(Project, slug=slug)
    if not perms.can_view_history(request.user, project):
        raise Http404
    visible = perms.can_see_contributor_identity(request.user)
    member_ids = set(
        Participation.objects.filter(project=project).values_list(
            "organisation__memberships__user_id", flat=True
        )
    )
    records = [
        {
            "record": record,
            "who": _who(record, visible, member_ids),
            "changes": [
                {"label": field_label(name), "old": old, "new": new}
                for name, (old, new) in record.changes.items()
            ],
        }
        for record in project.history.select_related("user")[:200]
    ]
    return render(request, "projects/history.html", {"project": project, "records": records})
