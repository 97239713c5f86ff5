"""Choropleths drawn on the server as SVG (decisions §30): the region's departments here, the
countries there, from the outlines bundled with the geo app.

Projection: plate carrée (x = longitude, y = −latitude, in degrees), the departments' x
scaled by cos(47°) so the region keeps its shape at its latitude. The outlines are
simplified (Douglas–Peucker) and rounded once per process (functools.cache); a map only
changes its viewBox (the crop) and its fills, so the path strings are shared by every map.

Never by colour alone: each department carries its value in text; on the countries' map the
first countries carry a numbered value in text, each country a <title>, and the table beside
the map lists every value. Classes are shown in a legend with their ranges in words."""

import json
import math
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from passerelles.observatory.charts import TEXT, number

GEO = Path(__file__).resolve().parent.parent / "geo" / "static" / "geo"
DEPARTMENTS_X = math.cos(math.radians(47))
# From no value (first) to the highest class (last); the darkest is the theme's primary.
PALETTE = ("#f1f4f5", "#cfe3ea", "#93c0cf", "#4f93aa", "#0b5a70")
EMPTY = "#e3e8ea"
STROKE = "#5f6f77"
LABELLED_COUNTRIES = 6


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iterative."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        worst, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            # A closed ring starts and ends on the same point: measure from that point.
            if norm:
                distance = abs(dy * (px - x1) - dx * (py - y1)) / norm
            else:
                distance = math.hypot(px - x1, py - y1)
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _path(points: list[tuple[float, float]], digits: int) -> str:
    """An SVG path in relative moves ("m x y l dx dy … z"), about a third lighter than
    absolute ones; each delta is taken between rounded points, so errors do not add up."""
    (x0, y0), rest = points[0], points[1:]
    out = [f"M{x0:g} {y0:g}l"]
    for x, y in rest:
        out.append(f"{round(x - x0, digits):g} {round(y - y0, digits):g}")
        x0, y0 = x, y
    return " ".join(out).replace("l ", "l") + "z"


@cache
def _outlines(name: str, x_scale: float, tolerance: float, digits: int, min_area: float):
    """code → (path string, bbox, label point, properties) for every feature of a bundled
    GeoJSON file. Islands smaller than `min_area` (square degrees) are dropped, except a
    feature's largest ring, so a small island country keeps its outline."""
    data = json.loads((GEO / name).read_text(encoding="utf-8"))
    shapes = {}
    for feature in data["features"]:
        code = feature["properties"].get("code")
        if not code:
            continue
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings = []
        for polygon in polygons:
            for ring in polygon:
                points = _simplify([(lon * x_scale, -lat) for lon, lat in ring], tolerance)
                rounded = [(round(x, digits), round(y, digits)) for x, y in points]
                if len(rounded) < 3:
                    continue
                xs, ys = [x for x, _y in rounded], [y for _x, y in rounded]
                box = (min(xs), min(ys), max(xs), max(ys))
                area = (box[2] - box[0]) * (box[3] - box[1])
                centre = (sum(xs) / len(xs), sum(ys) / len(ys))
                rings.append((area, box, centre, rounded))
        if not rings:
            continue
        biggest = max(rings, key=lambda ring: ring[0])
        kept = [ring for ring in rings if ring[0] >= min_area or ring is biggest]
        box = (
            min(r[1][0] for r in kept),
            min(r[1][1] for r in kept),
            max(r[1][2] for r in kept),
            max(r[1][3] for r in kept),
        )
        path = "".join(_path(ring[3], digits) for ring in kept)
        shapes[code] = (path, box, biggest[2], feature["properties"])
    return shapes


def department_shapes():
    return _outlines("departments.geojson", DEPARTMENTS_X, 0.004, 3, 0.0)


def country_shapes():
    return _outlines("countries-110m.geojson", 1.0, 0.5, 1, 1.0)


COUNTRY_ID = "obs-country-"


