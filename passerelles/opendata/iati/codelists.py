"""IATI codelists shipped inside the package (data/codelists, copied from the IATI repositories;
see data/SOURCES.md): the codes an activity may use, read once per process."""

from functools import cache
from importlib.resources import files

from lxml import etree

DATA = files("passerelles.opendata.iati").joinpath("data")


@cache
def codes(name: str, *, include_withdrawn: bool = True) -> frozenset[str]:
    """The codes of codelist `name` (e.g. "ActivityStatus", "Sector")."""
    path = DATA.joinpath("codelists", f"{name}.xml")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    tree = etree.fromstring(path.read_bytes(), parser)
    found = set()
    for item in tree.iter("codelist-item"):
        code = (item.findtext("code") or "").strip()
        if code and (include_withdrawn or item.get("status") != "withdrawn"):
            found.add(code)
    return frozenset(found)


def agency_code(ref: str) -> str:
    """The registration agency code an organisation identifier starts with ("GB-CHC-123" →
    "GB-CHC", "XM-DAC-41114" → "XM-DAC"), or "" when it starts with none of the codelist."""
    parts = (ref or "").upper().split("-")
    if len(parts) < 3:
        return ""
    agencies = codes("OrganisationRegistrationAgency")
    code = f"{parts[0]}-{parts[1]}"
    return code if code in agencies and parts[2] else ""


def agency_country(ref: str) -> str:
    """The country of the registration agency an organisation identifier starts with
    ("GB-CHC-123" → "GB"), or "" when the prefix is no known agency of a country (the
    multilateral "XM-…", "XI-…" agencies are no country)."""
    code = agency_code(ref)
    country = code.split("-")[0]
    return country if code and country in codes("Country") else ""
