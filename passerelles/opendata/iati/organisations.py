"""Find the directory's organisation behind an IATI organisation, or create it pending.

Matching order (DESIGN §5, explicit merge rules, decisions §27): the IATI ref; the SIREN or
RNA number an IATI ref carries (`FR-RCS-…`, older `FR-SIRENE-…`, `FR-RNA-W…`); our own
export's `<network ref>-ORG-<pk>`; the normalised name, only within the same place (country,
and commune when both sides know it) and only when it designates exactly one active
organisation there. Otherwise a new organisation is created with status "pending" and source
"iati", so it goes to moderation; when the name exists elsewhere, the report says so (a name
collision), never a silent merge. Its country comes from the file (decisions §27), never
from a default.

The organisations of a chunk of activities are looked up together (a query per kind of
identifier), the normalised names of the directory are read once per import, and lookups are
cached across chunks: a file names the same funders on thousands of activities.
"""

import re
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext as _
from stdnum.fr import siren as stdnum_siren

from passerelles.actors import actions
from passerelles.actors.enums import Family, Side, Status
from passerelles.actors.family_guess import guess_family
from passerelles.actors.models import Organisation
from passerelles.core.history import ChangeSource, Origin
from passerelles.core.text import normalise_name
from passerelles.geo.models import UNKNOWN_COUNTRY
from passerelles.opendata.iati.codelists import agency_code, agency_country
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


def network_iati_ref() -> str:
    """The network's own IATI organisation identifier (reporting-org of our exports, prefix of
    the identifiers we give what has no registered one): settings.PASSERELLES_IATI_REF."""
    return getattr(settings, "PASSERELLES_IATI_REF", "") or "FR-PASSERELLES"


# Prefixes earlier versions wrote that no registration agency issues (not in the
# OrganisationRegistrationAgency codelist): never published again as an organisation's own ref.
_INVENTED = ("FR-PASSERELLES-", "FR-SIRENE-", "FR-RNA-", "FR-SIRET-")


def own_ref(ref: str) -> str:
    """`ref` when it is an identifier a registration agency issued, else ""."""
    ref = (ref or "").strip()
    if not ref or ref.upper().startswith(_INVENTED) or not agency_code(ref):
        return ""
    return ref


def ref_for(org, network_ref: str | None = None) -> str:
    """The IATI identifier we publish for an organisation: the registered one it declared;
    else its SIREN under the French trade register's agency code (FR-RCS, codelist
    OrganisationRegistrationAgency); else one under the network's own identifier
    (`<PASSERELLES_IATI_REF>-ORG-<pk>`), so two organisations never share a ref."""
    if ref := own_ref(org.iati_ref):
        return ref
    if org.siren:
        return f"FR-RCS-{org.siren}"
    return f"{network_ref or network_iati_ref()}-ORG-{org.pk}"


def our_org_pk(ref: str, network_ref: str) -> int | None:
    """The pk in a ref our export gives an organisation without a registered one."""
    prefix = f"{network_ref}-ORG-"
    if ref.startswith(prefix):
        digits = ref[len(prefix) :]
        if digits.isascii() and digits.isdigit() and len(digits) <= 18:
            return int(digits)
    return None


def stored_ref(ref: str, network_ref: str) -> str:
    """What an incoming ref leaves in Organisation.iati_ref: nothing when the SIREN or RNA
    number it carries says it, or when it is one our export derived (it would not survive a
    move to another directory); the ref itself otherwise."""
    if siren_from_ref(ref) or rna_from_ref(ref) or ref.startswith(f"{network_ref}-ORG-"):
        return ""
    return ref


class Known(NamedTuple):
    """What the mapper needs of an organisation found in the directory (lighter than a model
    instance, for caches that hold thousands)."""

    pk: int
    name: str
    acronym: str
    side: str
    country_id: str = ""
    commune_id: str | None = None

    def __str__(self) -> str:  # as Organisation.__str__ (a funding line's funder name)
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


