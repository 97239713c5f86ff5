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


def agency_country(ref: str) -> str:
    """The country of the registration agency an organisation identifier starts with
    ("GB-CHC-123" → "GB"), or "" when the prefix is no known agency of a country."""
    parts = (ref or "").upper().split("-")
    if len(parts) < 3:
        return ""
    agencies = codes("OrganisationRegistrationAgency")
    # Agency codes have two parts ("GB-CHC") or three ("XM-OCHA-…" are not countries anyway).
    if f"{parts[0]}-{parts[1]}" in agencies and parts[0] in codes("Country"):
        return parts[0]
    return ""
