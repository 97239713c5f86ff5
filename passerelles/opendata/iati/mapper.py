"""IATI activity record → a project of ours, with its organisations, places and funding.

The mapper computes the project's desired state from the record, compares it with what the
database holds, and writes only the differences: a second import of the same file leaves
everything "unchanged", an updated file updates what changed. Matching is on the IATI
identifier, then on the identifier our own export gives projects without one
(`<network ref>-<pk>`), so an export re-imported into the same directory changes nothing.

What IATI cannot say is read from our extension attributes when the file is one of ours
(records.PASSERELLES_NS): an exact participation role, a funding line's instrument, a status.
Otherwise: role 1 → funder, 2 → lead, 3 → lead when the activity has no accountable
organisation else other, 4 → partner here or there by the organisation's side. Sectors of
vocabulary 1 are DAC 5-digit sectors, of vocabulary 2 DAC 3-digit categories; both are kept.

Records come in chunks (importer.CHUNK): the chunk's existing projects and organisations are
read together and its changes written in bulk (store.py), so an activity costs a fraction of
a query; the desired state is still computed record by record, in file order.
"""

import html
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passerelles.actors.enums import Status
from passerelles.core import indexing
from passerelles.core.text_limits import field_limit
from passerelles.geo.gazetteer import geocode_abroad
from passerelles.geo.models import UNKNOWN_COUNTRY, Commune, Country, Department
from passerelles.opendata.iati.organisations import OrganisationMatcher, network_iati_ref
from passerelles.opendata.iati.policy import import_status, imported_status
from passerelles.opendata.iati.records import (
    THEMES_URI,
    ActivityRecord,
    Location,
    ParticipatingOrg,
)
from passerelles.opendata.iati.store import (
    ChunkWriter,
    funding_key,
    load_current,
    our_pk,
    rounded,
)
from passerelles.opendata.report import CREATED, REJECTED, UNCHANGED, UPDATED, RowOutcome
from passerelles.projects.enums import (
    IATI_ROLE,
    IATI_STATUS,
    Instrument,
    ParticipationRole,
    PlaceSide,
    ProjectStatus,
)
from passerelles.projects.models import Project
from passerelles.vocab.models import DacCategory, DacSector, SdgTarget, Theme

SOURCE = "iati"
COMMUNE_REF = "FR-COG-"  # location ref of a place here at commune level (our export)
DEPARTMENT_REF = "FR-DEP-"  # location ref of a place here at department level (our export)
MAX_AMOUNT = Decimal("999999999999.99")  # FundingLine.amount: 14 digits, 2 decimals
CENT = Decimal("0.01")

GEOCODE_CACHE = 20_000  # (locality, country) answers kept at most
# The choices' values, computed once (Choices.values builds a new list at each call).
_STATUSES = frozenset(ProjectStatus.values)
_ROLES = frozenset(ParticipationRole.values)
_INSTRUMENTS = frozenset(Instrument.values)
_TAGS = re.compile(r"<[^>]+>")
_PARAGRAPH_END = re.compile(r"</(?:p|li|h3|h4|blockquote)>|<br\s*/?>", re.IGNORECASE)


def html_to_text(value: str) -> str:
    """Rich text → plain paragraphs separated by blank lines (IATI narratives are plain)."""
    text = _PARAGRAPH_END.sub("\n\n", value or "")
    text = html.unescape(_TAGS.sub("", text))
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def text_to_html(text: str) -> str:
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text or ""))
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)


@dataclass
class Desired:
    """What a project should be after the import, in comparable form."""

    fields: dict
    participations: dict[tuple[int, str], object] = field(default_factory=dict)
    places: list[tuple] = field(default_factory=list)
    dac_sectors: set[str] = field(default_factory=set)
    dac_categories: set[str] = field(default_factory=set)
    sdg_targets: set[str] = field(default_factory=set)
    themes: set[int] = field(default_factory=set)
    funding: list[tuple] = field(default_factory=list)