@cache
def country_defs() -> SafeString:
    """Every country's outline once per page, in a hidden SVG: each countries' map draws
    them with <use>, so three maps on the page cost one set of outlines."""
    paths = "".join(
        f'<path id="{COUNTRY_ID}{code}" d="{path}" stroke="{STROKE}" stroke-width="0.5" '
        f'vector-effect="non-scaling-stroke"/>'
        for code, (path, *_rest) in country_shapes().items()
    )
    return mark_safe(
        f'<svg class="map-defs" width="0" height="0" aria-hidden="true" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg"><defs>{paths}</defs></svg>'
    )


def classes(values: list) -> list:
    """Upper bounds of four classes between 1 and the highest value (equal steps, whole
    numbers, without repeats)."""
    top = max((float(v) for v in values), default=0)
    if top <= 0:
        return []
    bounds = []
    for step in (0.25, 0.5, 0.75, 1.0):
        bound = math.ceil(top * step)
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def fill(value, bounds) -> str:
    if not value or not bounds:
        return PALETTE[0]
    for index, bound in enumerate(bounds):
        if float(value) <= bound:
            return PALETTE[len(PALETTE) - len(bounds) + index]
    return PALETTE[-1]


def _legend(bounds, x, y, size) -> list[str]:
    """Each class's colour with its range in words, top left of the map, on white."""
    out, low = [], 1
    entries = [(PALETTE[0], _("aucun"))]
    for index, bound in enumerate(bounds):
        label = number(bound) if bound == low else f"{number(low)}–{number(bound)}"
        entries.append((PALETTE[len(PALETTE) - len(bounds) + index], label))
        low = bound + 1
    out.append(
        f'<rect x="{x - size * 0.4:.2f}" y="{y - size * 0.4:.2f}" width="{size * 6.5:.2f}" '
        f'height="{len(entries) * size * 1.5 + size * 0.3:.2f}" fill="#ffffff" '
        f'fill-opacity="0.9"/>'
    )
    for index, (colour, label) in enumerate(entries):
        top = y + index * size * 1.5
        out.append(
            f'<rect x="{x:.2f}" y="{top:.2f}" width="{size:.2f}" height="{size:.2f}" '
            f'fill="{colour}" stroke="{STROKE}" stroke-width="1" '
            f'vector-effect="non-scaling-stroke"/>'
            f'<text x="{x + size * 1.4:.2f}" y="{top + size * 0.85:.2f}" fill="{TEXT}" '
            f'font-size="{size:.2f}">{escape(label)}</text>'
        )
    return out


def _svg(uid, box, title, desc, body) -> SafeString:
    x0, y0, x1, y1 = box
    return mark_safe(
        f'<svg class="chart chart-map" viewBox="{x0:.2f} {y0:.2f} {x1 - x0:.2f} {y1 - y0:.2f}" '
        f'role="img" aria-labelledby="{uid}-title {uid}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="inherit">'
        f'<title id="{uid}-title">{escape(title)}</title>'
        f'<desc id="{uid}-desc">{escape(desc)}</desc>'
        f'<rect x="{x0:.2f}" y="{y0:.2f}" width="{x1 - x0:.2f}" height="{y1 - y0:.2f}" '
        f'fill="#ffffff"/>' + "".join(body) + "</svg>"
    )


def _text(x, y, label, size, anchor="middle") -> str:
    # A white halo under dark text: readable on the lightest and the darkest fill.
    return (
        f'<text x="{x:.2f}" y="{y:.2f}" text-anchor="{anchor}" font-size="{size:.2f}" '
        f'fill="{TEXT}" stroke="#ffffff" stroke-width="{size / 4:.2f}" paint-order="stroke" '
        f'font-weight="bold">{escape(label)}</text>'
    )


