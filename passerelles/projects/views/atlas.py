"""The cooperation atlas (who in the region works where abroad) and the links here ↔ there of
the directory's map. The counting lives in passerelles/projects/atlas.py (and, for the map's
lines from the columns in memory, passerelles/projects/links.py); these views only choose what
to show."""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from passerelles.actors.filters import DirectoryFilter
from passerelles.actors.views.map import MAX_AGE, cell_size, zoom_and_bbox
from passerelles.geo.models import Country, Department
from passerelles.geo.outlines import outlines_config
from passerelles.projects import atlas
from passerelles.projects.links import map_links as map_links_in_memory

# Lists on the country and department pages stop here; the directory has the rest.
LIST_LIMIT = 50
# Lines sent to the map at most (the busiest); beyond, a map is a tangle anyway.
LINKS_LIMIT = 400
# Countries drawn in the atlas's bar chart (all of them are in its table).
CHART_SIZE = 12


@require_GET
def index(request):
    data = atlas.overview()
    countries = data.countries
    top = countries[:CHART_SIZE]
    largest = max((max(row.projects, row.organisations_here) for row in top), default=0) or 1
    chart = [
        (row, round(100 * row.projects / largest), round(100 * row.organisations_here / largest))
        for row in top
    ]
    context = {
        "countries": countries,
        "chart": chart,
        "departments": data.departments,
        "totals": {"countries": len(countries), "projects": data.projects_abroad},
    }
    return render(request, "projects/atlas.html", context)


def _capped(queryset):
    """The first LIST_LIMIT rows and how many there are in all (two queries at most)."""
    rows = list(queryset[: LIST_LIMIT + 1])
    if len(rows) <= LIST_LIMIT:
        return rows, len(rows)
    return rows[:LIST_LIMIT], queryset.count()


@require_GET
def country(request, code):
    country = get_object_or_404(Country, code=code.upper())
    if country.code == "FR":
        # France is "here": the directory, not a partner country of the atlas.
        raise Http404
    here, here_total = _capped(
        atlas.organisations_here_in_country(country.code)
        .select_related("commune")
        .order_by("-n_projects", "sort_name", "name")
    )
    there, there_total = _capped(
        atlas.organisations_there_in_country(country.code).order_by(
            "-n_projects", "sort_name", "name"
        )
    )
    projects, projects_total = _capped(
        atlas.with_participants(atlas.projects_in_country(country.code)).order_by(
            "sort_title", "title"
        )
    )
    context = {
        "country": country,
        "here": here,
        "here_total": here_total,
        "there": there,
        "there_total": there_total,
        "projects": [(p, *atlas.leads_and_partners(p)) for p in projects],
        "projects_total": projects_total,
        "map_points": _country_points(country, there),
        "tiles": settings.LEAFLET_CONFIG["TILES"],
        "map_url": reverse("actors:map") + f"?country={country.code}&links=1",
        "directory_url": reverse("actors:list") + f"?country={country.code}",
    }
    return render(request, "projects/atlas_country.html", context)


def _country_points(country, organisations_there) -> dict:
    """Markers of the country page's small map: its organisations and its project places
    (grouped by locality, with a count), as plain lists for json_script."""
    organisations = [
        [round(o.lat, 4), round(o.lon, 4), str(o), o.get_absolute_url()]
        for o in organisations_there
        if o.lat is not None and o.lon is not None
    ]
    places = [
        [round(lat, 4), round(lon, 4), locality, n]
        for locality, lat, lon, n in atlas.project_localities(country.code)
    ]
    return {
        "organisations": organisations,
        "places": places,
        "outlines": outlines_config(country=country.code),
    }


@require_GET
def department(request, code):
    department = get_object_or_404(Department.objects.in_network_region(), code=code.upper())
    row = atlas.overview(department.code).departments[0]
    organisations, organisations_total = _capped(
        atlas.organisations_abroad_from_department(department.code)
        .select_related("commune")
        .order_by("-n_projects", "sort_name", "name")
    )
    projects, projects_total = _capped(
        atlas.with_participants(atlas.projects_in_department(department.code)).order_by(
            "sort_title", "title"
        )
    )
    context = {
        "department": department,
        "row": row,
        "organisations": organisations,
        "organisations_total": organisations_total,
        "projects": [(p, *atlas.leads_and_partners(p)) for p in projects],
        "projects_total": projects_total,
        "directory_url": reverse("actors:list") + f"?department={department.code}",
    }
    return render(request, "projects/atlas_department.html", context)


@require_GET
def map_links(request):
    """The links here ↔ there of the projects of the organisations the map's filters match.

    Query string: the directory's filters, `zoom` and `bbox` as for the markers' data.
    Response: {"zoom", "total", "links": [[lat here, lon here, lat there, lon there,
    projects], …]}: the ends on screen are grouped into the markers' grid cells, the ends off
    screen into much larger ones, and only the LINKS_LIMIT busiest lines of `total` are sent,
    so the payload stays a few kilobytes whatever the number of projects."""
    directory = DirectoryFilter(request.GET)
    if directory.errors:
        return JsonResponse({"detail": " ".join(directory.errors)}, status=400)
    zoom, bbox, error = zoom_and_bbox(request)
    if error:
        return JsonResponse({"detail": error}, status=400)
    if directory.fast:
        # The columns in memory (projects.links, decisions §44); the SQL path below is the
        # same answer when they are off (PASSERELLES_DIRECTORY_COLUMNS).
        links = map_links_in_memory(directory, cell_size(zoom), bbox)
    else:
        projects = atlas.projects_involving(directory.results() if directory.is_filtered else None)
        links = atlas.map_links(projects, cell_size(zoom), bbox)
    payload = {"zoom": zoom, "total": len(links), "links": links[:LINKS_LIMIT]}
    response = JsonResponse(payload, json_dumps_params={"separators": (",", ":")})
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    patch_vary_headers(response, ["Accept-Language"])
    return response
