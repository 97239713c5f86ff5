"""The network's projects as an IATI 2.03 activity file, streamed.

`write_activities(projects, out)` writes one `iati-activity` per project, elements in the
schema's order, with lxml's incremental `xmlfile`: projects are read in chunks and each
activity is written then dropped, so 50,000 projects need no more memory than 500.

What IATI codelists cannot say is carried in our extension namespace (records.PASSERELLES_NS,
allowed by the IATI schema on these elements): the exact participation role (partner here /
there / expert all are IATI role 4), the project status (idea and co-construction are both
IATI 1), a funding line's instrument and a missing year. Our reader reads them back, so an
export re-imports into the same projects; other IATI tools ignore them.

Places: a place there is a `recipient-country` (shares summing to 100) and, when it has a
locality or a point, a `location` whose ref starts with the country code; a place here is a
`location` whose ref is `FR-COG-<commune>` or `FR-DEP-<department>` (France is no recipient
country). Funding lines are yearly `budget`s (summed per year and currency) and, one per
line, incoming-commitment `transaction`s naming the funder (IATI budgets have no funder); a
line dated in the future is a `planned-disbursement` instead (a transaction is a done deed),
and funders that are not participants are listed as funding participants (role 1).

Identifiers (decisions §27): the network's projects are `<PASSERELLES_IATI_REF>-<pk>` under
the network as reporting organisation; an imported activity keeps its identifier and its own
publisher as reporting organisation; organisations carry organisations.ref_for's ref (a
registered one, `FR-RCS-<SIREN>`, else under the network's ref) and, in our namespace, where
they are seated. Themes are sectors of vocabulary 99 with our vocabulary-uri.

Narratives are plain text: the description's paragraphs (core.richtext.html_to_text), names
without entities or tags (docs/decisions.md, "One text layer").
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from lxml import etree

from passerelles.core.richtext import html_to_text, plain_text
from passerelles.opendata.iati.mapper import COMMUNE_REF, DEPARTMENT_REF
from passerelles.opendata.iati.organisations import iati_type, network_iati_ref, ref_for
from passerelles.opendata.iati.reader import EXTRA_FIELDS
from passerelles.opendata.iati.records import PASSERELLES_NS, THEMES_URI
from passerelles.projects.enums import (
    IATI_ROLE,
    IATI_STATUS,
    ParticipationRole,
    PlaceSide,
    ProjectStatus,
)
from passerelles.projects.models import Participation, ProjectPlace

NSMAP = {"passerelles": PASSERELLES_NS}
# Characters XML 1.0 cannot carry (a form never lets them in; an old import might have).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"
CHUNK = 500
HUNDRED = Decimal(100)
_STARTED = (ProjectStatus.RUNNING, ProjectStatus.COMPLETED, ProjectStatus.CANCELLED)
_ENDED = (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED)


def _ns(name: str) -> str:
    return f"{{{PASSERELLES_NS}}}{name}"


def write_activities(
    projects_queryset, out: IO[bytes], *, progress: Callable[[int], None] | None = None
) -> int:
    """Write `projects_queryset` to the binary file `out`; returns how many were written."""
    reporting = _reporting_org()
    today = timezone.localdate()
    queryset = projects_queryset.order_by("pk").prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("organisation").order_by("role", "pk"),
        ),
        Prefetch(
            "places",
            queryset=ProjectPlace.objects.select_related("commune", "department").order_by("pk"),
        ),
        "dac_sectors",
        "dac_categories",
        "sdg_targets",
        "themes",
        "funding_lines__funder",
    )
    count = 0
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        attributes = {"version": "2.03", "generated-datetime": _datetime(timezone.now())}
        with xf.element("iati-activities", attributes, nsmap=NSMAP):
            for project in queryset.iterator(chunk_size=CHUNK):
                xf.write(activity_element(project, reporting, today))
                count += 1
                if progress is not None:
                    progress(count)
    return count


def _reporting_org() -> dict:
    return {
        "ref": network_iati_ref(),
        # OrganisationType 22 (national NGO) by default: a regional network is one.
        "type": getattr(settings, "PASSERELLES_IATI_ORG_TYPE", "") or "22",
        "name": getattr(settings, "PASSERELLES_NETWORK_NAME", "") or "Passerelles",
    }


def _datetime(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _sub(parent, tag: str, attrib: dict | None = None, text: str | None = None):
    element = etree.SubElement(parent, tag, {k: v for k, v in (attrib or {}).items() if v})
    if text is not None:
        element.text = text
    return element


def _narrative(parent, tag: str, text: str, attrib: dict | None = None):
    # Narratives are plain text (IATI tools show them as such): no tag, no entity, and none of
    # the control characters XML refuses; paragraphs stay apart.
    element = _sub(parent, tag, attrib)
    _sub(element, "narrative", text=plain_text(text, multiline=True))
    return element


def _shares(count: int) -> list[str]:
    """`count` percentages summing to exactly 100, with two decimals at most."""
    if count == 0:
        return []
    share = (HUNDRED / count).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    shares = [share] * count
    shares[-1] = HUNDRED - share * (count - 1)
    return [_number(s) for s in shares]


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _publisher(project, reporting: dict) -> dict:
    """The reporting organisation of a project's activity: the publisher an imported activity
    came from (its identifier starts with that publisher's ref: IATI rule), else the network."""
    if project.iati_identifier and project.iati_reporting_ref:
        return {
            "ref": project.iati_reporting_ref,
            "type": project.iati_reporting_type,
            "name": project.iati_reporting_name or project.iati_reporting_ref,
        }
    return reporting


def activity_element(project, reporting: dict, today: dt.date):  # noqa: C901 - schema order
    network = reporting
    reporting = _publisher(project, network)
    identifier = project.iati_identifier or f"{network['ref']}-{project.pk}"
    # An identifier must start with its reporting organisation's ref (IATI rule): one typed
    # in by hand that does not is published as an other-identifier of ours.
    kept = ""
    if not identifier.startswith(f"{reporting['ref']}-"):
        kept, identifier = identifier, f"{network['ref']}-{project.pk}"
    activity = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": _datetime(project.updated_at),
            "{http://www.w3.org/XML/1998/namespace}lang": "fr",
            "default-currency": "EUR",
        },
        nsmap=NSMAP,
    )
    for name in EXTRA_FIELDS:
        if value := getattr(project, name):
            activity.set(_ns(name), value)
    _sub(activity, "iati-identifier", text=identifier)
    _narrative(
        activity,
        "reporting-org",
        reporting["name"],
        {"ref": reporting["ref"], "type": reporting["type"]},
    )
    _narrative(activity, "title", project.title)
    description = html_to_text(project.description) or project.summary
    if description:
        element = _narrative(activity, "description", description, {"type": "1"})
        if project.description:
            # The rich text itself (lists, emphasis), for our import: IATI narratives are
            # plain, and a move to another directory must not flatten the presentation.
            element.set(_ns("html"), _UNSAFE.sub("", project.description))

    participations = list(project.participations.all())
    for participation in participations:
        organisation = participation.organisation
        element = _narrative(
            activity,
            "participating-org",
            organisation.name,
            {
                "ref": ref_for(organisation, network["ref"]),
                "role": IATI_ROLE[participation.role],
                "type": iati_type(organisation),
            },
        )
        element.set(_ns("role"), participation.role)
        _place_attributes(element, organisation)
    lines = list(project.funding_lines.all())
    funders = _line_funders(participations, lines)
    for funder, name in funders:
        # A funder named only by a funding line is a funding participant for IATI (role 1);
        # marked, so our import does not add it to the participants.
        element = _narrative(
            activity,
            "participating-org",
            name,
            {
                "ref": ref_for(funder, network["ref"]) if funder else "",
                "role": "1",
                "type": iati_type(funder) if funder else "",
            },
        )
        element.set(_ns("role"), "funding-line")
    if not participations and not funders:
        # The schema wants one participating organisation: the network, as extending
        # organisation, marked so our import does not take it for a participant.
        element = _narrative(
            activity, "participating-org", network["name"], {"ref": network["ref"], "role": "3"}
        )
        element.set(_ns("role"), "reporting")
    if kept:
        other = _sub(activity, "other-identifier", {"ref": kept, "type": "A3"})
        other.set(_ns("kept"), "1")

    status = _sub(activity, "activity-status", {"code": IATI_STATUS[project.project_status]})
    status.set(_ns("status"), project.project_status)
    _dates(activity, project, today)

    places = list(project.places.all())
    there = [p for p in places if p.side == PlaceSide.THERE and p.country_id]
    countries = list(dict.fromkeys(p.country_id for p in there))
    for code, share in zip(countries, _shares(len(countries)), strict=True):
        _sub(activity, "recipient-country", {"code": code, "percentage": share})
    for place in places:
        _location(activity, place)

    # DAC 5-digit sectors (vocabulary 1) and 3-digit categories (vocabulary 2): the shares of
    # each vocabulary sum to 100 on their own, as the IATI rules want.
    for vocabulary, related in (("1", project.dac_sectors), ("2", project.dac_categories)):
        codes = sorted(item.code for item in related.all())
        for code, share in zip(codes, _shares(len(codes)), strict=True):
            _sub(activity, "sector", {"vocabulary": vocabulary, "code": code, "percentage": share})
    # Our themes: the reporting organisation's own vocabulary (99), told apart by its URI.
    slugs = sorted(theme.slug for theme in project.themes.all())
    for code, share in zip(slugs, _shares(len(slugs)), strict=True):
        _sub(
            activity,
            "sector",
            {"vocabulary": "99", "vocabulary-uri": THEMES_URI, "code": code, "percentage": share},
        )
    targets = sorted(project.sdg_targets.all(), key=lambda t: (t.goal_id, t.code))
    for goal in dict.fromkeys(t.goal_id for t in targets):
        _sub(activity, "tag", {"vocabulary": "2", "code": str(goal)})
    for target in targets:
        _sub(activity, "tag", {"vocabulary": "3", "code": target.code})

    _budgets(activity, lines)
    # A commitment dated in the future is no transaction (IATI transactions are done deeds):
    # a planned disbursement, which our reader takes back as the funding line it is.
    dated = [(line, _line_day(project, line)) for line in lines]
    for line, day in dated:
        if day > today.isoformat():
            _planned_disbursement(activity, line, day, network["ref"])
    for line, day in dated:
        if day <= today.isoformat():
            _transaction(activity, line, day, network["ref"])
    return activity