class ActivityMapper:
    """Maps records to projects; one instance per import (it caches referentials).

    `handle_chunk(records)` maps a chunk of records in a fixed number of queries: the
    existing projects and organisations of the chunk are read together, the organisations to
    create are inserted together, then the new and changed projects (store.ChunkWriter)."""

    def __init__(self, *, now=None):
        self.now = now or timezone.now()
        # Referentials, read once per import.
        self.countries = set(Country.objects.values_list("code", flat=True))
        self.dac_sectors = set(DacSector.objects.values_list("code", flat=True))
        self.dac_categories = set(DacCategory.objects.values_list("code", flat=True))
        self.sdg_targets = set(SdgTarget.objects.values_list("code", flat=True))
        self.themes = dict(Theme.objects.values_list("slug", "pk"))
        self.departments = set(Department.objects.values_list("code", flat=True))
        self._communes: dict[str, tuple] | None = None
        self._geocoded: dict[tuple[str, str], object] = {}
        self.network_ref = network_iati_ref()
        # Publication of what this import creates (settings.PASSERELLES_IATI_PUBLICATION).
        self.publication = import_status()
        self.organisations = OrganisationMatcher(
            self.countries, self.now, self.network_ref, self.publication
        )
        self.created_projects: list[int] = []

    @property
    def communes(self) -> dict[str, tuple]:
        """INSEE code → the town hall's point (what a commune place gets without one)."""
        if self._communes is None:
            rows = Commune.objects.values_list("insee_code", "lat", "lon")
            self._communes = {code: (lat, lon) for code, lat, lon in rows}
        return self._communes

    def checkpoint(self) -> tuple[int, int]:
        """Where the mapper stands, to `forget` a chunk its savepoint rolled back."""
        return len(self.organisations.created), len(self.created_projects)

    def forget(self, checkpoint: tuple[int, int] | None = None) -> None:
        """After a rolled-back chunk: drop the caches (they may hold vanished rows) and the
        organisations and projects the chunk created since `checkpoint`."""
        self.organisations.forget()
        if checkpoint is not None:
            del self.organisations.created[checkpoint[0] :]
            del self.created_projects[checkpoint[1] :]

    def finish(self) -> None:
        """Bring the derived data of what was written up to date, once for the whole file:
        the actions (organisations' and projects') reported every row they wrote to
        core.indexing, whose work the importer deferred to here."""
        indexing.flush()

    # -- the chunk -----------------------------------------------------------------------------

    def handle(self, record: ActivityRecord) -> list[RowOutcome]:
        """The outcomes of one record (see handle_chunk)."""
        return self.handle_chunk([record])[0]

    def handle_chunk(self, records: list[ActivityRecord]) -> list[list[RowOutcome]]:
        """Write the records' projects; for each record, the outcomes of its row (the
        project's first, then one per organisation created on the way)."""
        results: list[list[RowOutcome]] = []
        batch: list[ActivityRecord] = []
        keys: set = set()
        for record in records:
            # An activity given twice must see what its first occurrence wrote: the batch is
            # written before the second one is read.
            record_keys = {record.identifier, our_pk(record.identifier, self.network_ref)}
            record_keys.discard(None)
            if keys & record_keys:
                results += self._handle_batch(batch)
                batch, keys = [], set()
            batch.append(record)
            keys |= record_keys
        if batch:
            results += self._handle_batch(batch)
        return results

    def _handle_batch(self, records: list[ActivityRecord]) -> list[list[RowOutcome]]:
        results: list[list[RowOutcome] | None] = [None] * len(records)
        live = []
        for i, record in enumerate(records):
            # Checked before anything is written: a rejected row creates no organisation.
            if reason := _refusal(record):
                results[i] = [
                    RowOutcome(record.position, REJECTED, _label(record), reason, "project")
                ]
            else:
                live.append(i)
        current = load_current(
            [records[i].identifier for i in live],
            self.network_ref,
            {records[i].identifier: records[i].title for i in live},
        )

        # The organisations, record by record in file order (what an earlier record created,
        # a later one finds), from caches filled in a few queries, then created together.
        self.organisations.prefetch(
            org for i in live for org in (*records[i].participating_orgs, *_providers(records[i]))
        )
        resolved = {}
        for i in live:
            record = records[i]
            participants = [
                (porg, *self.organisations.find_or_create(porg, record))
                for porg in record.participating_orgs
            ]
            providers = [
                (match := self.organisations.find(provider, record)) and match.organisation
                if provider
                else None
                for provider in _providers(record, keep_empty=True)
            ]
            resolved[i] = (participants, providers)
        self.organisations.flush()

        writer = ChunkWriter(self.now, self.publication)
        for i in live:
            record = records[i]
            state = current.get(record.identifier)
            notes: list[str] = []
            org_outcomes: list[RowOutcome] = []
            participants, providers = resolved[i]
            desired = self._desired(record, state, notes, org_outcomes, participants, providers)
            if state is None:
                writer.create(record.identifier, desired)
                outcome, changed = CREATED, []
            else:
                changed = writer.update(state, desired)
                outcome = UPDATED if changed else UNCHANGED
            reason = ""
            if outcome == UPDATED:
                reason = _("modifié : %(fields)s") % {"fields": ", ".join(changed)}
            if notes:
                reason = "; ".join([reason, *notes]) if reason else "; ".join(notes)
            results[i] = [
                RowOutcome(record.position, outcome, _label(record), reason, "project"),
                *org_outcomes,
            ]
        writer.write()
        self.created_projects += [project.pk for project, _desired in writer.created]
        return results

    # -- desired state -----------------------------------------------------------------------

    def _desired(self, record, state, notes, org_outcomes, participants, providers) -> Desired:
        project = state.project if state else None
        status, note = imported_status(record, timezone.localdate(self.now))
        if note:
            notes.append(note)
        if record.passerelles_status in _STATUSES and (
            IATI_STATUS[record.passerelles_status] == record.status
        ):
            status = record.passerelles_status
        if project is not None and (
            not status or IATI_STATUS[project.project_status] == record.status
        ):
            # IATI says less than we know (idea vs co-construction): keep ours.
            status = project.project_status
        fields = {
            "title": record.title,
            "project_status": status or ProjectStatus.IDEA,
            "start_date": record.start_date,
            "end_date": record.end_date,
        }
        if not self._ours(record):
            fields["iati_identifier"] = record.identifier
            # The publisher's identity, so our export writes the activity under it again.
            reporting = record.reporting_org
            if reporting and reporting.ref == self.network_ref:
                reporting = None  # published by us: our export names the network again
            fields["iati_reporting_ref"] = reporting.ref if reporting else ""
            fields["iati_reporting_name"] = reporting.name if reporting else ""
            fields["iati_reporting_type"] = (reporting.type if reporting else "")[:4]
        elif project is not None and project.iati_identifier:
            fields["iati_identifier"] = record.identifier
        # Our export writes the description as plain text, or the summary when there is no
        # description: compare as text so rich text exported and re-imported stays as is.
        current = project and (html_to_text(project.description) or project.summary)
        if project is None or current != html_to_text(text_to_html(record.description)):
            fields["description"] = text_to_html(record.description)
        for name, value in record.extra.items():
            # What our own export carries beyond IATI (acronym, summary, website,
            # the rich description, an identifier its publisher could not carry).
            fields[name] = value[: field_limit(Project, name)]
        desired = Desired(fields=fields)
        funders = self._participations(record, state, desired, org_outcomes, participants, notes)
        self._places(record, desired, notes)
        self._vocabularies(record, desired, notes)
        self._funding(record, desired, funders, providers, notes)
        return desired

    def _ours(self, record: ActivityRecord) -> bool:
        return record.identifier.startswith(f"{self.network_ref}-")

    def _participations(self, record, state, desired, org_outcomes, participants, notes) -> list:
        has_accountable = any(p.role == "2" for p in record.participating_orgs)
        existing: dict[tuple[int, str], str] = {}
        if state is not None:
            for org_id, role in state.participations:
                existing[(org_id, IATI_ROLE[role])] = role
        funders = []
        for porg, organisation, created, note in participants:
            if created:
                reason = (
                    _("nouvelle organisation, en attente de modération")
                    if organisation.status == Status.PENDING
                    else _("nouvelle organisation, publiée")
                )
                if organisation.country_id == UNKNOWN_COUNTRY:
                    reason += " ; " + _("pays à préciser (ni préfixe d'identifiant ni pays connu)")
                org_outcomes.append(
                    RowOutcome(
                        record.position,
                        CREATED,
                        organisation.name,
                        f"{reason} ; {note}" if note else reason,
                        "organisation",
                    )
                )
            elif note:
                notes.append(note)
            if porg.passerelles_role in _ROLES:
                role = porg.passerelles_role
            elif (organisation.pk, porg.role) in existing:
                # Same organisation, same IATI role: keep our finer role (expert, partner).
                role = existing[(organisation.pk, porg.role)]
            elif porg.role == "1":
                role = ParticipationRole.FUNDER
            elif porg.role == "2" or (porg.role == "3" and not has_accountable):
                role = ParticipationRole.LEAD
            elif porg.role == "3":
                role = ParticipationRole.OTHER
            elif self.organisations.is_there(organisation):
                role = ParticipationRole.PARTNER_THERE
            else:
                role = ParticipationRole.PARTNER_HERE
            desired.participations[(organisation.pk, str(role))] = organisation
            if role == ParticipationRole.FUNDER:
                funders.append(organisation)
        return funders

    def _places(self, record, desired, notes) -> None:
        here, by_country, ignored = [], {}, []
        recipients = []
        for country in record.recipient_countries:
            if country.code in self.countries and country.code not in recipients:
                recipients.append(country.code)
            elif country.code not in self.countries:
                ignored.append(country.code)
        for location in record.locations:
            if location.ref.upper().startswith((COMMUNE_REF, DEPARTMENT_REF)):
                place = self._place_here(location)
                if place:
                    here.append(place)
                    continue
            country = self._country_of_location(location, recipients)
            if country is None:
                ignored.append(location.name or location.ref)
                continue
            by_country.setdefault(country, []).append(location)
        places = list(here)
        for country in dict.fromkeys([*recipients, *by_country]):
            locations = by_country.get(country) or [None]
            for location in locations:
                places.append(self._place_there(country, location))
        desired.places = list(dict.fromkeys(places))
        if ignored:
            notes.append(
                _("lieux ignorés (pays inconnu) : %(places)s") % {"places": ", ".join(ignored)}
            )

    def _place_here(self, location: Location) -> tuple | None:
        ref = location.ref.upper()
        code = ref[len(COMMUNE_REF) :]
        if ref.startswith(COMMUNE_REF) and code in self.communes:
            # The point the file gives (a place in the commune), else the town hall's, as the
            # projects' derive() would set it.
            lat, lon = location.lat, location.lon
            hall = self.communes[code]
            if (
                lat is None
                or lon is None
                or (rounded(lat), rounded(lon)) == tuple(rounded(v) for v in hall)
            ):
                # The town hall's own point, not its six-decimal copy in the file.
                return (PlaceSide.HERE, code, None, None, "", *hall)
            return (PlaceSide.HERE, code, None, None, "", rounded(lat), rounded(lon))
        if ref.startswith(DEPARTMENT_REF) and ref[len(DEPARTMENT_REF) :] in self.departments:
            lat, lon = rounded(location.lat), rounded(location.lon)
            return (PlaceSide.HERE, None, ref[len(DEPARTMENT_REF) :], None, "", lat, lon)
        return None

    def _country_of_location(self, location: Location, recipients: list[str]) -> str | None:
        prefix = location.ref[:2].upper()
        if location.ref[2:3] == "-" and prefix in recipients:
            return prefix
        if len(recipients) == 1:
            return recipients[0]
        if location.name:
            for country in recipients:
                if self._geocode(location.name, country):
                    return country
        # A ref in the ISO 3166-2 style ("KH-PNH") names its country.
        if location.ref[2:3] == "-" and prefix in self.countries and prefix != "FR":
            return prefix
        return recipients[0] if recipients else None

    def _geocode(self, locality: str, country: str):
        """geocode_abroad, remembered: a file names the same localities again and again."""
        key = (locality, country)
        if key not in self._geocoded:
            if len(self._geocoded) >= GEOCODE_CACHE:
                self._geocoded.clear()  # memory stays flat whatever the file
            self._geocoded[key] = geocode_abroad(locality, country)
        return self._geocoded[key]

    def _place_there(self, country: str, location: Location | None) -> tuple:
        if location is None:
            return (PlaceSide.THERE, None, None, country, "", None, None)
        lat, lon = location.lat, location.lon
        if lat is None and location.name:
            found = self._geocode(location.name, country)
            if found:
                lat, lon = found.lat, found.lon
        return (PlaceSide.THERE, None, None, country, location.name, rounded(lat), rounded(lon))

    def _vocabularies(self, record, desired, notes) -> None:
        unknown, goals, unknown_themes = [], [], []
        for sector in record.sectors:
            if sector.vocabulary == "99" and sector.uri == THEMES_URI:
                if sector.code in self.themes:
                    desired.themes.add(self.themes[sector.code])
                else:
                    unknown_themes.append(sector.code)
            elif sector.vocabulary == "1" and sector.code in self.dac_sectors:
                desired.dac_sectors.add(sector.code)
            elif sector.vocabulary == "2" and sector.code in self.dac_categories:
                desired.dac_categories.add(sector.code)
            elif sector.vocabulary in ("1", "2"):
                unknown.append(sector.code)
        for tag in record.tags:
            if tag.vocabulary == "3" and tag.code in self.sdg_targets:
                desired.sdg_targets.add(tag.code)
            elif tag.vocabulary == "2":
                goals.append(tag.code)
        if unknown:
            notes.append(_("secteurs CAD inconnus : %(codes)s") % {"codes": ", ".join(unknown)})
        if unknown_themes:
            notes.append(
                _("thématiques inconnues de l'annuaire : %(codes)s")
                % {"codes": ", ".join(unknown_themes)}
            )
        covered = {code.split(".")[0] for code in desired.sdg_targets}
        goals = [g for g in goals if g not in covered]
        if goals:
            notes.append(
                _("ODD sans cible précise non retenus : %(codes)s") % {"codes": ", ".join(goals)}
            )

    def _funding(self, record, desired, funders, providers, notes) -> None:
        commitments = [t for t in record.transactions if t.type == "11"]
        lines, skipped = [], 0
        if commitments:
            # providers: the directory's organisation of each commitment, found in file order.
            for transaction, funder in zip(commitments, providers, strict=True):
                name = transaction.provider_name or transaction.provider_ref
                year = transaction.date.year if transaction.date else None
                instrument = transaction.instrument
                lines.append(
                    (funder, name, transaction.value, transaction.currency, year, instrument)
                )
        else:
            funder = funders[0] if len(funders) == 1 else None
            name = ""
            if funder is None:
                name = (record.reporting_org.name if record.reporting_org else "") or _(
                    "Financeur non précisé"
                )
            for budget in record.budgets:
                year = budget.period_start.year if budget.period_start else None
                lines.append((funder, name, budget.value, budget.currency, year, ""))
        for funder, name, amount, currency, year, instrument in lines:
            amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
            currency = (currency or record.default_currency or "EUR").upper()
            if amount < 0 or amount > MAX_AMOUNT or len(currency) != 3 or not currency.isalpha():
                skipped += 1
                continue
            if instrument not in _INSTRUMENTS:
                instrument = Instrument.GRANT
            funder_name = (str(funder) if funder else name)[:200]
            desired.funding.append(
                (funder.pk if funder else None, funder_name, amount, currency, year, instrument)
            )
        desired.funding.sort(key=funding_key)
        if skipped:
            notes.append(
                ngettext(
                    "%(count)s montant ignoré (négatif, trop grand ou devise invalide)",
                    "%(count)s montants ignorés (négatifs, trop grands ou devises invalides)",
                    skipped,
                )
                % {"count": skipped}
            )


