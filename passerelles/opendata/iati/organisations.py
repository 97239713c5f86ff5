"""Find the directory's organisation behind an IATI organisation, or create it pending.

Matching order (DESIGN §5, explicit merge rules): the IATI ref; the SIREN or RNA number an
IATI ref carries (`FR-SIRENE-…`, `FR-RCS-…`, `FR-RNA-W…`); the normalised name (only when it
designates exactly one active organisation: an ambiguous name creates a pending organisation
for staff to merge rather than attach the project to the wrong actor). Otherwise a new
organisation is created with status "pending" and source "iati", so it goes to moderation.

Lookups are cached for the whole import: a file names the same funders on thousands of
activities.
"""

import re

from django.utils.text import slugify
from stdnum.fr import siren as stdnum_siren

from passerelles.actors.enums import Family, Side, Status
from passerelles.actors.models import Organisation
from passerelles.core.text import normalise_name
from passerelles.opendata.iati.codelists import agency_country
from passerelles.opendata.iati.records import ActivityRecord, ParticipatingOrg

SOURCE = "iati"
_SIREN_REF = re.compile(r"^FR-(?:SIRENE?|RCS|SIRET|INSEE)-(\d{9})(?:\d{5})?$", re.IGNORECASE)
_RNA_REF = re.compile(r"^FR-RNA-(W[0-9A-Z]{9})$", re.IGNORECASE)
# IATI OrganisationType codes of organisations based in the partner country.
_BASED_IN_PARTNER_COUNTRY = {"24", "72"}
# IATI OrganisationType → our family, for organisations here; every organisation abroad is a
# partner abroad (Family.ABROAD) whatever its type, as the directory classifies them.
FAMILY_FROM_TYPE = {
    "10": Family.PUBLIC_FUNDER,
    "11": Family.LOCAL_AUTHORITY,
    "15": Family.PUBLIC_FUNDER,
    "21": Family.SI_ASSOCIATION,
    "22": Family.SI_ASSOCIATION,
    "23": Family.SI_ASSOCIATION,
    "24": Family.SI_ASSOCIATION,
    "30": Family.COMPANY,
    "40": Family.PUBLIC_FUNDER,
    "60": Family.FOUNDATION,
    "70": Family.COMPANY,
    "71": Family.COMPANY,
    "72": Family.COMPANY,
    "73": Family.COMPANY,
    "80": Family.UNIVERSITY,
}
# Our family → IATI OrganisationType, for the export.
TYPE_FROM_FAMILY = {
    Family.SI_ASSOCIATION: "22",
    Family.DIASPORA: "22",
    Family.LOCAL_AUTHORITY: "11",
    Family.SCHOOL: "80",
    Family.UNIVERSITY: "80",
    Family.HEALTH: "15",
    Family.ESS_ENTERPRISE: "70",
    Family.PEASANT_ORG: "22",
    Family.COMPANY: "70",
    Family.CITIZEN_GROUP: "22",
    Family.NETWORK: "22",
    Family.FOUNDATION: "60",
    Family.PUBLIC_FUNDER: "10",
    Family.ABROAD: "24",
}


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


class OrganisationMatcher:
    def __init__(self, countries: set[str], now):
        self.countries = countries
        self.now = now
        self._by_ref: dict[str, Organisation | None] = {}
        self._by_pk: dict[int, Organisation] = {}
        self._names: dict[str, int | None] | None = None
        self.created: list[int] = []

    def forget(self) -> None:
        """Drop every cache (after a rolled-back row: it may have cached a vanished row)."""
        self._by_ref.clear()
        self._by_pk.clear()
        self._names = None

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

    def find(self, org: ParticipatingOrg) -> Organisation | None:
        """The existing organisation matching `org`, without creating anything."""
        if org.ref:
            if org.ref in self._by_ref:
                return self._by_ref[org.ref]
            found = self._lookup_ref(org.ref)
            if found is not None:
                self._by_ref[org.ref] = found
                return found
        found = self._lookup_name(org.name)
        if found is not None and org.ref:
            self._by_ref[org.ref] = found
        return found

    def find_or_create(
        self, org: ParticipatingOrg, record: ActivityRecord
    ) -> tuple[Organisation, bool]:
        found = self.find(org)
        if found is not None:
            return found, False
        return self._create(org, record), True

    def _lookup_ref(self, ref: str) -> Organisation | None:
        active = Organisation.objects.exclude(status=Status.ARCHIVED)
        found = active.filter(iati_ref=ref).order_by("pk").first()
        if found is None and (siren := siren_from_ref(ref)):
            found = active.filter(siren=siren).order_by("pk").first()
        if found is None and (rna := rna_from_ref(ref)):
            found = active.filter(rna=rna).order_by("pk").first()
        return found

    def _name_index(self) -> dict[str, int | None]:
        if self._names is None:
            index: dict[str, int | None] = {}
            rows = Organisation.objects.exclude(status=Status.ARCHIVED).values_list("pk", "name")
            for pk, name in rows.iterator(chunk_size=5000):
                key = normalise_name(name)
                if key:
                    # Two organisations with the same name: ambiguous, never matched on it.
                    index[key] = None if key in index else pk
            self._names = index
        return self._names

    def _lookup_name(self, name: str) -> Organisation | None:
        key = normalise_name(name)
        pk = self._name_index().get(key) if key else None
        if pk is None:
            return None
        if pk not in self._by_pk:
            self._by_pk[pk] = Organisation.objects.get(pk=pk)
        return self._by_pk[pk]

    def _create(self, org: ParticipatingOrg, record: ActivityRecord) -> Organisation:
        country = self.country_of(org, record)
        family = Family.ABROAD if country != "FR" else FAMILY_FROM_TYPE.get(org.type)
        name = (org.name or org.ref)[:200]
        source_id = org.ref or f"nom--{slugify(name)[:110]}"
        created = Organisation(
            name=name,
            family=family or Family.SI_ASSOCIATION,
            is_si=True,
            country_id=country,
            iati_ref=org.ref,
            siren=siren_from_ref(org.ref),
            rna=rna_from_ref(org.ref),
            status=Status.PENDING,
            source=SOURCE,
            source_id=source_id[:120],
            imported_at=self.now,
        )
        # A bulk writer, like the demo: no per-row signals; the importer indexes the new
        # organisations once at the end. What save() derives is set here.
        created.side = Side.THERE if country != "FR" else Side.HERE
        created.slug = created._unique_slug()
        Organisation.objects.bulk_create([created])
        self.created.append(created.pk)
        if org.ref:
            self._by_ref[org.ref] = created
        key = normalise_name(name)
        if key:
            index = self._name_index()
            index[key] = None if key in index else created.pk
            self._by_pk[created.pk] = created
        return created

    @staticmethod
    def is_there(organisation: Organisation) -> bool:
        return organisation.side == Side.THERE
