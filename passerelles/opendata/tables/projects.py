"""Projects table: the template's columns and the mapper (row → project with its lead,
partners, places, vocabularies and one funding line).

Organisations are never created from a project row: the lead and partners must already be in
the directory (found by SIREN, RNA or name), otherwise the row is rejected naming them — an
organisations table comes first. As for organisations, an empty cell leaves the stored value
as it is; a filled cell replaces it (partners, places and the funding line included).

Matching, in order: IATI identifier, the row's namespaced id (`table--<id>`, or a digest of
the title and lead), then the normalised title with the same lead."""

import datetime
import hashlib
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.core.history import ChangeSource, Origin
from passerelles.core.richtext import RichTextField, markdown_to_html
from passerelles.core.text import normalise_name
from passerelles.opendata.report import (
    CREATED,
    REJECTED,
    UNCHANGED,
    UPDATED,
    RowOutcome,
    RowRejected,
)
from passerelles.opendata.tables.lookups import (
    Lookups,
    bilingual,
    split_list,
    split_positions,
)
from passerelles.opendata.tables.project_columns import (  # noqa: F401 - the columns live there
    COLUMNS,
    FUNDING_COLUMNS,
    ORG_HELP,
    ROLE_COLUMNS,
)
from passerelles.opendata.tables.reader import TableRow
from passerelles.projects import actions
from passerelles.projects.enums import Instrument, ParticipationRole, PlaceSide, ProjectStatus
from passerelles.projects.history import field_label
from passerelles.projects.models import Project
from passerelles.projects.validation import check_currency, check_year, dates_error

SOURCE = "table"
ID_PREFIX = "table--"
KIND = "project"
_SIREN = re.compile(r"^\d{9}$")
_RNA = re.compile(r"^W[0-9A-Z]{9}$")
MAX_AMOUNT = Decimal("999999999999.99")

TEXT_FIELDS = ("title", "acronym", "summary", "iati_identifier")
# The stored values a row is checked against (lengths, the dates' order) before it is written.
PROBED = ("title", "acronym", "summary", "project_status", "start_date", "end_date", "website")


def parse_date(text: str) -> datetime.date:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


_RICH_TEXT = RichTextField(required=False)


def _differs(name: str, current, desired) -> bool:
    """A description that reads the same (other line breaks between its tags) is unchanged."""
    if name == "description":
        return _RICH_TEXT.has_changed(current, desired)
    return current != desired