def _refusal(record: ActivityRecord) -> str:
    """Why the activity cannot be stored as it is, or "". A text too long is refused, never
    cut: the project would no longer say what its publisher wrote."""
    if record.start_date and record.end_date and record.end_date < record.start_date:
        return _("la date de fin précède la date de début")
    for name, value in (
        ("title", record.title),
        ("description", text_to_html(record.description)),
    ):
        limit = field_limit(Project, name)
        if len(value) > limit:
            return _(
                "%(field)s : texte trop long (%(count)s caractères pour %(limit)s au plus)"
            ) % {
                "field": capfirst(Project._meta.get_field(name).verbose_name),
                "count": len(value),
                "limit": limit,
            }
    return ""


def _label(record: ActivityRecord) -> str:
    return f"{record.identifier} — {record.title}"[:300]


def _providers(record: ActivityRecord, *, keep_empty: bool = False) -> list:
    """The funders the record's commitments name, as organisations to find (None for a
    commitment naming none, when `keep_empty`)."""
    providers = []
    for transaction in record.transactions:
        if transaction.type != "11":
            continue
        # Our export gives every funder of the directory its ref: a funder it names without
        # one (a line's funder in words) is no organisation of ours, whatever its name.
        named_only = transaction.instrument and not transaction.provider_ref
        if not named_only and (transaction.provider_ref or transaction.provider_name):
            providers.append(
                ParticipatingOrg(transaction.provider_ref, "1", "", transaction.provider_name)
            )
        elif keep_empty:
            providers.append(None)
    return providers