_KNOWN_FIELDS = ("pk", "name", "acronym", "side", "country_id", "commune_id")
# Entries in the ref and pk caches beyond which they are emptied (memory stays flat on a file
# naming ever new organisations; anything dropped is looked up again in the database).
CACHE_LIMIT = 50_000


class Place(NamedTuple):
    """Where a file says (or lets us infer) an organisation is: a country, a commune here."""

    country: str
    commune: str = ""

    def label(self) -> str:
        return f"{self.commune} ({self.country})" if self.commune else self.country


class Match(NamedTuple):
    organisation: object  # Known or Organisation
    created: bool
    note: str = ""  # why a name matched, or the name collision that made a new record


class OrganisationMatcher:
    """Matches a chunk's organisations in a few queries (`prefetch`), then row by row from its
    caches; organisations to create are collected and written together (`flush`).

    Identity is the identifier first (IATI ref, the SIREN or RNA number it carries, our own
    export's ref); then the name, only within the same place (decisions §27): two
    organisations with one name in two places stay two records, and the report says so."""

    def __init__(
        self, countries: set[str], now, network_ref: str = "", status: str = Status.PENDING
    ):
        self.countries = countries
        self.status = status  # publication of the organisations created (policy)
        self.now = now
        self.network_ref = network_ref or network_iati_ref()
        # ref → organisation (a Known, or an Organisation created by this import).
        self._by_ref: dict[str, Known | Organisation] = {}
        self._unknown_refs: set[str] = set()  # refs that match nothing by ref, SIREN or RNA
        self._ours: dict[str, Known] = {}  # our export's refs → the organisation of that pk
        self._by_pk: dict[int, Known] = {}
        # normalised name → [(pk or an Organisation not yet written, country, commune)].
        self._names: dict[str, list[tuple]] | None = None
        self._pending: list[Organisation] = []
        self.created: list[int] = []
        self.noted: set[str] = set()  # names whose match or collision the report told

    def forget(self) -> None:
        """Drop every cache (after a rolled-back chunk: it may have cached vanished rows)."""
        self._by_ref.clear()
        self._unknown_refs.clear()
        self._ours.clear()
        self._by_pk.clear()
        self._names = None
        self._pending.clear()

    def country_of(self, org: ParticipatingOrg, record: ActivityRecord | None) -> str:
        """Where an organisation is seated: what our own export says; else the registration
        agency of its identifier ("ES-DIR3-…" → ES, a SIREN or RNA number → FR); else, for a
        type based in the partner country, the recipient country; else the country of the
        activity's reporting organisation; else UNKNOWN_COUNTRY, for staff to settle. Never
        France by default: a Spanish ministry's partners are not in the network's region."""
        if org.country in self.countries:
            return org.country
        country = _ref_country(org.ref)
        if country in self.countries:
            return country
        if record is not None:
            if org.type in _BASED_IN_PARTNER_COUNTRY:
                for recipient in record.recipient_countries:
                    if recipient.code in self.countries:
                        return recipient.code
            reporting = record.reporting_org
            country = _ref_country(reporting.ref) if reporting else ""
            if country in self.countries:
                return country
        return UNKNOWN_COUNTRY

    def place_of(self, org: ParticipatingOrg, record: ActivityRecord | None) -> Place:
        country = self.country_of(org, record)
        return Place(country, org.commune if country == "FR" else "")

    # -- batch look-up ---------------------------------------------------------------------------

    def prefetch(self, orgs: Iterable[ParticipatingOrg]) -> None:
        """Look up, in a few queries, every organisation a chunk names, so that `find` then
        answers from the caches."""
        if len(self._by_ref) + len(self._unknown_refs) + len(self._by_pk) > CACHE_LIMIT:
            self._by_ref.clear()
            self._unknown_refs.clear()
            self._ours.clear()
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
            for pk, _country, _commune in index.get(key, ()) if key else ():
                if type(pk) is int and pk not in self._by_pk:
                    pks.add(pk)
        self._load(pks)

    def _lookup_refs(self, refs: set[str]) -> None:
        """Ref, then the SIREN or RNA number it carries, then our export's `<ref>-ORG-<pk>`;
        the oldest active organisation wins."""
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
        if rest:
            # Created by an earlier IATI import from this ref (which it did not keep as the
            # organisation's own: a SIREN ref, or one our export derived).
            by_source = active.filter(source=SOURCE, source_id__in=rest)
            for ref, known in _known(by_source, "source_id"):
                self._by_ref.setdefault(ref, known)
            rest = rest - self._by_ref.keys()
        ours = {pk: ref for ref in rest if (pk := our_org_pk(ref, self.network_ref)) is not None}
        if ours:
            # Our export's `<ref>-ORG-<pk>`: a pk of the directory that wrote it, so only
            # trusted when the name agrees too (find): in another directory, the same pk is
            # somebody else.
            for pk, known in _known(active.filter(pk__in=ours), "pk"):
                self._ours[ours[pk]] = known
        self._unknown_refs.update(rest)

    def _load(self, pks: set[int]) -> None:
        if pks:
            rows = Organisation.objects.filter(pk__in=pks).values_list(*_KNOWN_FIELDS)
            for row in rows:
                self._by_pk[row[0]] = Known(*row)

    # -- row by row ------------------------------------------------------------------------------

    def find(self, org: ParticipatingOrg, record: ActivityRecord | None = None) -> Match | None:
        """The existing organisation matching `org`, without creating anything: by identifier,
        else by name in the same place (None when the name is unknown there)."""
        if org.ref:
            if org.ref not in self._by_ref and org.ref not in self._unknown_refs:
                self._lookup_refs({org.ref})  # not prefetched (a record built by hand)
            if org.ref in self._by_ref:
                return Match(self._by_ref[org.ref], False)
            known = self._ours.get(org.ref)
            if known is not None and normalise_name(known.name) == normalise_name(org.name):
                self._by_ref[org.ref] = known
                return Match(known, False)
        match = self._lookup_name(org.name, self.place_of(org, record))
        if match is not None and org.ref:
            self._by_ref[org.ref] = match.organisation
        return match

    def find_or_create(self, org: ParticipatingOrg, record: ActivityRecord) -> Match:
        """The matching organisation, or a new pending one, written at the next `flush()`.
        The note says why a name matched, or which records of the same name elsewhere made
        this one a new record (a name collision), once per name and import."""
        match = self.find(org, record)
        if match is not None:
            return match
        collision = self.collision(org.name)
        return Match(self._create(org, record), True, collision)

    def _name_index(self) -> dict[str, list[tuple]]:
        if self._names is None:
            index: dict[str, list[tuple]] = {}
            rows = Organisation.objects.exclude(status=Status.ARCHIVED).values_list(
                "pk", "name", "country_id", "commune_id"
            )
            for pk, name, country, commune in rows.iterator(chunk_size=5000):
                key = normalise_name(name)
                if key:
                    index.setdefault(key, []).append((pk, country, commune or ""))
            self._names = index
        return self._names

    def _lookup_name(self, name: str, place: Place) -> Match | None:
        """The one organisation of this name in this place: the same country and, when both
        know it, the same commune. Several there: none (staff merge, we never guess)."""
        key = normalise_name(name)
        entries = self._name_index().get(key, []) if key else []
        same = [
            e
            for e in entries
            if e[1] == place.country and (not place.commune or not e[2] or e[2] == place.commune)
        ]
        if len(same) != 1:
            return None
        found, _country, commune = same[0]
        if not isinstance(found, int):
            return Match(found, False)
        if found not in self._by_pk:
            self._load({found})
        known = self._by_pk.get(found)
        if known is None:
            return None
        note = ""
        if key not in self.noted:
            self.noted.add(key)
            if place.commune and commune:
                why = _("même nom, même commune (%(place)s)") % {"place": place.label()}
            else:
                why = _("même nom, même pays (%(place)s), pas d'identifiant") % {
                    "place": place.country
                }
            note = _("« %(name)s » rapprochée par son nom : %(why)s") % {
                "name": known.name,
                "why": why,
            }
        return Match(known, False, note)

    def collision(self, name: str) -> str:
        """The report's "name collision" line when `name` is already in the directory (in
        another place, or several times), else ""."""
        key = normalise_name(name)
        entries = self._name_index().get(key, []) if key else []
        if not entries:
            return ""
        places = sorted({Place(country, commune).label() for _pk, country, commune in entries})
        return _(
            "collision de noms : « %(name)s » existe déjà ailleurs (%(places)s) ou plusieurs "
            "fois au même endroit ; fiche distincte créée, à fusionner par l'équipe si c'est la "
            "même organisation"
        ) % {"name": name, "places": ", ".join(places)}

    def _create(self, org: ParticipatingOrg, record: ActivityRecord) -> Organisation:
        place = self.place_of(org, record)
        family, to_review = family_from_type(org.type, org.name or "")
        name = (org.name or org.ref)[:200]
        source_id = org.ref or f"nom--{slugify(name)[:80]}-{place.country}{place.commune}"
        # A placeholder until flush() writes it through the actions (it then gets its pk).
        created = Organisation(
            name=name,
            family=family,
            family_to_review=to_review,
            is_si=True,
            country_id=place.country,
            commune_id=place.commune or None,
            iati_ref=stored_ref(org.ref, self.network_ref),
            siren=siren_from_ref(org.ref),
            rna=rna_from_ref(org.ref),
            source=SOURCE,
            source_id=source_id[:120],
        )
        created.side = Side.HERE if place.country == "FR" else Side.THERE
        self._pending.append(created)
        if org.ref:
            self._by_ref[org.ref] = created
        key = normalise_name(name)
        if key:
            self._name_index().setdefault(key, []).append((created, place.country, place.commune))
        return created

    def flush(self) -> None:
        """Write the organisations created since the last flush, in one insert per kind of
        moderation message. A bulk writer, like the demo: no per-row signals; the importer
        indexes them once at the end."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        # Through the door: the same derivations as every creation, a change record "imported"
        # with the source IATI, and a moderation proposal for each (they are pending).
        placed = [o for o in pending if o.country_id != UNKNOWN_COUNTRY]
        unplaced = [o for o in pending if o.country_id == UNKNOWN_COUNTRY]
        for group, message, status in (
            (placed, str(IATI_ORIGIN.comment), self.status),
            # Always pending: staff settle the country in moderation.
            (
                unplaced,
                _("Import IATI : pays à préciser (aucun indice dans le fichier)"),
                Status.PENDING,
            ),
        ):
            if not group:
                continue
            rows = [
                {name: getattr(o, name) for name in _ROW_FIELDS}
                | {"country": o.country_id, "commune": o.commune_id}
                for o in group
            ]
            written = actions.bulk_create_organisations(
                rows, origin=IATI_ORIGIN, status=status, message=message
            )
            for created, row in zip(group, written, strict=True):
                created.pk, created.slug, created.side = row.pk, row.slug, row.side
                created.commune_id = row.commune_id
        index = self._name_index()
        for created in pending:
            self.created.append(created.pk)
            known = Known(
                created.pk,
                created.name,
                created.acronym,
                created.side,
                created.country_id,
                created.commune_id,
            )
            if self._by_ref.get(created.source_id) is created:
                self._by_ref[created.source_id] = known
            key = normalise_name(created.name)
            for i, entry in enumerate(index.get(key, [])):
                if entry[0] is created:
                    index[key][i] = (created.pk, entry[1], entry[2])
                    self._by_pk[created.pk] = known

    @staticmethod
    def is_there(organisation: Known | Organisation) -> bool:
        return organisation.side == Side.THERE


def _ref_country(ref: str) -> str:
    country = agency_country(ref)
    if not country and (siren_from_ref(ref) or rna_from_ref(ref)):
        country = "FR"
    return country


def _known(queryset, column: str):
    """(value of `column`, Known) for each organisation of `queryset`."""
    for value, *row in queryset.values_list(column, *_KNOWN_FIELDS):
        yield value, Known(*row)
