"""Find the directory's organisation behind an IATI organisation, or create it pending.

Matching order (DESIGN §5, explicit merge rules): the IATI ref; the SIREN or RNA number an
IATI ref carries (`FR-SIRENE-…`, `FR-RCS-…`, `FR-RNA-W…`); the normalised name (only when it
designates exactly one active organisation: an ambiguous name creates a pending organisation
for staff to merge rather than attach the project to the wrong actor). Otherwise a new
organisation is created with status "pending" and source "iati", so it goes to moderation.

The organisations of a chunk of activities are looked up together (a query per kind of
identifier), the normalised names of the directory are read once per import, and lookups are
cached across chunks: a file names the same funders on thousands of activities.
"""

import re
from collections.abc import Iterable
from typing import NamedTuple

from django.utils.text import slugify
from stdnum.fr import siren as stdnum_siren

from passerelles.actors import actions
from passerelles.actors.enums import Family, Side, Status
from passerelles.actors.family_guess import guess_family
from passerelles.actors.models import Organisation
from passerelles.core.history import ChangeSource, Origin
from passerelles.core.text import normalise_name
from passerelles.opendata.iati.codelists import agency_country
from passerelles.opendata.iati.records import ActivityRecord, ParticipatingOrg

SOURCE = "iati"
IATI_ORIGIN = Origin(None, ChangeSource.IATI, "Import IATI")
# What an organisation found only in a file carries (its place is its country).
_ROW_FIELDS = (
    "name",
    "family",
    "family_to_review",
    "is_si",
    "iati_ref",
    "siren",
    "rna",
    "source",
    "source_id",
)
_SIREN_REF = re.compile(r"^FR-(?:SIRENE?|RCS|SIRET|INSEE)-(\d{9})(?:\d{5})?$", re.IGNORECASE)
_RNA_REF = re.compile(r"^FR-RNA-(W[0-9A-Z]{9})$", re.IGNORECASE)
# IATI OrganisationType codes of organisations based in the partner country.
_BASED_IN_PARTNER_COUNTRY = {"24", "72"}
# IATI OrganisationType (codelist OrganisationType) → the families it allows, the first being
# the one to take when the name says nothing more precise. The type says what an organisation
# is, on either side; where it is seated gives the side. A name the guess reads confidently
# refines it within the type ("Union des producteurs…" of type 24 is a peasant organisation).
_NGO = (
    Family.SI_ASSOCIATION,
    Family.PEASANT_ORG,
    Family.CITIZEN_GROUP,
    Family.NETWORK,
    Family.DIASPORA,
    Family.HEALTH,
    Family.SCHOOL,
)
_PRIVATE = (Family.COMPANY, Family.ESS_ENTERPRISE, Family.PEASANT_ORG)
FAMILY_FROM_TYPE = {
    "10": (Family.PUBLIC_FUNDER,),
    "11": (Family.LOCAL_AUTHORITY,),
    "15": (Family.PUBLIC_FUNDER, Family.HEALTH, Family.SCHOOL, Family.UNIVERSITY),
    "21": _NGO,
    "22": _NGO,
    "23": _NGO,
    "24": _NGO,
    "30": _PRIVATE,
    "40": (Family.PUBLIC_FUNDER,),
    "60": (Family.FOUNDATION,),
    "70": _PRIVATE,
    "71": _PRIVATE,
    "72": _PRIVATE,
    "73": _PRIVATE,
    "80": (Family.UNIVERSITY, Family.SCHOOL),
}
# Our family → IATI OrganisationType, for the export. The codelist tells NGOs and companies
# of the partner country from those of the provider country: `iati_type` picks by side.
TYPE_FROM_FAMILY = {
    Family.SI_ASSOCIATION: "22",
    Family.DIASPORA: "22",
    Family.LOCAL_AUTHORITY: "11",
    Family.SCHOOL: "80",
    Family.UNIVERSITY: "80",
    Family.HEALTH: "15",
    Family.ESS_ENTERPRISE: "71",
    Family.PEASANT_ORG: "22",
    Family.COMPANY: "71",
    Family.CITIZEN_GROUP: "22",
    Family.NETWORK: "22",
    Family.FOUNDATION: "60",
    Family.PUBLIC_FUNDER: "10",
}
# Partner country based NGO / CSO (24), private sector in aid recipient country (72).
_TYPE_THERE = {"22": "24", "71": "72"}


def iati_type(organisation) -> str:
    """The IATI OrganisationType of an organisation (or a Known), from its family and side."""
    code = TYPE_FROM_FAMILY.get(getattr(organisation, "family", ""), "")
    if getattr(organisation, "side", "") == Side.THERE:
        code = _TYPE_THERE.get(code, code)
    return code


