"""The directory's organisations as an IATI 2.03 organisation file (`iati-organisations`),
streamed like the activity file (writer.py).

Each organisation is an `iati-organisation` with its identifier (organisations.ref_for: a
registered ref, FR-RCS-<SIREN>, else one under the network's own identifier), its name and
the network as reporting organisation. IATI has no element for what a directory knows of an
organisation (where it is, its family, themes, contact); that goes in one element of our
namespace, `passerelles:profile`, which the schema allows (`xsd:any ##other`) and other IATI
tools ignore. Our reader (org_reader.py) reads it back, so the file moves a directory's
organisations to another one without loss (decisions §27).
"""

from collections.abc import Callable
from typing import IO

from django.utils import timezone
from lxml import etree

from passerelles.core.richtext import plain_text
from passerelles.opendata.iati.organisations import ref_for
from passerelles.opendata.iati.records import PASSERELLES_NS
from passerelles.opendata.iati.writer import _UNSAFE, NSMAP, _datetime, _reporting_org, _sub

CHUNK = 500
# Scalar fields written as attributes of the profile (short, one line each).
ATTRIBUTES = (
    "acronym",
    "family",
    "legal_form",
    "siren",
    "siret",
    "rna",
    "iati_ref",
    "size",
    "address",
    "postcode",
    "commune",
    "country",
    "locality",
    "website",
    "email",
    "phone",
)
FLAGS = ("is_ess", "is_si")
POINT = ("lat", "lon")
# Text fields written as child elements (several lines, rich text as sanitised HTML).
TEXTS = ("mission", "description", "offers", "needs")
# Lists: child elements, one per value (a theme's slug, an SDG number, a country code, a
# language code).
LISTS = (
    ("themes", "theme"),
    ("sdgs", "sdg"),
    ("countries_of_action", "country-of-action"),
    ("languages", "language"),
)


def _ns(name: str) -> str:
    return f"{{{PASSERELLES_NS}}}{name}"


def write_organisations(
    queryset, out: IO[bytes], *, progress: Callable[[int], None] | None = None
) -> int:
    """Write the organisations of `queryset` to the binary file `out`; how many were written."""
    reporting = _reporting_org()
    rows = (
        queryset.order_by("pk")
        .select_related(None)
        .prefetch_related("themes", "sdgs", "countries_of_action")
    )
    count = 0
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        attributes = {"version": "2.03", "generated-datetime": _datetime(timezone.now())}
        with xf.element("iati-organisations", attributes, nsmap=NSMAP):
            for organisation in rows.iterator(chunk_size=CHUNK):
                xf.write(organisation_element(organisation, reporting))
                count += 1
                if progress is not None:
                    progress(count)
    return count


def organisation_element(organisation, reporting: dict):
    element = etree.Element(
        "iati-organisation",
        {
            "last-updated-datetime": _datetime(organisation.updated_at),
            "{http://www.w3.org/XML/1998/namespace}lang": "fr",
            "default-currency": "EUR",
        },
        nsmap=NSMAP,
    )
    _sub(element, "organisation-identifier", text=ref_for(organisation, reporting["ref"]))
    name = _sub(element, "name")
    _sub(name, "narrative", text=plain_text(organisation.name))
    publisher = _sub(element, "reporting-org", {"ref": reporting["ref"], "type": reporting["type"]})
    _sub(publisher, "narrative", text=plain_text(reporting["name"]))
    element.append(profile_element(organisation))
    return element


def profile_element(organisation):
    profile = etree.Element(_ns("profile"), nsmap=NSMAP)
    for name in ATTRIBUTES:
        value = getattr(organisation, f"{name}_id" if name in ("commune", "country") else name)
        if value:
            profile.set(name, _UNSAFE.sub("", str(value)))
    for name in FLAGS:
        profile.set(name, "1" if getattr(organisation, name) else "0")
    if organisation.lat is not None and organisation.lon is not None:
        profile.set("lat", repr(organisation.lat))
        profile.set("lon", repr(organisation.lon))
    for name in TEXTS:
        if value := getattr(organisation, name):
            child = etree.SubElement(profile, _ns(name))
            child.text = _UNSAFE.sub("", value)
    for name, tag in LISTS:
        if name == "languages":
            values = list(organisation.languages or ())
        elif name == "themes":
            values = sorted(theme.slug for theme in organisation.themes.all())
        else:
            values = sorted(str(item.pk) for item in getattr(organisation, name).all())
        for value in values:
            child = etree.SubElement(profile, _ns(tag))
            child.text = str(value)
    return profile