class RowMapper:
    kind = KIND
    columns = COLUMNS

    def __init__(self, *, user=None, lookups: Lookups | None = None):
        self.user = user if user is not None and user.is_authenticated else None
        self.lookups = lookups or Lookups()
        self.now = timezone.now()
        self._names: dict[str, int | None] | None = None
        self.statuses = bilingual(ProjectStatus.choices)
        self.instruments = bilingual(Instrument.choices)

    # -- organisations ------------------------------------------------------------------------

    def _name_index(self) -> dict[str, int | None]:
        """Normalised name → organisation pk (None when several share it), built once."""
        if self._names is None:
            index: dict[str, int | None] = {}
            rows = Organisation.objects.exclude(status=Status.ARCHIVED).values_list("pk", "name")
            for pk, name in rows.iterator(chunk_size=5000):
                name_key = normalise_name(name)
                if name_key:
                    index[name_key] = None if name_key in index else pk
            self._names = index
        return self._names

    def organisation(self, text: str) -> tuple[int | None, str]:
        """(pk, "") or (None, why) for an organisation named by SIREN, RNA or name."""
        value = text.strip()
        compact = re.sub(r"\s", "", value).upper()
        active = Organisation.objects.exclude(status=Status.ARCHIVED)
        if _SIREN.match(compact) or _RNA.match(compact):
            field = "siren" if compact.isdigit() else "rna"
            pks = list(active.filter(**{field: compact}).values_list("pk", flat=True)[:2])
            if len(pks) == 1:
                return pks[0], ""
            return None, gettext("aucune organisation de l'annuaire n'a le numéro « %(v)s »") % {
                "v": value
            }
        name_key = normalise_name(value)
        index = self._name_index()
        if name_key in index and index[name_key] is None:
            return None, gettext(
                "plusieurs organisations s'appellent « %(v)s » : indiquez son SIREN ou RNA"
            ) % {"v": value}
        if index.get(name_key) is None:
            return None, gettext("« %(v)s » n'est pas dans l'annuaire") % {"v": value}
        return index[name_key], ""

    # -- row → desired state ----------------------------------------------------------------------

    def handle(self, row: TableRow) -> RowOutcome:
        title = row.get("title")
        label = (title or gettext("ligne %(n)s") % {"n": row.number})[:200]
        if row.get("__error__"):
            return RowOutcome(row.number, REJECTED, label, row.get("__error__"), KIND)
        problems, notes = [], []
        desired = self._desired(row, problems, notes)
        # Every problem at once: the cells, then the stored values' own rules on the result.
        project = self._match(row, desired)
        data = self._fields(project, desired)
        reported = {problem.split(" : ", 1)[0] for problem in problems}
        problems += [
            problem
            for problem in self._probe(project, data)
            if problem.split(" : ", 1)[0] not in reported
        ]
        if problems:
            return RowOutcome(row.number, REJECTED, label, " ; ".join(problems), KIND)
        try:
            return self._apply(row, label, desired, notes, project, data)
        except DatabaseError as error:
            raise RowRejected(
                RowOutcome(
                    row.number,
                    REJECTED,
                    label,
                    gettext("refusée par la base de données : %(error)s") % {"error": error},
                    KIND,
                )
            ) from None

    def _desired(self, row: TableRow, problems: list, notes: list) -> dict:  # noqa: C901
        lookups = self.lookups
        fields: dict = {}
        if not row.get("title"):
            problems.append(gettext("title : le titre est obligatoire."))
        for name in TEXT_FIELDS:
            if row.get(name):
                fields[name] = row.get(name)
        if text := row.get("description"):
            limit = Project._meta.get_field("description").max_length
            if len(text) > limit:
                # As the editor does: what was written is checked first, and not formatted
                # when too long (Markdown takes seconds on megabytes); a text that formats past
                # the limit is refused by the model's check below.
                problems.append(
                    gettext(
                        "description : %(count)s caractères pour %(limit)s au plus ; "
                        "raccourcissez-la."
                    )
                    % {"count": len(text), "limit": limit}
                )
            else:
                # Markdown (what the export writes) or simple HTML, stored sanitised.
                fields["description"] = markdown_to_html(text)
        if text := row.get("status"):
            status = self.statuses.get(text)
            if status is None:
                problems.append(
                    gettext("status : avancement inconnu « %(v)s » (codes : %(codes)s).")
                    % {"v": text, "codes": ", ".join(ProjectStatus.values)}
                )
            fields["project_status"] = status
        for name in ("start_date", "end_date"):
            if text := row.get(name):
                try:
                    fields[name] = parse_date(text)
                except ValueError:
                    problems.append(
                        gettext("%(column)s : date illisible « %(v)s » (AAAA-MM-JJ).")
                        % {"column": name, "v": text}
                    )
        if text := row.get("website"):
            try:
                fields["website"] = forms.URLField(assume_scheme="https").clean(text)
            except ValidationError as error:
                problems.append(f"website : {' '.join(error.messages)}")
        m2m = {}
        if text := row.get("themes"):
            found, unknown = lookups.theme_list(text)
            self._unknown(problems, "themes", gettext("thème inconnu"), unknown)
            m2m["themes"] = {t.pk for t in found}
        if text := row.get("sdgs"):
            targets, goals, unknown = lookups.sdg_target_list(text)
            self._unknown(problems, "sdgs", gettext("cible ODD inconnue"), unknown)
            if goals:
                notes.append(
                    gettext("ODD sans cible précise non retenus : %(codes)s")
                    % {"codes": ", ".join(str(g.code) for g in goals)}
                )
            m2m["sdg_targets"] = {t.pk for t in targets}
        if text := row.get("dac_sectors"):
            found, unknown = lookups.dac_list(text)
            self._unknown(problems, "dac_sectors", gettext("secteur CAD inconnu"), unknown)
            m2m["dac_sectors"] = {s.pk for s in found}
        roles = {}
        for column, role in ROLE_COLUMNS.items():
            if text := row.get(column):
                pks = set()
                for part in split_list(text) if column != "lead" else [text]:
                    pk, why = self.organisation(part)
                    if pk is None:
                        problems.append(f"{column} : {why}.")
                    else:
                        pks.add(pk)
                roles[role] = pks
        places = self._places(row, problems)
        funding = self._funding(row, problems)
        # The editor's and the API's rule (passerelles.projects.validation).
        if message := dates_error(fields.get("start_date"), fields.get("end_date")):
            problems.append(f"end_date : {message}")
        return {"fields": fields, "m2m": m2m, "roles": roles, "places": places, "funding": funding}

    @staticmethod
    def _unknown(problems, column, message, unknown):
        if unknown:
            problems.append(f"{column} : {message} " + ", ".join(f"« {v} »" for v in unknown) + ".")

    def _places(self, row: TableRow, problems: list) -> set | None:
        country_text, commune_text = row.get("country"), row.get("commune")
        if not (country_text or commune_text):
            return None
        places = set()
        countries, unknown = [], []
        for part in split_list(country_text):
            country = self.lookups.country(part)
            if country is None:
                unknown.append(part)
            else:
                countries.append(country)
        self._unknown(problems, "country", gettext("pays inconnu"), unknown)
        locality_text = row.get("locality")
        localities = split_positions(locality_text) if locality_text else []
        if len(localities) == 1 and len({c.code for c in countries}) == 1:
            localities = localities * len(countries)
        if localities and len(localities) != len(countries):
            problems.append(
                gettext(
                    "locality : une localité va avec un seul pays ; pour plusieurs lieux, "
                    "donnez autant de localités (éventuellement vides) que de pays."
                )
            )
            localities = []
        for n, country in enumerate(countries):
            if country.code == "FR":
                problems.append(gettext("country : la France est « ici » : utilisez commune."))
                continue
            locality = localities[n] if localities else ""
            places.add((PlaceSide.THERE, None, country.code, locality))
        for part in split_list(commune_text):
            found = self.lookups.communes(part)
            if len(found) != 1:
                problems.append(
                    gettext("commune : commune inconnue ou ambiguë « %(v)s » (code INSEE ?).")
                    % {"v": part}
                )
            else:
                places.add((PlaceSide.HERE, found[0].pk, None, ""))
        return places

    def _funding(self, row: TableRow, problems: list) -> list[dict] | None:
        """The funding lines of the row: one per amount, position by position."""
        amounts = split_positions(row.get("budget"))
        if not amounts:
            return None
        count = len(amounts)
        columns = {}
        for column in FUNDING_COLUMNS[1:]:
            values = split_positions(row.get(column))
            if column != "funder" and len(values) == 1:
                values = values * count  # one currency, year or instrument for every amount
            if values and len(values) != count:
                problems.append(
                    gettext(
                        "%(column)s : %(found)s valeurs pour %(count)s montants ; donnez-en une "
                        "par montant, dans le même ordre."
                    )
                    % {"column": column, "found": len(values), "count": count}
                )
                values = []
            columns[column] = values or [""] * count
        lines = []
        for n, text in enumerate(amounts):
            line = self._funding_line(
                text, *(columns[column][n] for column in FUNDING_COLUMNS[1:]), problems
            )
            if line is not None:
                lines.append(line)
        return lines

    def _funding_line(self, text, currency, funder, year_text, instrument_text, problems):
        try:
            amount = Decimal(re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", "."))
            if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(gettext("budget : montant illisible « %(v)s ».") % {"v": text})
            return None
        # The editor's and the API's rules (passerelles.projects.validation).
        currency = (currency or "EUR").strip().upper()
        try:
            check_currency(currency)
        except ValidationError as error:
            problems.append(f"currency : {' '.join(error.messages)}")
        year = None
        if year_text:
            try:
                if not re.fullmatch(r"\d{4}", year_text.strip()):
                    raise ValidationError(gettext("année à 4 chiffres attendue."))
                year = check_year(int(year_text))
            except ValidationError as error:
                problems.append(f"year : {' '.join(error.messages)}")
        instrument = ""
        if instrument_text:
            instrument = self.instruments.get(instrument_text)
            if instrument is None:
                problems.append(
                    gettext("instrument : instrument inconnu « %(v)s » (codes : %(codes)s).")
                    % {"v": instrument_text, "codes": ", ".join(Instrument.values)}
                )
                instrument = ""
        funder_id, funder_name = None, ""
        if funder:
            funder_id, _why = self.organisation(funder)
            funder_name = "" if funder_id else funder[:200]
        else:
            problems.append(gettext("funder : indiquez le financeur du montant."))
        line = {
            "funder": funder_id,
            "funder_name": funder_name,
            "amount": amount.quantize(Decimal("0.01")),
            "currency": currency,
            "year": year,
        }
        if instrument:
            line["instrument"] = instrument
        return line

    # -- matching and writing -------------------------------------------------------------------

    def source_id(self, row: TableRow, desired: dict) -> str:
        if row.get("id"):
            return (ID_PREFIX + row.get("id"))[:150]
        leads = sorted(desired["roles"].get(ParticipationRole.LEAD, ()))
        identity = f"{normalise_name(row.get('title'))}|{leads}"
        return ID_PREFIX + hashlib.sha1(identity.encode()).hexdigest()[:20]  # noqa: S324

    def _match(self, row: TableRow, desired: dict) -> Project | None:
        iati = desired["fields"].get("iati_identifier")
        # The exclude restates the partial unique index's condition (see below).
        by_iati = Project.objects.filter(iati_identifier=iati).exclude(iati_identifier="")
        if iati and (found := by_iati.first()):
            return found
        # exclude(source_id="") restates the partial unique index's condition, so that SQLite
        # uses the index instead of scanning every project for each row.
        found = Project.objects.filter(
            source=SOURCE, source_id=self.source_id(row, desired)
        ).exclude(source_id="")
        if found := found.first():
            return found
        leads = desired["roles"].get(ParticipationRole.LEAD)
        if not leads:
            return None
        title_key = normalise_name(row.get("title"))
        led = Project.objects.filter(
            participations__role=ParticipationRole.LEAD, participations__organisation__in=leads
        )
        own = self.source_id(row, desired)
        for project in led.only("pk", "title", "source", "source_id"):
            if normalise_name(project.title) != title_key:
                continue
            if row.get("id") and project.source == SOURCE and project.source_id not in ("", own):
                continue  # another row of a table: a record the table keeps apart
            return project
        return None

    @staticmethod
    def _fields(project: Project | None, desired: dict) -> dict:
        data = {n: v for n, v in desired["fields"].items() if v is not None}
        if project is not None:
            # An empty cell leaves the stored value; a description that reads the same is no
            # change (the actions compare the rest).
            data = {n: v for n, v in data.items() if _differs(n, getattr(project, n), v)}
        return data

    @staticmethod
    def _probe(project: Project | None, data: dict) -> list[str]:
        """The model's own checks (lengths, the dates' order) on the row's result."""
        probe = Project(
            **{name: getattr(project, name) for name in PROBED} if project else {},
        )
        probe.pk = project.pk if project else None
        for name, value in data.items():
            setattr(probe, name, value)
        try:
            probe.full_clean(exclude=["slug"], validate_unique=False)
        except ValidationError as error:
            return [f"{n} : {' '.join(m)}" for n, m in error.message_dict.items()]
        return []

    def _apply(self, row, label, desired, notes, project, data) -> RowOutcome:
        created = project is None
        data = dict(data)
        if created:
            data.update(source=SOURCE, source_id=self.source_id(row, desired))
        for name, pks in desired["m2m"].items():
            data[name] = sorted(pks, key=str)
        if desired["roles"]:
            data["participations"] = self._participations(project, desired["roles"])
        if desired["places"] is not None:
            data["places"] = [
                {"side": side, "commune": commune, "country": country, "locality": locality}
                for side, commune, country, locality in sorted(desired["places"], key=str)
            ]
        if desired["funding"] is not None:
            data["funding_lines"] = desired["funding"]
        origin = Origin(self.user, ChangeSource.TABLE, gettext("Import de tableau"))
        if created:
            actions.create_project(data, origin=origin)
            return RowOutcome(row.number, CREATED, label, "; ".join(notes), KIND)
        actions.update_project(project, data, origin=origin)
        if project.last_record is None:
            return RowOutcome(row.number, UNCHANGED, label, "; ".join(notes), KIND)
        fields = ", ".join(field_label(name) for name in project.last_record.changes)
        reason = gettext("modifié : %(fields)s") % {"fields": fields}
        return RowOutcome(row.number, UPDATED, label, "; ".join([reason, *notes]), KIND)

    @staticmethod
    def _participations(project: Project | None, roles: dict) -> list[dict]:
        """The participations after the row: the roles it fills replaced (an organisation
        kept in its role keeps its note), the others as they are."""
        current = list(project.participations.all()) if project is not None else []
        rows = [
            {"organisation": p.organisation_id, "role": p.role, "note": p.note}
            for p in current
            if p.role not in roles
        ]
        for role, pks in roles.items():
            notes = {p.organisation_id: p.note for p in current if p.role == role}
            rows += [
                {"organisation": pk, "role": role, "note": notes.get(pk, "")} for pk in sorted(pks)
            ]
        return rows
