"""Plain records read from an IATI activity file: what the mapper needs, nothing of lxml.

Everything is a string, a date, a Decimal or a float already checked by the reader, so the
mapper never parses XML and the records can be built by hand in tests.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

# Our own IATI extension namespace: IATI allows attributes from other namespaces on most
# elements; we carry there what IATI codelists cannot say (partner here vs there vs expert,
# a funding line's instrument), so an export re-imports without loss.
PASSERELLES_NS = "urn:x-passerelles:iati:1"


@dataclass(frozen=True)
class ParticipatingOrg:
    ref: str
    role: str  # IATI OrganisationRole code, "1".."4"
    type: str  # IATI OrganisationType code, may be empty
    name: str
    passerelles_role: str = ""  # our ParticipationRole when the file is one of ours
    # Where the organisation is seated, when the file is one of ours (our extension): an ISO
    # country code and an INSEE commune code; they place a name-only match (decisions §27).
    country: str = ""
    commune: str = ""


@dataclass(frozen=True)
class RecipientCountry:
    code: str  # ISO 3166-1 alpha-2, upper case
    percentage: Decimal | None = None


@dataclass(frozen=True)
class Location:
    ref: str
    name: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Sector:
    vocabulary: str  # "1" DAC 5 digits, "2" DAC 3 digits, others kept but unused
    code: str
    percentage: Decimal | None = None
    uri: str = ""  # vocabulary-uri: our themes are vocabulary 99 with THEMES_URI


# Our themes, as a reporting organisation's own sector vocabulary (IATI SectorVocabulary 99)
# told apart from other publishers' by this vocabulary-uri.
THEMES_URI = "urn:x-passerelles:themes"


@dataclass(frozen=True)
class Tag:
    vocabulary: str  # "2" SDG goals, "3" SDG targets
    code: str


@dataclass(frozen=True)
class Budget:
    value: Decimal
    currency: str
    period_start: dt.date | None
    period_end: dt.date | None = None


@dataclass(frozen=True)
class Transaction:
    type: str  # IATI TransactionType code
    value: Decimal
    currency: str
    date: dt.date | None
    provider_ref: str = ""
    provider_name: str = ""
    instrument: str = ""  # our Instrument when the file is one of ours
    planned: bool = False  # our export's planned disbursement: a commitment not yet dated past


@dataclass
class ActivityRecord:
    position: int  # 1-based rank of the activity in the file
    identifier: str
    title: str
    description: str = ""
    status: str = ""  # IATI ActivityStatus code
    passerelles_status: str = ""  # our ProjectStatus when the file is one of ours
    planned_start: dt.date | None = None
    actual_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_end: dt.date | None = None
    default_currency: str = ""
    reporting_org: ParticipatingOrg | None = None
    participating_orgs: list[ParticipatingOrg] = field(default_factory=list)
    recipient_countries: list[RecipientCountry] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    sectors: list[Sector] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    # Project fields our own export carries beyond IATI (acronym, summary, website).
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def start_date(self) -> dt.date | None:
        return self.actual_start or self.planned_start

    @property
    def end_date(self) -> dt.date | None:
        return self.actual_end or self.planned_end


@dataclass(frozen=True)
class RejectedActivity:
    """An activity the reader could not make sense of; the others go on."""

    position: int
    identifier: str
    reason: str


@dataclass
class OrganisationRecord:
    """One `iati-organisation` of an organisation file: its identifier and name, and, when the
    file is one of ours, the directory's fields (our extension element, `profile`)."""

    position: int
    identifier: str
    name: str
    reporting_org: ParticipatingOrg | None = None
    profile: dict = field(default_factory=dict)  # our fields, as strings and lists of strings