def family_from_type(org_type: str, name: str) -> tuple[str, bool]:
    """(family, to_review) of an organisation an IATI file names: its type, refined by what its
    name says; without a usable type, the guess from its name, for staff to check unless sure."""
    guess, confident = guess_family(name)
    allowed = FAMILY_FROM_TYPE.get((org_type or "").strip())
    if not allowed:
        return guess, not confident
    if confident and guess in allowed:
        return guess, False
    return allowed[0], False


def siren_from_ref(ref: str) -> str:
    match = _SIREN_REF.match(ref or "")
    if match and stdnum_siren.is_valid(match.group(1)):
        return match.group(1)
    return ""


def rna_from_ref(ref: str) -> str:
    match = _RNA_REF.match(ref or "")
    return match.group(1).upper() if match else ""


def ref_for(org: Organisation) -> str:
    """The IATI identifier we publish for an organisation: its own, else derived from its
    SIREN or RNA number (the French registration agencies' IATI prefixes), else none."""
    if org.iati_ref:
        return org.iati_ref
    if org.siren:
        return f"FR-SIRENE-{org.siren}"
    if org.rna:
        return f"FR-RNA-{org.rna}"
    return ""


class Known(NamedTuple):
    """What the mapper needs of an organisation found in the directory (lighter than a model
    instance, for caches that hold thousands)."""

    pk: int
    name: str
    acronym: str
    side: str

    def __str__(self) -> str:  # as Organisation.__str__ (a funding line's funder name)
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


_KNOWN_FIELDS = ("pk", "name", "acronym", "side")
# Entries in the ref and pk caches beyond which they are emptied (memory stays flat on a file
# naming ever new organisations; anything dropped is looked up again in the database).
CACHE_LIMIT = 50_000


