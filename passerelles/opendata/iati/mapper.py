"""IATI activity record → a project of ours, with its organisations, places and funding.

The mapper computes the project's desired state from the record, compares it with what the
database holds, and writes only the differences: a second import of the same file leaves
everything "unchanged", an updated file updates what changed. Matching is on the IATI
identifier, then on the identifier our own export gives projects without one
(`<network ref>-<pk>`), so an export re-imported into the same directory changes nothing.

What IATI cannot say is read from our extension attributes when the file is one of ours
(records.PASSERELLES_NS): an exact participation role, a funding line's instrument, a status.
Otherwise: role 1 → funder, 2 → lead, 3 → lead when the activity has no accountable
organisation else other, 4 → partner here or there by the organisation's side.
"""

import html
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.models import sanitise_html
from passerelles.geo.gazetteer import geocode_abroad
from passerelles.geo.models import Commune, Country, Department
from passerelles.opendata.iati.organisations import OrganisationMatcher
from passerelles.opendata.iati.records import ActivityRecord, Location, ParticipatingOrg
from passerelles.opendata.report import CREATED, REJECTED, UNCHANGED, UPDATED, RowOutcome
from passerelles.projects.enums import (
    IATI_ROLE,
    IATI_STATUS,
    STATUS_FROM_IATI,
    Instrument,
    ParticipationRole,
    PlaceSide,
    ProjectStatus,
)
from passerelles.projects.models import FundingLine, Participation, Project, ProjectPlace
from passerelles.vocab.models import DacSector, SdgTarget

SOURCE = "iati"
COMMUNE_REF = "FR-COG-"  # location ref of a place here at commune level (our export)
DEPARTMENT_REF = "FR-DEP-"  # location ref of a place here at department level (our export)
MAX_AMOUNT = Decimal("999999999999.99")  # FundingLine.amount: 14 digits, 2 decimals
CENT = Decimal("0.01")
FINISH_CHUNK = 500
_TAGS = re.compile(r"<[^>]+>")
_PARAGRAPH_END = re.compile(r"</(?:p|li|h3|h4|blockquote)>|<br\s*/?>", re.IGNORECASE)


def network_iati_ref() -> str:
    """The network's own IATI organisation identifier (reporting-org of our exports)."""
    return getattr(settings, "PASSERELLES_IATI_REF", "") or "FR-PASSERELLES"


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
    sdg_targets: set[str] = field(default_factory=set)
    funding: list[tuple] = field(default_factory=list)