def _place_attributes(element, organisation) -> None:
    """Where an organisation is seated, in our namespace: what our import needs to place it
    and to match it by name only in the same place (decisions §27)."""
    if organisation.country_id:
        element.set(_ns("country"), organisation.country_id)
    if organisation.commune_id:
        element.set(_ns("commune"), organisation.commune_id)


def _line_funders(participations, lines) -> list[tuple]:
    """(directory organisation or None, name) of the funding lines' funders that are not
    participants already, each once."""
    taken = {p.organisation_id for p in participations}
    names = {p.organisation.name for p in participations}
    found: list[tuple] = []
    for line in lines:
        name = line.funder_label
        if not name or line.funder_id in taken or name in names:
            continue
        if line.funder_id:
            taken.add(line.funder_id)
        names.add(name)
        found.append((line.funder, name))
    return found


def _dates(activity, project, today: dt.date) -> None:
    started = project.project_status in _STARTED
    if project.start_date:
        actual = started and project.start_date <= today
        _sub(
            activity,
            "activity-date",
            {"type": "2" if actual else "1", "iso-date": project.start_date.isoformat()},
        )
    if project.end_date:
        actual = project.project_status in _ENDED and project.end_date <= today
        _sub(
            activity,
            "activity-date",
            {"type": "4" if actual else "3", "iso-date": project.end_date.isoformat()},
        )
    if not project.start_date and not project.end_date:
        # The schema wants a date: the day the project was recorded, as a planned start,
        # marked so our import does not take it for the project's start.
        element = _sub(
            activity,
            "activity-date",
            {"type": "1", "iso-date": timezone.localdate(project.created_at).isoformat()},
        )
        element.set(_ns("recorded"), "1")


