"""Import an IATI organisation file: each `iati-organisation` → an organisation of the
directory, created or updated through the organisations' actions (actors/actions.py).

Identity as for the activities' participants (organisations.OrganisationMatcher): the
identifier (registered ref, the SIREN or RNA number it carries, a ref an earlier import
created the record from, our own export's ref when the name agrees), then the name within
the same place only; a name found elsewhere gives a new record and a "name collision" line.
Our own files carry the directory's fields (org_writer.py's profile), so an organisation
moves from one directory to another without loss; other publishers' files give a name and
an identifier, whose registration agency places the organisation (else the reporting
organisation's, else the "to be settled" country)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors import actions
from passerelles.actors.enums import Family, Size, Status
from passerelles.actors.models import Organisation
from passerelles.actors.models.organisation import validate_rna, validate_siren, validate_siret
from passerelles.geo.models import UNKNOWN_COUNTRY, Commune, Country
from passerelles.opendata.iati.org_writer import ATTRIBUTES, FLAGS, TEXTS
from passerelles.opendata.iati.organisations import (
    IATI_ORIGIN,
    SOURCE,
    OrganisationMatcher,
    family_from_type,
    network_iati_ref,
    rna_from_ref,
    siren_from_ref,
    stored_ref,
)
from passerelles.opendata.iati.policy import import_status
from passerelles.opendata.iati.records import ActivityRecord, OrganisationRecord, ParticipatingOrg
from passerelles.opendata.report import CREATED, REJECTED, UNCHANGED, UPDATED, RowOutcome
from passerelles.vocab.models import SdgGoal, Theme

_FAMILIES = frozenset(Family.values)
_SIZES = frozenset(Size.values)


class OrganisationFileMapper:
    """Maps the records of an organisation file, chunk by chunk (importer.CHUNK)."""

    def __init__(self, *, now=None):
        self.now = now or timezone.now()
        self.countries = set(Country.objects.values_list("code", flat=True))
        self.themes = dict(Theme.objects.values_list("slug", "pk"))
        self.sdgs = {str(code) for code in SdgGoal.objects.values_list("code", flat=True)}
        self.network_ref = network_iati_ref()
        self.status = import_status()
        self.matcher = OrganisationMatcher(self.countries, self.now, self.network_ref, self.status)
        self.seen: set[str] = set()
        self.created: list[int] = []
        self._communes: set[str] | None = None

    @property
    def communes(self) -> set[str]:
        if self._communes is None:
            self._communes = set(Commune.objects.values_list("insee_code", flat=True))
        return self._communes

    def checkpoint(self) -> int:
        return len(self.created)

    def forget(self, checkpoint: int | None = None) -> None:
        self.matcher.forget()
        if checkpoint is not None:
            del self.created[checkpoint:]

    def handle(self, record: OrganisationRecord) -> list[RowOutcome]:
        return self.handle_chunk([record])[0]

    def handle_chunk(self, records: list[OrganisationRecord]) -> list[list[RowOutcome]]:
        participants = [_participant(record) for record in records]
        self.matcher.prefetch(p for p in participants if p is not None)
        outcomes: list[list[RowOutcome] | None] = [None] * len(records)
        creations, updates = [], []
        for i, (record, participant) in enumerate(zip(records, participants, strict=True)):
            key = record.identifier or f"nom--{record.name}"
            if key in self.seen:
                outcomes[i] = [
                    _outcome(record, REJECTED, _("organisation en double dans le fichier"))
                ]
                continue
            self.seen.add(key)
            context = ActivityRecord(
                record.position, record.identifier, record.name, reporting_org=record.reporting_org
            )
            place = self.matcher.place_of(participant, context)
            data, problem = self._data(record, participant, place)
            if problem:
                outcomes[i] = [_outcome(record, REJECTED, problem)]
                continue
            match = self.matcher.find(participant, context)
            if match is None:
                note = self.matcher.collision(record.name)
                creations.append((i, record, data, note))
            else:
                updates.append((i, record, data, match))
        self._create(creations, outcomes)
        self._update(updates, outcomes)
        return outcomes

    def _data(self, record, participant, place) -> tuple[dict, str]:
        profile = record.profile
        if not profile:
            reporting = record.reporting_org
            own_type = reporting.type if reporting and reporting.ref == record.identifier else ""
            family, to_review = family_from_type(own_type, record.name)
            return {
                "name": record.name,
                "family": family,
                "family_to_review": to_review,
                "is_si": True,
                "iati_ref": stored_ref(record.identifier, self.network_ref),
                "siren": siren_from_ref(record.identifier),
                "rna": rna_from_ref(record.identifier),
                "country": place.country,
            }, ""
        data = {"name": record.name}
        for name in ATTRIBUTES:
            data[name] = profile.get(name, "")
        for name in FLAGS:
            data[name] = profile.get(name) == "1"
        for name in TEXTS:
            data[name] = profile.get(name, "")
        data["country"] = place.country
        data["commune"] = place.commune if place.commune in self.communes else None
        if data["family"] not in _FAMILIES:
            data["family"], data["family_to_review"] = family_from_type("", record.name)[0], True
        if data["size"] not in _SIZES:
            data["size"] = ""
        try:
            data["lat"] = float(profile["lat"]) if profile.get("lat") else None
            data["lon"] = float(profile["lon"]) if profile.get("lon") else None
        except ValueError:
            return {}, _("point invalide : « %(lat)s %(lon)s »") % {
                "lat": profile.get("lat"),
                "lon": profile.get("lon"),
            }
        if data["lat"] is not None and not (
            -90 <= data["lat"] <= 90 and -180 <= data["lon"] <= 180
        ):
            return {}, _("point hors des coordonnées terrestres")
        for name, validator in (
            ("siren", validate_siren),
            ("siret", validate_siret),
            ("rna", validate_rna),
        ):
            try:
                if data[name]:
                    validator(data[name])
            except ValidationError as error:
                return {}, " ".join(error.messages)
        data["languages"] = list(profile.get("languages", []))
        data["themes"] = [self.themes[s] for s in profile.get("themes", []) if s in self.themes]
        data["sdgs"] = [int(c) for c in profile.get("sdgs", []) if c in self.sdgs]
        data["countries_of_action"] = [
            c for c in profile.get("countries_of_action", []) if c in self.countries
        ]
        return data, ""

    def _create(self, creations, outcomes) -> None:
        if not creations:
            return
        for placed in (True, False):
            group = [c for c in creations if (c[2]["country"] != UNKNOWN_COUNTRY) == placed]
            if not group:
                continue
            rows = []
            for _i, record, data, _note in group:
                row = dict(data)
                row.update(source=SOURCE, source_id=(record.identifier or "")[:120])
                rows.append(row)
            written = actions.bulk_create_organisations(
                rows,
                origin=IATI_ORIGIN,
                status=self.status if placed else Status.PENDING,
                message=str(IATI_ORIGIN.comment)
                if placed
                else _("Import IATI : pays à préciser (aucun indice dans le fichier)"),
                geocode=True,
            )
            for (i, record, _data, note), organisation in zip(group, written, strict=True):
                self.created.append(organisation.pk)
                reason = (
                    _("nouvelle organisation, en attente de modération")
                    if organisation.status == Status.PENDING
                    else _("nouvelle organisation, publiée")
                )
                if not placed:
                    reason += " ; " + _("pays à préciser (ni préfixe d'identifiant ni pays connu)")
                outcomes[i] = [_outcome(record, CREATED, f"{reason} ; {note}" if note else reason)]
        self.matcher.forget()  # its name index no longer knows every organisation

    def _update(self, updates, outcomes) -> None:
        if not updates:
            return
        organisations = Organisation.objects.in_bulk([m.organisation.pk for *_x, m in updates])
        for i, record, data, match in updates:
            organisation = organisations.get(match.organisation.pk)
            if organisation is None or not record.profile:
                # Another publisher's file names an organisation we know: its record here
                # says more than the file; nothing to change.
                outcomes[i] = [_outcome(record, UNCHANGED, match.note)]
                continue
            organisation = actions.update_organisation(organisation, data, origin=IATI_ORIGIN)
            if organisation.last_record is None:
                outcomes[i] = [_outcome(record, UNCHANGED, match.note)]
            else:
                changed = _("modifiée")
                outcomes[i] = [
                    _outcome(
                        record, UPDATED, f"{changed} ; {match.note}" if match.note else changed
                    )
                ]


def _participant(record: OrganisationRecord) -> ParticipatingOrg:
    profile = record.profile or {}
    return ParticipatingOrg(
        ref=record.identifier,
        role="",
        type="",
        name=record.name,
        country=(profile.get("country") or "").upper()[:2],
        commune=(profile.get("commune") or "").upper()[:5],
    )


def _outcome(record, outcome: str, reason: str) -> RowOutcome:
    label = f"{record.identifier} — {record.name}" if record.identifier else record.name
    return RowOutcome(record.position, outcome, label[:300], reason, "organisation")
