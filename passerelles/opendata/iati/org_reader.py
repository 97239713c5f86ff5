"""Stream an IATI organisation file (`iati-organisations`, 2.01 to 2.03) into plain records,
one `iati-organisation` at a time, with the same safe parser as the activity reader (no
entities, no DTD, no network). Our own profile element (org_writer.py) is read into
`OrganisationRecord.profile`; other publishers' files give an identifier and a name."""

from collections.abc import Iterator
from typing import IO

from django.utils.translation import gettext as _
from lxml import etree

from passerelles.opendata.iati.org_writer import ATTRIBUTES, FLAGS, LISTS, POINT, TEXTS
from passerelles.opendata.iati.reader import (
    SUPPORTED_VERSIONS,
    XML_LANG,
    IatiFileError,
    _clean,
    _narrative,
    _org,
    file_errors,
)
from passerelles.opendata.iati.records import (
    PASSERELLES_NS,
    OrganisationRecord,
    RejectedActivity,
)

ROOT = "iati-organisations"


def read_organisations(source: str | IO[bytes]) -> Iterator[OrganisationRecord | RejectedActivity]:
    """One record per `iati-organisation` of `source`; IatiFileError for a file that is not
    XML or not an IATI organisation file (a rejected organisation comes out as a
    RejectedActivity: the report treats both alike)."""
    position = 0
    checked = False
    with file_errors():
        context = etree.iterparse(
            source,
            events=("end",),
            tag="iati-organisation",
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            remove_comments=True,
            remove_pis=True,
        )
        for _event, elem in context:
            parent = elem.getparent()
            if not checked:
                _check_root(elem.getroottree().getroot())
                checked = True
            if parent is None or parent.getparent() is not None:
                continue
            position += 1
            try:
                yield parse_organisation(elem, position)
            finally:
                elem.clear(keep_tail=False)
                while elem.getprevious() is not None:
                    del parent[0]
        if not checked:
            _check_root(context.root)


def _check_root(root) -> None:
    if root is None or root.tag != ROOT:
        raise IatiFileError(_("Ce n'est pas un fichier d'organisations IATI."))
    version = (root.get("version") or "").strip()
    if version and version not in SUPPORTED_VERSIONS:
        raise IatiFileError(
            _(
                "Version IATI « %(version)s » non prise en charge : seules les versions 2.01 "
                "à 2.03 sont lues."
            )
            % {"version": version}
        )


def parse_organisation(elem, position: int) -> OrganisationRecord | RejectedActivity:
    lang = elem.get(XML_LANG) or ""
    identifier = ""
    for child in elem.iterchildren("organisation-identifier"):
        identifier = _clean(child.text)[:100]
    name = ""
    for child in elem.iterchildren("name"):
        name = _clean(_narrative(child, lang))[:200]
    if not identifier and not name:
        return RejectedActivity(position, "", _("organisation sans identifiant ni nom"))
    if not name:
        return RejectedActivity(position, identifier, _("l'organisation n'a pas de nom"))
    record = OrganisationRecord(position, identifier, name)
    for child in elem.iterchildren("reporting-org"):
        record.reporting_org = _org(child, lang)
    for profile in elem.iterchildren(f"{{{PASSERELLES_NS}}}profile"):
        record.profile = _profile(profile)
    return record


def _profile(profile) -> dict:
    data: dict = {}
    for name in (*ATTRIBUTES, *FLAGS, *POINT):
        value = profile.get(name)
        if value is not None:
            data[name] = value.strip()
    for name in TEXTS:
        for child in profile.iterchildren(f"{{{PASSERELLES_NS}}}{name}"):
            data[name] = child.text or ""
    for name, tag in LISTS:
        data[name] = [
            _clean(child.text)
            for child in profile.iterchildren(f"{{{PASSERELLES_NS}}}{tag}")
            if _clean(child.text)
        ]
    return data