def _location(activity, place) -> None:
    if place.side == PlaceSide.HERE:
        if place.commune_id:
            ref, name = f"{COMMUNE_REF}{place.commune_id}", place.commune.name
        elif place.department_id:
            ref, name = f"{DEPARTMENT_REF}{place.department_id}", place.department.name
        else:
            return
    else:
        if not place.locality and place.lat is None:
            return
        ref, name = f"{place.country_id}-{place.pk}", place.locality
    location = _sub(activity, "location", {"ref": ref})
    if name:
        _narrative(location, "name", name)
    if place.lat is not None and place.lon is not None:
        point = _sub(location, "point", {"srsName": WGS84})
        _sub(point, "pos", text=f"{place.lat:.6f} {place.lon:.6f}")


def _budgets(activity, lines) -> None:
    totals: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.year:
            totals[(line.year, line.currency)] += line.amount
    for (year, currency), amount in sorted(totals.items()):
        budget = _sub(activity, "budget", {"type": "1", "status": "1"})
        _sub(budget, "period-start", {"iso-date": f"{year:04d}-01-01"})
        _sub(budget, "period-end", {"iso-date": f"{year:04d}-12-31"})
        _sub(
            budget,
            "value",
            {"currency": currency, "value-date": f"{year:04d}-01-01"},
            _number(amount),
        )


def _line_day(project, line) -> str:
    if line.year:
        return f"{line.year:04d}-01-01"
    return (project.start_date or timezone.localdate(project.created_at)).isoformat()


def _provider(parent, line, network_ref: str) -> None:
    funder = line.funder
    attrib = {
        "ref": ref_for(funder, network_ref) if funder else "",
        "type": iati_type(funder) if funder else "",
    }
    _narrative(parent, "provider-org", line.funder_label or "?", attrib)


def _planned_disbursement(activity, line, day: str, network_ref: str) -> None:
    element = _sub(activity, "planned-disbursement", {"type": "1"})
    element.set(_ns("line"), "1")
    element.set(_ns("instrument"), line.instrument)
    if not line.year:
        element.set(_ns("undated"), "1")
    _sub(element, "period-start", {"iso-date": day})
    _sub(element, "value", {"currency": line.currency, "value-date": day}, _number(line.amount))
    _provider(element, line, network_ref)


def _transaction(activity, line, day: str, network_ref: str) -> None:
    transaction = _sub(activity, "transaction")
    transaction.set(_ns("instrument"), line.instrument)
    if not line.year:
        transaction.set(_ns("undated"), "1")
    _sub(transaction, "transaction-type", {"code": "11"})
    _sub(transaction, "transaction-date", {"iso-date": day})
    _sub(transaction, "value", {"currency": line.currency, "value-date": day}, _number(line.amount))
    _provider(transaction, line, network_ref)


__all__ = ["write_activities", "activity_element", "ParticipationRole"]