def departments_map(uid: str, title: str, table) -> SafeString | None:
    column = table.drawn[0]
    values = {row.code: row.values.get(column.key) or 0 for row in table.rows}
    shapes = {
        code: shape
        for code, shape in department_shapes().items()
        if shape[3].get("region") == settings.PASSERELLES_REGION_CODE
    }
    if not shapes:
        return None
    x0 = min(s[1][0] for s in shapes.values())
    y0 = min(s[1][1] for s in shapes.values())
    x1 = max(s[1][2] for s in shapes.values())
    y1 = max(s[1][3] for s in shapes.values())
    width = x1 - x0
    pad = width * 0.04
    # Room on the left for the legend.
    legend_width = width * 0.32
    box = (x0 - pad - legend_width, y0 - pad, x1 + pad, y1 + pad)
    size = (box[2] - box[0]) / 400 * 16
    bounds = classes(list(values.values()))
    body = []
    for code, (path, _box, _centre, _props) in shapes.items():
        body.append(
            f'<path d="{path}" fill="{fill(values.get(code, 0), bounds)}" stroke="{STROKE}" '
            f'stroke-width="1" vector-effect="non-scaling-stroke"/>'
        )
    for code, (_path, (bx0, by0, bx1, by1), _centre, _props) in shapes.items():
        cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
        body.append(_text(cx, cy, code, size))
        body.append(_text(cx, cy + size * 1.2, number(values.get(code, 0)), size))
    body += _legend(bounds, box[0] + size * 0.5, box[1] + size * 0.5, size)
    described = " ; ".join(
        f"{row.label} : {number(row.values.get(column.key) or 0)}" for row in table.rows
    )
    desc = _("Carte des départements de la région (%(column)s). %(values)s.") % {
        "column": column.label,
        "values": described,
    }
    return _svg(uid, box, title, desc, body)


def countries_map(uid: str, title: str, table) -> SafeString | None:
    column = table.drawn[0]
    values = {row.code: row.values.get(column.key) or 0 for row in table.rows}
    shapes = country_shapes()
    ranked = sorted(
        (row for row in table.rows if row.code in shapes and row.values.get(column.key)),
        key=lambda r: -(r.values.get(column.key) or 0),
    )
    if not ranked:
        return None
    # The crop: the first countries (the table lists them all), with a margin, at least
    # 60° × 36°, so a far-away single partner does not shrink the rest to dots.
    present = [shapes[row.code] for row in ranked[:LABELLED_COUNTRIES]]
    x0 = min(s[1][0] for s in present) - 6
    y0 = min(s[1][1] for s in present) - 6
    x1 = max(s[1][2] for s in present) + 6
    y1 = max(s[1][3] for s in present) + 6
    if x1 - x0 < 60:
        middle = (x0 + x1) / 2
        x0, x1 = middle - 30, middle + 30
    if y1 - y0 < 36:
        middle = (y0 + y1) / 2
        y0, y1 = middle - 18, middle + 18
    legend_width = (x1 - x0) * 0.22
    box = (max(x0 - legend_width, -180), max(y0, -85), min(x1, 180), min(y1, 60))
    size = (box[2] - box[0]) / 400 * 16
    bounds = classes(list(values.values()))
    body = []
    for code, (_path, (bx0, by0, bx1, by1), _centre, _props) in shapes.items():
        if bx1 < box[0] or bx0 > box[2] or by1 < box[1] or by0 > box[3]:
            continue  # outside the crop: not sent at all
        value = values.get(code, 0)
        colour = fill(value, bounds) if code in values else EMPTY
        body.append(f'<use href="#{COUNTRY_ID}{code}" fill="{colour}"/>')
    # The first countries carry their value in text (the table has them all); a label that
    # would cover one already placed is left out.
    placed = []
    for row in ranked[:LABELLED_COUNTRIES]:
        cx, cy = shapes[row.code][2]
        text = f"{row.code} {number(row.values.get(column.key))}"
        half = len(text) * size * 0.33
        box_text = (cx - half, cy - size * 0.7, cx + half, cy + size * 0.5)
        if any(
            box_text[0] < b[2] and b[0] < box_text[2] and box_text[1] < b[3] and b[1] < box_text[3]
            for b in placed
        ):
            continue
        placed.append(box_text)
        body.append(_text(cx, cy + size * 0.35, text, size))
    body += _legend(bounds, box[0] + size * 0.5, box[1] + size * 0.5, size)
    described = " ; ".join(
        f"{row.label} : {number(row.values.get(column.key) or 0)}" for row in table.rows[:20]
    )
    desc = _("Carte des pays (%(column)s). %(values)s.") % {
        "column": column.label,
        "values": described,
    }
    return _svg(uid, box, title, desc, body)