class OrganisationMatcher:
    """Matches a chunk's organisations in a few queries (`prefetch`), then row by row from its
    caches; organisations to create are collected and written together (`flush`)."""

    def __init__(self, countries: set[str], now):
        self.countries = countries
        self.now = now
        # ref → organisation (a Known, or an Organisation created by this import).
        self._by_ref: dict[str, Known | Organisation] = {}
        self._unknown_refs: set[str] = set()  # refs that match nothing by ref, SIREN or RNA
        self._by_pk: dict[int, Known] = {}
        # normalised name → pk, an Organisation not yet written, or None when ambiguous.
        self._names: dict[str, int | Organisation | None] | None = None
        self._pending: list[Organisation] = []
        self.created: list[int] = []

    def forget(self) -> None:
        """Drop every cache (after a rolled-back chunk: it may have cached vanished rows)."""
        self._by_ref.clear()
        self._unknown_refs.clear()
        self._by_pk.clear()
        self._names = None
        self._pending.clear()

    def country_of(self, org: ParticipatingOrg, record: ActivityRecord) -> str:
        # The registration agency's country ("GB-CHC-…" → GB); French numbers → FR.
        country = agency_country(org.ref)
        if not country and (siren_from_ref(org.ref) or rna_from_ref(org.ref)):
            country = "FR"
        if country in self.countries:
            return country
        if org.type in _BASED_IN_PARTNER_COUNTRY:
            for country in record.recipient_countries:
                if country.code in self.countries:
                    return country.code
        # Unknown: the network's own side, the likeliest for organisations of its projects;
        # the organisation is pending, staff correct it in moderation.
        return "FR"

    # -- batch look-up ---------------------------------------------------------------------------

    def prefetch(self, orgs: Iterable[ParticipatingOrg]) -> None:
        """Look up, in a few queries, every organisation a chunk names, so that `find` then
        answers from the caches."""
        if len(self._by_ref) + len(self._unknown_refs) + len(self._by_pk) > CACHE_LIMIT:
            self._by_ref.clear()
            self._unknown_refs.clear()
            self._by_pk.clear()
        orgs = list(orgs)
        refs = {o.ref for o in orgs if o.ref}
        self._lookup_refs(refs - self._by_ref.keys() - self._unknown_refs)
        index = self._name_index()
        pks = set()
        for org in orgs:
            if org.ref in self._by_ref:
                continue
            key = normalise_name(org.name)
            pk = index.get(key) if key else None
            if type(pk) is int and pk not in self._by_pk:
                pks.add(pk)
        self._load(pks)

    def _lookup_refs(self, refs: set[str]) -> None:
        """Ref, then the SIREN or RNA number it carries; the oldest active organisation wins."""
        if not refs:
            return
        active = Organisation.objects.exclude(status=Status.ARCHIVED).order_by("pk")
        for known in _known(active.filter(iati_ref__in=refs), "iati_ref"):
            self._by_ref.setdefault(known[0], known[1])
        rest = refs - self._by_ref.keys()
        for column, parse in (("siren", siren_from_ref), ("rna", rna_from_ref)):
            numbers: dict[str, list[str]] = {}
            for ref in rest:
                if number := parse(ref):
                    numbers.setdefault(number, []).append(ref)
            if numbers:
                found: dict[str, Known] = {}
                for number, known in _known(active.filter(**{f"{column}__in": numbers}), column):
                    found.setdefault(number, known)
                for number, known in found.items():
                    for ref in numbers[number]:
                        self._by_ref[ref] = known
            rest = rest - self._by_ref.keys()
        self._unknown_refs.update(rest)

    def _load(self, pks: set[int]) -> None:
        if pks:
            rows = Organisation.objects.filter(pk__in=pks).values_list(*_KNOWN_FIELDS)
            for row in rows:
                self._by_pk[row[0]] = Known(*row)

    # -- row by row ------------------------------------------------------------------------------

    def find(self, org: ParticipatingOrg) -> Known | Organisation | None:
        """The existing organisation matching `org`, without creating anything."""
        if org.ref:
            if org.ref not in self._by_ref and org.ref not in self._unknown_refs:
                self._lookup_refs({org.ref})  # not prefetched (a record built by hand)
            if org.ref in self._by_ref:
                return self._by_ref[org.ref]
        found = self._lookup_name(org.name)
        if found is not None and org.ref:
            self._by_ref[org.ref] = found
        return found

    def find_or_create(
        self, org: ParticipatingOrg, record: ActivityRecord
    ) -> tuple[Known | Organisation, bool]:
        """The matching organisation, or a new pending one, written at the next `flush()`."""
        found = self.find(org)
        if found is not None:
            return found, False
        return self._create(org, record), True

    def _name_index(self) -> dict[str, int | Organisation | None]:
        if self._names is None:
            index: dict[str, int | Organisation | None] = {}
            rows = Organisation.objects.exclude(status=Status.ARCHIVED).values_list("pk", "name")
            for pk, name in rows.iterator(chunk_size=5000):
                key = normalise_name(name)
                if key:
                    # Two organisations with the same name: ambiguous, never matched on it.
                    index[key] = None if key in index else pk
            self._names = index
        return self._names

    def _lookup_name(self, name: str) -> Known | Organisation | None:
        key = normalise_name(name)
        found = self._name_index().get(key) if key else None
        if found is None or isinstance(found, Organisation):
            return found
        if found not in self._by_pk:
            self._load({found})
        return self._by_pk.get(found)

    def _create(self, org: ParticipatingOrg, record: ActivityRecord) -> Organisation:
        country = self.country_of(org, record)
        family, to_review = family_from_type(org.type, org.name or "")
        name = (org.name or org.ref)[:200]
        source_id = org.ref or f"nom--{slugify(name)[:110]}"
        # A placeholder until flush() writes it through the actions (it then gets its pk).
        created = Organisation(
            name=name,
            family=family,
            family_to_review=to_review,
            is_si=True,
            country_id=country,
            iati_ref=org.ref,
            siren=siren_from_ref(org.ref),
            rna=rna_from_ref(org.ref),
            source=SOURCE,
            source_id=source_id[:120],
        )
        created.side = Side.THERE if country != "FR" else Side.HERE
        self._pending.append(created)
        if org.ref:
            self._by_ref[org.ref] = created
        key = normalise_name(name)
        if key:
            index = self._name_index()
            index[key] = None if key in index else created
        return created

    def flush(self) -> None:
        """Write the organisations created since the last flush, in one insert. A bulk writer,
        like the demo: no per-row signals; the importer indexes them once at the end."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        # Through the door: the same derivations as every creation, a change record "imported"
        # with the source IATI, and a moderation proposal for each (they are pending).
        rows = [
            {name: getattr(created, name) for name in _ROW_FIELDS} | {"country": created.country_id}
            for created in pending
        ]
        written = actions.bulk_create_organisations(
            rows, origin=IATI_ORIGIN, status=Status.PENDING, message=IATI_ORIGIN.comment
        )
        for created, row in zip(pending, written, strict=True):
            created.pk, created.slug, created.side = row.pk, row.slug, row.side
        index = self._name_index()
        for created in pending:
            self.created.append(created.pk)
            known = Known(created.pk, created.name, created.acronym, created.side)
            if created.iati_ref and self._by_ref.get(created.iati_ref) is created:
                self._by_ref[created.iati_ref] = known
            key = normalise_name(created.name)
            if key and index.get(key) is created:
                index[key] = created.pk
                self._by_pk[created.pk] = known

    @staticmethod
    def is_there(organisation: Known | Organisation) -> bool:
        return organisation.side == Side.THERE


def _known(queryset, column: str):
    """(value of `column`, Known) for each organisation of `queryset`."""
    for value, *row in queryset.values_list(column, *_KNOWN_FIELDS):
        yield value, Known(*row)


def _slug_base(organisation: Organisation) -> str:
    # The base of Organisation._unique_slug().
    return slugify(organisation.acronym or organisation.name)[:200] or "organisation"
