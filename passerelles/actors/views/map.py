"""The map of published organisations, here and abroad, filtered like the list.

The page carries the same filter form as the list (a GET form: without JavaScript it still
reloads with the filters, and it always links to the list). Its markers come from `map_data`,
which clusters on the server: the database groups the organisations of the visible box into a
grid whose cells shrink as the zoom grows, so a view costs one grouped query and a payload of a
few kilobytes whether 500 or 100,000 organisations match (see docs/benchmarks.md).

A layer of links here ↔ there (the projects of the matching organisations, from the provider
the projects app registers in actors.map_links, grouped the same way) can be turned on; the
page lists the same links in words, by department and country, for those who do not see the
map."""

import json
import math

import numpy as np
from django.conf import settings
from django.db.models import Avg, Count, F, Min
from django.db.models.functions import Floor
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from passerelles.actors import map_links
from passerelles.actors.filters import DirectoryFilter
from passerelles.core import fragments
from passerelles.core.facets import is_english
from passerelles.geo.outlines import outlines_config

# A grid cell is about this many screen pixels wide: markers of neighbouring cells never overlap.
CELL_PIXELS = 64
MIN_ZOOM, MAX_ZOOM = 1, 18
# From this zoom on, every organisation in the box is its own marker (the box is then a few
# kilometres wide); the script fans out the ones that share a point (a commune's town hall).
POINTS_FROM_ZOOM = 13
POINTS_LIMIT = 5000
# The text alternative of the links here ↔ there lists this many department ↔ country pairs;
# the atlas has them all.
LINKS_TEXT_LIMIT = 60
# Query-string values that turn the links layer on when the page opens.
YES = ("1", "on", "oui", "true")
# Public data that changes slowly: browsers and proxies may reuse a view for a few minutes.
MAX_AGE = 300


@require_GET
def organisation_map(request):
    directory = DirectoryFilter(request.GET)
    config = settings.LEAFLET_CONFIG
    center, zoom = list(config["DEFAULT_CENTER"]), config["DEFAULT_ZOOM"]
    focus = request.GET.get("focus", "")
    if focus.isdigit():
        # "Voir sur la carte" from a detail page: centre on that organisation if it is public.
        point = (
            directory.matched.filter(pk=int(focus)).exclude(lat=None).values("lat", "lon").first()
        )
        if point:
            center, zoom = [point["lat"], point["lon"]], 13
    elif directory.data.get("side") == "there":
        # Partners abroad are spread over several continents: start from the whole world.
        center, zoom = [10.0, 0.0], 2
    querystring = directory.querystring()
    links = map_links.provider()
    links_on = links is not None and request.GET.get("links", "").lower() in YES
    map_config = {
        "center": center,
        "zoom": zoom,
        "tiles": config["TILES"],
        "attribution": config.get("ATTRIBUTION_PREFIX", "")
        + ' | © <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
        "data": _map_data_url(querystring),
        "links": _with_query(reverse(links.url_name), querystring) if links else None,
        "linksOn": links_on,
        "outlines": outlines_config(),
        "api": "/api/v1/organisations/",
        "maxZoom": MAX_ZOOM,
        "region": list(config["DEFAULT_CENTER"]),
        "regionZoom": config["DEFAULT_ZOOM"],
        "labels": {
            "count": _("%(shown)s organisations sur la carte (sur %(total)s)"),
            "cluster": _("%(count)s organisations : zoomer"),
            "here": _("%(count)s organisations à cet endroit"),
            "open": _("Voir la fiche"),
            "point": _("Une organisation : afficher son nom"),
            "region": _("Région"),
            "world": _("Monde"),
            "loading": _("Chargement…"),
            "error": _("La carte n'a pas pu charger les organisations. Utilisez la liste."),
            "links": _("%(count)s liens ici ↔ là-bas sur la carte"),
            "linksOne": _("Un lien ici ↔ là-bas sur la carte"),
            "linksSome": _(
                "Les %(count)s liens ici ↔ là-bas les plus fréquents sur la carte (sur %(total)s)"
            ),
            "link": _("%(count)s projets entre ces deux zones"),
            "linkOne": _("Un projet entre ces deux zones"),
            "linksError": _("Les liens n'ont pas pu être chargés. Leur liste en texte suit."),
        },
    }
    # Links of the organisations the filters match; of all published ones without filters.
    links_text = (
        links.summary(directory.results() if directory.is_filtered else None) if links else []
    )
    context = {
        "directory": directory,
        "facets": directory.facets(english=is_english()),
        "querystring": querystring,
        "map_config": map_config,
        "total": directory.count(),
        "links_on": links_on,
        "region_code": settings.PASSERELLES_REGION_CODE,
        "links_text": links_text[:LINKS_TEXT_LIMIT],
        "links_text_total": len(links_text),
    }
    return render(request, "actors/map.html", context)


def _with_query(url: str, querystring: str) -> str:
    return f"{url}?{querystring}" if querystring else url


def _map_data_url(querystring: str) -> str:
    return _with_query(reverse("actors:map-data"), querystring)