class ActivityMapper:
    """Maps records to projects; one instance per import (it caches referentials)."""

    def __init__(self, *, now=None):
        self.now = now or timezone.now()
        self.countries = set(Country.objects.values_list("code", flat=True))
        self.dac_sectors = set(DacSector.objects.values_list("code", flat=True))
        self.sdg_targets = set(SdgTarget.objects.values_list("code", flat=True))
        self.departments = set(Department.objects.values_list("code", flat=True))
        self._communes: set[str] | None = None
        self.organisations = OrganisationMatcher(self.countries, self.now)
        self.network_ref = network_iati_ref()
        self.touched_projects: list[int] = []
        self.touched_organisations: set[int] = set()

    @property
    def communes(self) -> set[str]:
        if self._communes is None:
            self._communes = set(Commune.objects.values_list("insee_code", flat=True))
        return self._communes

    def forget(self) -> None:
        self.organisations.forget()

    def finish(self) -> None:
        """Bring the derived data of what was written up to date, once for the whole file:
        the projects' search index and the organisations' suggestion profiles."""
        from passerelles.actors.search import index_organisations
        from passerelles.bridges.suggest.profiles import sync_profiles
        from passerelles.projects.search import index_projects

        created = self.organisations.created
        for start in range(0, len(created), FINISH_CHUNK):
            index_organisations(created[start : start + FINISH_CHUNK])
        for start in range(0, len(self.touched_projects), FINISH_CHUNK):
            index_projects(self.touched_projects[start : start + FINISH_CHUNK])
        # Suggestion profiles count an organisation's projects: every participant touched.
        organisations = sorted(self.touched_organisations.union(created))
        for start in range(0, len(organisations), FINISH_CHUNK):
            sync_profiles(organisations[start : start + FINISH_CHUNK])

    # -- the row -----------------------------------------------------------------------------

    def handle(self, record: ActivityRecord) -> list[RowOutcome]:
        """Write the record's project; the outcomes of the row (the project's first, then
        one per organisation created on the way)."""
        label = f"{record.identifier} — {record.title}"[:300]
        if record.start_date and record.end_date and record.end_date < record.start_date:
            # Checked before anything is written: a rejected row creates no organisation.
            reason = _("la date de fin précède la date de début")
            return [RowOutcome(record.position, REJECTED, label, reason, "project")]
        notes: list[str] = []
        project = self._find_project(record)
        org_outcomes: list[RowOutcome] = []
        desired = self._desired(record, project, notes, org_outcomes)
        if project is None:
            project = Project(
                source=SOURCE, source_id=record.identifier, imported_at=self.now, **desired.fields
            )
            # A bulk writer: no per-row signals (search index, suggestions); finish() brings
            # them up to date once, with the participants and places written below.
            project.description = sanitise_html(project.description)
            project.slug = project._unique_slug()
            Project.objects.bulk_create([project])
            changed = self._write_relations(project, desired, created=True)
            outcome = CREATED
        else:
            changed = self._update(project, desired)
            outcome = UPDATED if changed else UNCHANGED
        if outcome != UNCHANGED:
            self.touched_projects.append(project.pk)
            self.touched_organisations.update(org_id for org_id, _role in desired.participations)
        reason = ""
        if outcome == UPDATED:
            reason = _("modifié : %(fields)s") % {"fields": ", ".join(changed)}
        if notes:
            reason = "; ".join([reason, *notes]) if reason else "; ".join(notes)
        return [RowOutcome(record.position, outcome, label, reason, "project"), *org_outcomes]

    def _find_project(self, record: ActivityRecord) -> Project | None:
        project = Project.objects.filter(iati_identifier=record.identifier).first()
        prefix = f"{self.network_ref}-"
        if project is None and record.identifier.startswith(prefix):
            pk = record.identifier[len(prefix) :]
            if pk.isdigit():
                project = Project.objects.filter(pk=int(pk), iati_identifier="").first()
        return project

    # -- desired state -----------------------------------------------------------------------

    def _desired(self, record, project, notes, org_outcomes) -> Desired:
        status = record.status and STATUS_FROM_IATI.get(record.status)
        if record.passerelles_status in ProjectStatus.values and (
            IATI_STATUS[record.passerelles_status] == record.status
        ):
            status = record.passerelles_status
        if project is not None and (
            not status or IATI_STATUS[project.project_status] == record.status
        ):
            # IATI says less than we know (idea vs co-construction): keep ours.
            status = project.project_status
        fields = {
            "title": record.title[:250],
            "project_status": status or ProjectStatus.IDEA,
            "start_date": record.start_date,
            "end_date": record.end_date,
        }
        if project is None or project.iati_identifier or not self._ours(record):
            fields["iati_identifier"] = record.identifier
        # Our export writes the description as plain text, or the summary when there is no
        # description: compare as text so rich text exported and re-imported stays as is.
        current = project and (html_to_text(project.description) or project.summary)
        if project is None or current != html_to_text(text_to_html(record.description)):
            fields["description"] = text_to_html(record.description)
        desired = Desired(fields=fields)
        funders = self._participations(record, project, desired, org_outcomes)
        self._places(record, desired, notes)
        self._vocabularies(record, desired, notes)
        self._funding(record, desired, funders, notes)
        return desired

    def _ours(self, record: ActivityRecord) -> bool:
        return record.identifier.startswith(f"{self.network_ref}-")

    def _participations(self, record, project, desired, org_outcomes) -> list:
        has_accountable = any(p.role == "2" for p in record.participating_orgs)
        existing: dict[tuple[int, str], str] = {}
        if project is not None:
            for org_id, role in project.participations.values_list("organisation_id", "role"):
                existing[(org_id, IATI_ROLE[role])] = role
        funders = []
        for porg in record.participating_orgs:
            organisation, created = self.organisations.find_or_create(porg, record)
            if created:
                org_outcomes.append(
                    RowOutcome(
                        record.position,
                        CREATED,
                        organisation.name,
                        _("nouvelle organisation, en attente de modération"),
                        "organisation",
                    )
                )
            if porg.passerelles_role in ParticipationRole.values:
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
        if ref.startswith(COMMUNE_REF) and ref[len(COMMUNE_REF) :] in self.communes:
            return (PlaceSide.HERE, ref[len(COMMUNE_REF) :], None, None, "", None, None)
        if ref.startswith(DEPARTMENT_REF) and ref[len(DEPARTMENT_REF) :] in self.departments:
            lat, lon = _rounded(location.lat), _rounded(location.lon)
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
                if geocode_abroad(location.name, country):
                    return country
        # A ref in the ISO 3166-2 style ("KH-PNH") names its country.
        if location.ref[2:3] == "-" and prefix in self.countries and prefix != "FR":
            return prefix
        return recipients[0] if recipients else None

    @staticmethod
    def _place_there(country: str, location: Location | None) -> tuple:
        if location is None:
            return (PlaceSide.THERE, None, None, country, "", None, None)
        lat, lon = location.lat, location.lon
        if lat is None and location.name:
            found = geocode_abroad(location.name, country)
            if found:
                lat, lon = found.lat, found.lon
        return (PlaceSide.THERE, None, None, country, location.name, _rounded(lat), _rounded(lon))

    def _vocabularies(self, record, desired, notes) -> None:
        unknown, categories, goals = [], [], []
        for sector in record.sectors:
            if sector.vocabulary == "1" and sector.code in self.dac_sectors:
                desired.dac_sectors.add(sector.code)
            elif sector.vocabulary == "2" and len(sector.code) == 3:
                categories.append(sector.code)
            elif sector.vocabulary in ("1", "2"):
                unknown.append(sector.code)
        for tag in record.tags:
            if tag.vocabulary == "3" and tag.code in self.sdg_targets:
                desired.sdg_targets.add(tag.code)
            elif tag.vocabulary == "2":
                goals.append(tag.code)
        if categories:
            # Projects record DAC 5-digit sectors only; a 3-digit category is too coarse to
            # pick one of them, so it is reported rather than guessed.
            notes.append(
                _("catégories CAD à 3 chiffres non retenues : %(codes)s")
                % {"codes": ", ".join(categories)}
            )
        if unknown:
            notes.append(_("secteurs CAD inconnus : %(codes)s") % {"codes": ", ".join(unknown)})
        covered = {code.split(".")[0] for code in desired.sdg_targets}
        goals = [g for g in goals if g not in covered]
        if goals:
            notes.append(
                _("ODD sans cible précise non retenus : %(codes)s") % {"codes": ", ".join(goals)}
            )

    def _funding(self, record, desired, funders, notes) -> None:
        commitments = [t for t in record.transactions if t.type == "11"]
        lines, skipped = [], 0
        if commitments:
            for transaction in commitments:
                funder = None
                if transaction.provider_ref or transaction.provider_name:
                    funder = self.organisations.find(
                        ParticipatingOrg(
                            transaction.provider_ref, "1", "", transaction.provider_name
                        )
                    )
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
            if instrument not in Instrument.values:
                instrument = Instrument.GRANT
            funder_name = (str(funder) if funder else name)[:200]
            desired.funding.append(
                (funder.pk if funder else None, funder_name, amount, currency, year, instrument)
            )
        desired.funding.sort(key=_funding_key)
        if skipped:
            notes.append(
                _("%(count)s montant(s) ignoré(s) (négatif, trop grand ou devise invalide)")
                % {"count": skipped}
            )

    # -- writing -------------------------------------------------------------------------------

    def _update(self, project: Project, desired: Desired) -> list[str]:
        changed, values = [], {}
        for name, value in desired.fields.items():
            if getattr(project, name) != value:
                values[name] = sanitise_html(value) if name == "description" else value
                changed.append(str(Project._meta.get_field(name).verbose_name))
        changed += self._write_relations(project, desired, created=False)
        if changed:
            # Like the creation, without per-row signals (see finish()).
            values.update(imported_at=self.now, updated_at=timezone.now())
            Project.objects.filter(pk=project.pk).update(**values)
        return changed

    def _write_relations(self, project: Project, desired: Desired, *, created: bool) -> list[str]:
        changed = []
        current = (
            set() if created else set(project.participations.values_list("organisation_id", "role"))
        )
        if current != set(desired.participations):
            if not created:
                project.participations.all().delete()
            Participation.objects.bulk_create(
                Participation(project=project, organisation_id=org_id, role=role)
                for org_id, role in desired.participations
            )
            changed.append(_("participants"))
        current_places = [] if created else [_place_key(p) for p in project.places.all()]
        if sorted(current_places, key=repr) != sorted(desired.places, key=repr):
            if not created:
                project.places.all().delete()
            ProjectPlace.objects.bulk_create(
                _place_from_key(project, key) for key in desired.places
            )
            changed.append(_("lieux"))
        for attr, label in (("dac_sectors", _("secteurs CAD")), ("sdg_targets", _("cibles ODD"))):
            wanted, manager = getattr(desired, attr), getattr(project, attr)
            if created:
                # A new project: insert the links directly, without set()'s read first.
                through = manager.through
                source, target = (
                    f"{manager.source_field_name}_id",
                    f"{manager.target_field_name}_id",
                )
                through.objects.bulk_create(
                    through(**{source: project.pk, target: code}) for code in sorted(wanted)
                )
            elif set(manager.values_list("code", flat=True)) != wanted:
                manager.set(sorted(wanted))
                changed.append(label)
        current_funding = (
            []
            if created
            else sorted(
                project.funding_lines.values_list(
                    "funder_id", "funder_name", "amount", "currency", "year", "instrument"
                ),
                key=_funding_key,
            )
        )
        if current_funding != desired.funding:
            if not created:
                project.funding_lines.all().delete()
            FundingLine.objects.bulk_create(
                FundingLine(
                    project=project,
                    funder_id=funder_id,
                    funder_name=funder_name,
                    amount=amount,
                    currency=currency,
                    year=year,
                    instrument=instrument,
                )
                for funder_id, funder_name, amount, currency, year, instrument in desired.funding
            )
            changed.append(_("financements"))
        return changed


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _place_key(place: ProjectPlace) -> tuple:
    if place.side == PlaceSide.HERE:
        if place.commune_id:
            return (PlaceSide.HERE, place.commune_id, None, None, "", None, None)
        return (
            PlaceSide.HERE,
            None,
            place.department_id,
            None,
            "",
            _rounded(place.lat),
            _rounded(place.lon),
        )
    return (
        PlaceSide.THERE,
        None,
        None,
        place.country_id,
        place.locality,
        _rounded(place.lat),
        _rounded(place.lon),
    )


def _place_from_key(project: Project, key: tuple) -> ProjectPlace:
    side, commune, department, country, locality, lat, lon = key
    if commune:
        # bulk_create skips save(): fill what ProjectPlace.save() derives from the commune.
        commune_obj = Commune.objects.only("department_id", "lat", "lon").get(pk=commune)
        return ProjectPlace(
            project=project,
            side=side,
            commune_id=commune,
            department_id=commune_obj.department_id,
            lat=commune_obj.lat,
            lon=commune_obj.lon,
        )
    return ProjectPlace(
        project=project,
        side=side,
        department_id=department,
        country_id=country,
        locality=locality[:120],
        lat=lat,
        lon=lon,
    )


def _funding_key(line: tuple):
    funder_id, funder_name, amount, currency, year, instrument = line
    return (year or 0, funder_name, currency, Decimal(amount), instrument, funder_id or 0)
