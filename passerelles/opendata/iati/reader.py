"""Stream an IATI activity file (versions 2.01 to 2.03) into plain records.

One `iati-activity` at a time is built by lxml's iterparse, turned into an `ActivityRecord`
and cleared, with the siblings already read, so memory stays flat whatever the file's size.
The parser never resolves entities, never reads a DTD and never touches the network: an IATI
file is untrusted input.

A file that is not XML, or not an IATI activity file, raises `IatiFileError` with a French
sentence; an activity the reader cannot make sense of (no identifier, a date that is not a
date, …) comes out as a `RejectedActivity` with its reason and the others go on.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from passerelles.opendata.iati.records import (
    PASSERELLES_NS,
    ActivityRecord,
    Budget,
    Location,
    ParticipatingOrg,
    RecipientCountry,
    RejectedActivity,
    Sector,
    Tag,
    Transaction,
)

SUPPORTED_VERSIONS = ("2.01", "2.02", "2.03")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Incoming commitments (11) and incoming funds (1): money received by the activity, which is
# what our funding lines record. Other transactions (disbursements, expenditure) are skipped.
INCOMING_TRANSACTIONS = ("1", "11")
ACTIVITY_STATUSES = ("1", "2", "3", "4", "5", "6")
ORGANISATION_ROLES = ("1", "2", "3", "4")
# Project fields our export carries as attributes of our namespace on `iati-activity`.
EXTRA_FIELDS = ("acronym", "summary", "website")


class IatiFileError(Exception):
    """The whole file is refused; the message is a French sentence for the user."""


class _Malformed(Exception):
    """One activity is refused; the message is a French sentence for the user."""


def read_activities(source: str | IO[bytes]) -> Iterator[ActivityRecord | RejectedActivity]:
    """Yield one record per `iati-activity` of `source` (a path or a binary file object).

    Raises IatiFileError when the file is not well-formed XML or not an IATI activity file;
    the error may come after some records were yielded (a file truncated at the end), which is
    why imports run in one transaction."""
    parser_options = dict(
        events=("end",),
        tag="iati-activity",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    position = 0
    root_checked = False
    with file_errors():
        context = etree.iterparse(source, **parser_options)
        for _event, elem in context:
            parent = elem.getparent()
            if not root_checked:
                root = elem
                while root.getparent() is not None:
                    root = root.getparent()
                _check_root(root)
                root_checked = True
            if parent is None or parent.getparent() is not None:
                # An iati-activity nested anywhere but under the root is not an activity of
                # this file (it would be read twice otherwise); its ancestor handles it.
                continue
            position += 1
            try:
                yield parse_activity(elem, position)
            except _Malformed as malformed:
                yield RejectedActivity(position, _identifier(elem), str(malformed))
            finally:
                # Free the activity and everything before it: the tree never holds more
                # than one activity.
                elem.clear(keep_tail=False)
                while elem.getprevious() is not None:
                    del parent[0]
        if not root_checked:
            _check_root(context.root)


@contextmanager
def file_errors():
    """A file that is not XML, or cannot be read, in words (activities and organisations)."""
    try:
        yield
    except etree.XMLSyntaxError as error:
        line = getattr(error, "lineno", None) or "?"
        raise IatiFileError(
            _("Le fichier n'est pas un XML bien formé (ligne %(line)s) : %(error)s")
            % {"line": line, "error": getattr(error, "msg", "") or str(error)}
        ) from error
    except OSError as error:
        raise IatiFileError(_("Le fichier est illisible : %(error)s") % {"error": error}) from error


def _check_root(root) -> None:
    if root is None or root.tag != "iati-activities":
        tag = root.tag if root is not None and isinstance(root.tag, str) else "?"
        raise IatiFileError(
            _(
                "Ce n'est pas un fichier d'activités IATI : l'élément racine est « %(tag)s » "
                "au lieu de « iati-activities »."
            )
            % {"tag": tag}
        )
    version = (root.get("version") or "").strip()
    if version and version not in SUPPORTED_VERSIONS:
        raise IatiFileError(
            _(
                "Version IATI « %(version)s » non prise en charge : seules les versions 2.01 "
                "à 2.03 sont lues."
            )
            % {"version": version}
        )


def _identifier(elem) -> str:
    for child in elem.iterchildren("iati-identifier"):
        return _clean(child.text)[:150]
    return ""


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _narrative(elem, default_lang: str) -> str:
    """The French narrative of an element, else the English one, else the first one."""
    texts: dict[str, str] = {}
    first = ""
    for child in elem.iterchildren("narrative"):
        text = (child.text or "").strip()
        if not text:
            continue
        first = first or text
        lang = (child.get(XML_LANG) or default_lang or "").lower()[:2]
        texts.setdefault(lang, text)
    return texts.get("fr") or texts.get("en") or first


# What a date or a number is, in an error message; lazy, translated only when one is written
# (they accompany every date, budget and percentage of a file).
_ACTIVITY_DATE = gettext_lazy("une date d'activité")
_PERCENTAGE = gettext_lazy("un pourcentage")
_BUDGET = gettext_lazy("un budget")
_TRANSACTION = gettext_lazy("une transaction")


def _date(value: str | None, what: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        # xsd:date may carry a time zone ("2012-04-15Z"); the day is what we keep.
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise _Malformed(
            _("date invalide pour %(what)s : « %(value)s »") % {"what": what, "value": value[:40]}
        ) from None


def _decimal(value: str | None, what: str) -> Decimal:
    text = (value or "").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _Malformed(
            _("nombre invalide pour %(what)s : « %(value)s »") % {"what": what, "value": text[:40]}
        ) from None
    if not number.is_finite():
        raise _Malformed(
            _("nombre invalide pour %(what)s : « %(value)s »") % {"what": what, "value": text[:40]}
        )
    return number


def _percentage(value: str | None) -> Decimal | None:
    if value is None or not value.strip():
        return None
    number = _decimal(value, _PERCENTAGE)
    if not 0 <= number <= 100:
        raise _Malformed(_("pourcentage hors de 0 à 100 : %(value)s") % {"value": value[:20]})
    return number


def _point(elem) -> tuple[float | None, float | None]:
    for point in elem.iterchildren("point"):
        for pos in point.iterchildren("pos"):
            text = _clean(pos.text)
            if not text:
                return None, None
            parts = text.split()
            try:
                lat, lon = (float(p) for p in parts)
            except ValueError:
                raise _Malformed(
                    _("point invalide : « %(pos)s » (attendu « latitude longitude »)")
                    % {"pos": text[:60]}
                ) from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise _Malformed(
                    _("point hors des coordonnées terrestres : « %(pos)s »") % {"pos": text[:60]}
                )
            return lat, lon
    return None, None


def _org(child, default_lang: str, role: str = "") -> ParticipatingOrg:
    return ParticipatingOrg(
        ref=_clean(child.get("ref"))[:100],
        role=role,
        type=_clean(child.get("type")),
        name=_clean(_narrative(child, default_lang))[:200],
        passerelles_role=_clean(child.get(f"{{{PASSERELLES_NS}}}role")),
        country=_clean(child.get(f"{{{PASSERELLES_NS}}}country")).upper()[:2],
        commune=_clean(child.get(f"{{{PASSERELLES_NS}}}commune")).upper()[:5],
    )


def parse_activity(elem, position: int) -> ActivityRecord:  # noqa: C901 - one branch per element
    """One `iati-activity` element → an ActivityRecord; raises _Malformed with the reason."""
    lang = elem.get(XML_LANG) or ""
    default_currency = _clean(elem.get("default-currency")).upper()
    identifier = _identifier(elem)
    if not identifier:
        raise _Malformed(_("l'activité n'a pas d'identifiant IATI (iati-identifier)"))
    record = ActivityRecord(
        position=position, identifier=identifier, title="", default_currency=default_currency
    )
    descriptions: dict[str, str] = {}
    for name in EXTRA_FIELDS:
        value = elem.get(f"{{{PASSERELLES_NS}}}{name}")
        if value is not None:
            record.extra[name] = value.strip()
    for child in elem.iterchildren():
        tag = child.tag
        if tag == "title":
            record.title = _clean(_narrative(child, lang))
        elif tag == "description":
            text = _narrative(child, lang)
            if text:
                descriptions.setdefault(child.get("type") or "1", text)
            rich = child.get(f"{{{PASSERELLES_NS}}}html")
            if rich and (child.get("type") or "1") == "1":
                record.extra["description"] = rich
        elif tag == "reporting-org":
            record.reporting_org = _org(child, lang)
        elif tag == "participating-org":
            role = _clean(child.get("role"))
            if role not in ORGANISATION_ROLES:
                raise _Malformed(
                    _("rôle d'organisation participante inconnu : « %(role)s »")
                    % {"role": role[:20]}
                )
            org = _org(child, lang, role)
            if org.passerelles_role in ("reporting", "funding-line"):
                # Our export's placeholder for a project without participants, and its funders
                # named only by a funding line (listed as funding participants for IATI tools):
                # neither is a participation of ours.
                continue
            if not org.ref and not org.name:
                raise _Malformed(_("une organisation participante n'a ni identifiant ni nom"))
            record.participating_orgs.append(org)
        elif tag == "other-identifier" and child.get(f"{{{PASSERELLES_NS}}}kept") == "1":
            # Our export's project identifier that its reporting organisation could not carry.
            record.extra["iati_identifier"] = _clean(child.get("ref"))[:150]
        elif tag == "activity-status":
            record.status = _clean(child.get("code"))
            record.passerelles_status = _clean(child.get(f"{{{PASSERELLES_NS}}}status"))
            if record.status not in ACTIVITY_STATUSES:
                raise _Malformed(
                    _("statut d'activité inconnu : « %(code)s »") % {"code": record.status[:20]}
                )
        elif tag == "activity-date":
            kind = _clean(child.get("type"))
            day = _date(child.get("iso-date"), _ACTIVITY_DATE)
            attribute = {
                "1": "planned_start",
                "2": "actual_start",
                "3": "planned_end",
                "4": "actual_end",
            }.get(kind)
            if child.get(f"{{{PASSERELLES_NS}}}recorded") == "1":
                continue  # our export's placeholder for a project without dates
            if attribute and day:
                setattr(record, attribute, day)
        elif tag == "recipient-country":
            code = _clean(child.get("code")).upper()
            if len(code) != 2 or not code.isalpha():
                raise _Malformed(_("code pays invalide : « %(code)s »") % {"code": code[:20]})
            record.recipient_countries.append(
                RecipientCountry(code, _percentage(child.get("percentage")))
            )
        elif tag == "location":
            name = ""
            for name_elem in child.iterchildren("name"):
                name = _clean(_narrative(name_elem, lang))[:120]
            lat, lon = _point(child)
            record.locations.append(Location(_clean(child.get("ref"))[:60], name, lat, lon))
        elif tag == "sector":
            record.sectors.append(
                Sector(
                    vocabulary=_clean(child.get("vocabulary")) or "1",
                    code=_clean(child.get("code")),
                    percentage=_percentage(child.get("percentage")),
                    uri=_clean(child.get("vocabulary-uri")),
                )
            )
        elif tag == "tag":
            record.tags.append(Tag(_clean(child.get("vocabulary")), _clean(child.get("code"))))
        elif tag == "budget":
            record.budgets.append(_budget(child, default_currency))
        elif tag == "planned-disbursement" and child.get(f"{{{PASSERELLES_NS}}}line") == "1":
            # Our export writes a funding line dated in the future as a planned disbursement
            # (an IATI transaction is never in the future); it is a commitment of ours.
            record.transactions.append(_planned(child, default_currency, lang))
        elif tag == "transaction":
            transaction = _transaction(child, default_currency, lang)
            if transaction is not None:
                record.transactions.append(transaction)
    if not record.title:
        raise _Malformed(_("l'activité n'a pas de titre"))
    # The general description (type 1) is the project's presentation; otherwise the first one.
    record.description = descriptions.get("1") or next(iter(descriptions.values()), "")
    return record


def _value(elem, default_currency: str, what: str) -> tuple[Decimal, str]:
    for value in elem.iterchildren("value"):
        currency = _clean(value.get("currency")).upper() or default_currency
        return _decimal(value.text, what), currency
    raise _Malformed(_("%(what)s sans valeur") % {"what": what})


def _budget(elem, default_currency: str) -> Budget:
    what = _BUDGET
    amount, currency = _value(elem, default_currency, what)
    start = end = None
    for child in elem.iterchildren("period-start"):
        start = _date(child.get("iso-date"), what)
    for child in elem.iterchildren("period-end"):
        end = _date(child.get("iso-date"), what)
    return Budget(amount, currency, start, end)


def _transaction(elem, default_currency: str, lang: str) -> Transaction | None:
    kind = ""
    for child in elem.iterchildren("transaction-type"):
        kind = _clean(child.get("code"))
    if kind not in INCOMING_TRANSACTIONS:
        return None
    what = _TRANSACTION
    amount, currency = _value(elem, default_currency, what)
    day = None
    for child in elem.iterchildren("transaction-date"):
        day = _date(child.get("iso-date"), what)
    if elem.get(f"{{{PASSERELLES_NS}}}undated") == "1":
        day = None  # our export dates a funding line without a year; it has none
    provider = None
    for child in elem.iterchildren("provider-org"):
        provider = _org(child, lang)
    return Transaction(
        type=kind,
        value=amount,
        currency=currency,
        date=day,
        provider_ref=provider.ref if provider else "",
        provider_name=provider.name if provider else "",
        instrument=_clean(elem.get(f"{{{PASSERELLES_NS}}}instrument")),
    )


def _planned(elem, default_currency: str, lang: str) -> Transaction:
    what = _TRANSACTION
    amount, currency = _value(elem, default_currency, what)
    day = None
    for child in elem.iterchildren("period-start"):
        day = _date(child.get("iso-date"), what)
    if elem.get(f"{{{PASSERELLES_NS}}}undated") == "1":
        day = None
    provider = None
    for child in elem.iterchildren("provider-org"):
        provider = _org(child, lang)
    return Transaction(
        type="11",
        value=amount,
        currency=currency,
        date=day,
        provider_ref=provider.ref if provider else "",
        provider_name=provider.name if provider else "",
        instrument=_clean(elem.get(f"{{{PASSERELLES_NS}}}instrument")),
        planned=True,
    )