def _bbox(text: str):
    """ "west,south,east,north" in degrees, or None when absent or malformed."""
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except (AttributeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        return None
    south, north = max(south, -90.0), min(north, 90.0)
    west, east = max(west, -180.0), min(east, 180.0)
    if south >= north or west >= east:
        return None
    return west, south, east, north


def cell_size(zoom: int) -> float:
    """Width of a grid cell in degrees at this zoom: CELL_PIXELS of a 256-pixel tile."""
    return 360.0 / (2**zoom) * CELL_PIXELS / 256


def clusters(queryset, zoom: int, bbox=None) -> dict:
    """Group the organisations of `queryset` (with a point) into grid cells at `zoom`.

    Returns {"clusters": [[lat, lon, count], …], "points": [[id, lat, lon], …]}: a cell with one
    organisation is a point (its id lets the popup fetch a name), a fuller cell a cluster at its
    members' average position. Cells are square in degrees: good enough at the latitudes we
    map, and a grid in degrees lets the database do all the work with FLOOR()."""
    qs = queryset.order_by().exclude(lat=None).exclude(lon=None)
    if bbox:
        west, south, east, north = bbox
        qs = qs.filter(lat__gte=south, lat__lte=north, lon__gte=west, lon__lte=east)
    if zoom >= POINTS_FROM_ZOOM:
        rows = list(qs.values_list("pk", "lat", "lon")[:POINTS_LIMIT])
        columns = [[row[i] for row in rows] for i in range(3)]
        return {"clusters": [], "points": _points(*columns)}
    size = cell_size(zoom)
    rows = (
        qs.annotate(cx=Floor(F("lon") / size), cy=Floor(F("lat") / size))
        .values("cx", "cy")
        .annotate(n=Count("pk"), lat=Avg("lat"), lon=Avg("lon"), first=Min("pk"))
        .values_list("n", "lat", "lon", "first")
    )
    out_clusters, out_points = [], []
    for n, lat, lon, first in rows:
        # Five decimals: about a metre, more than a marker needs, and a shorter payload.
        lat, lon = round(lat, 5), round(lon, 5)
        if n == 1:
            out_points.append([first, lat, lon])
        else:
            out_clusters.append([lat, lon, n])
    return {"clusters": out_clusters, "points": out_points}


def _points(ids=(), lats=(), lons=()) -> list[list]:
    """[[id, lat, lon], …] with positions to five decimals (about a metre, more than a marker
    needs, and a shorter payload). Rounded by numpy, the same for both paths: at street level
    in a national directory a view holds thousands of points, and Python's round() per
    number was a fifth of the answer's time."""
    ids = np.asarray(ids, dtype=np.int64).tolist()
    lats = np.round(np.asarray(lats, dtype=np.float64), 5).tolist()
    lons = np.round(np.asarray(lons, dtype=np.float64), 5).tolist()
    return [list(point) for point in zip(ids, lats, lons, strict=True)]


def fast_clusters(directory, zoom: int, bbox=None) -> dict:
    """`clusters()` from the columns in memory (actors.snapshot, §42): the matching rows'
    cells at this zoom are computed once per process, so a view groups arrays instead of
    scanning rows in the database. The same cells, counts, positions and ids."""
    snap = directory.snapshot
    mask = snap.located(directory._mask(), bbox)
    if zoom >= POINTS_FROM_ZOOM:
        rows = np.flatnonzero(mask)[:POINTS_LIMIT]
        return {"clusters": [], "points": _points(snap.ids[rows], snap.lat[rows], snap.lon[rows])}
    out_clusters, out_points = [], []
    for n, lat, lon, first in snap.clusters(mask, zoom, cell_size(zoom)):
        lat, lon = round(lat, 5), round(lon, 5)
        if n == 1:
            out_points.append([first, lat, lon])
        else:
            out_clusters.append([lat, lon, n])
    return {"clusters": out_clusters, "points": out_points}


def zoom_and_bbox(request) -> tuple:
    """(zoom, bbox, None) from the query string, or (None, None, a French message)."""
    try:
        zoom = int(request.GET.get("zoom", settings.LEAFLET_CONFIG["DEFAULT_ZOOM"]))
    except ValueError:
        return None, None, _("Le niveau de zoom doit être un nombre entier.")
    zoom = min(max(zoom, MIN_ZOOM), MAX_ZOOM)
    bbox = None
    if request.GET.get("bbox"):
        bbox = _bbox(request.GET["bbox"])
        if bbox is None:
            message = _(
                "La zone doit s'écrire ouest,sud,est,nord en degrés, ex. 0.5,46.3,3.2,48.9."
            )
            return None, None, message
    return zoom, bbox, None


@require_GET
def map_data(request):
    """Clusters and points of the filtered organisations for a zoom level and a box.

    Query string: the list's filters, plus `zoom` (1–18) and `bbox` (west,south,east,north).
    Response: {"zoom", "total" (matching organisations, anywhere), "shown", "clusters",
    "points"}; compact arrays rather than GeoJSON objects (a fifth of the size).

    The same for everyone: answers come from the page cache, keyed by the query string, until
    an organisation, a theme or a place changes (core/fragments.py); errors too, in the
    visitor's language."""
    answer = fragments.get_or_build(
        "map_data",
        "organisation referentials",
        (sorted(request.GET.lists()),),
        lambda: _map_answer(request),
    )
    status, body = answer
    response = HttpResponse(body, status=status, content_type="application/json")
    if status != 200:
        return response
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    # English and French answers are the same data, but the session cookie must not be shared.
    patch_vary_headers(response, ["Accept-Language"])
    return response


def _map_answer(request) -> tuple[int, bytes]:
    """(status, JSON body) of map_data; an error's message is in the visitor's language."""
    directory = DirectoryFilter(request.GET)
    if directory.errors:
        return 400, json.dumps({"detail": " ".join(directory.errors)}).encode()
    zoom, bbox, error = zoom_and_bbox(request)
    if error:
        return 400, json.dumps({"detail": str(error)}).encode()
    if directory.fast:
        data = fast_clusters(directory, zoom, bbox)
    else:
        data = clusters(directory.results(), zoom, bbox)
    payload = {
        "zoom": zoom,
        "total": directory.count(),
        "shown": sum(c[2] for c in data["clusters"]) + len(data["points"]),
        **data,
    }
    return 200, json.dumps(payload, separators=(",", ":")).encode()
