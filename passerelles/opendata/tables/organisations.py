"""Organisations table: the template's columns and the mapper (row → organisation).

Each row is validated by the organisation form itself (`TableOrganisationForm`, a subclass of
`actors.forms.OrganisationForm` whose vocabulary fields read prefetched lookups instead of
querying), so SIREN/SIRET/RNA checks, unknown or ambiguous communes, e-mail and URL formats,
and the here/abroad rules answer with the form's own French messages.

Two deliberate differences with the web form: an empty cell leaves the stored value as it is
(a table may carry only some columns), and markup pasted in a text (a `<script>`) is removed
and reported rather than refusing the row — rich text is sanitised like every description.

Matching, in order: SIREN, RNA, then the row's namespaced id (`table--<id>`, or a digest of
its identity when the table has no `id` column), then the normalised name in the same commune
(or the same locality abroad). A match updates the organisation; no match creates it,
published (staff check the preview before applying).
"""

import hashlib
import re

import nh3
from django import forms
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.db.models.signals import m2m_changed
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Family, Status
from passerelles.actors.forms import _DANGEROUS_MARKUP, OrganisationForm, form_data_from_instance
from passerelles.actors.history import diff, snapshot
from passerelles.actors.legal_forms import is_ess_by_law
from passerelles.actors.models import ChangeAction, ChangeRecord, Organisation, sanitise_html
from passerelles.core.text import fold, normalise_name
from passerelles.opendata.report import (
    CREATED,
    REJECTED,
    UNCHANGED,
    UPDATED,
    RowOutcome,
    RowRejected,
)
from passerelles.opendata.tables.lookups import Lookups
from passerelles.opendata.tables.matching import Ambiguous, OrganisationMatcher
from passerelles.opendata.tables.reader import Column, TableRow

SOURCE = "table"
ID_PREFIX = "table--"
KIND = "organisation"
BOOLEAN_VALUES = "oui, non (ou 1, 0, vrai, faux, yes, no, x)"
TRUE = {"oui", "o", "1", "vrai", "true", "yes", "y", "x"}
FALSE = {"non", "n", "0", "faux", "false", "no"}

COLUMNS = [
    Column("name", _("nom"), True, _("texte, 200 caractères au plus"), "", "Terres Solidaires"),
    Column("acronym", _("sigle"), False, _("texte, 40 caractères au plus"), "", "TS"),
    Column(
        "family",
        _("famille d'acteurs"),
        True,
        _("code ou libellé (français ou anglais) ; obligatoire pour une nouvelle fiche"),
        ", ".join(Family.values),
        "si_association",
        ("famille",),
    ),
    Column("siren", _("SIREN"), False, _("9 chiffres (clé de contrôle vérifiée)"), "", ""),
    Column("siret", _("SIRET du siège"), False, _("14 chiffres, commence par le SIREN")),
    Column("rna", _("numéro RNA"), False, _("W suivi de 9 caractères"), "", "W412001234"),
    Column("address", _("adresse"), False, _("texte"), "", "12 rue des Lices", ("adresse",)),
    Column("postcode", _("code postal"), False, _("5 chiffres"), "", "41000"),
    Column(
        "commune",
        _("commune"),
        False,
        _("code INSEE, ou nom (le code postal départage les homonymes) ; en France"),
        "",
        "Blois",
    ),
    Column(
        "country",
        _("pays"),
        False,
        _("code ISO 3166 à 2 lettres ou nom français ; FR si vide pour une nouvelle fiche"),
        "",
        "FR",
        ("pays",),
    ),
    Column(
        "locality",
        _("localité"),
        False,
        _("ville ou village, pour une organisation à l'étranger"),
        "",
        "",
        ("localite",),
    ),
    Column("mission", _("mission en une phrase"), False, _("texte, 300 caractères au plus")),
    Column(
        "description",
        _("présentation"),
        False,
        _("texte ; paragraphes, gras, italique, listes et liens HTML simples acceptés"),
        "",
        "Association de jumelage avec Ouahigouya.",
    ),
    Column(
        "themes",
        _("thèmes"),
        False,
        _("liste séparée par « ; » de codes ou libellés (français ou anglais)"),
        _("voir la liste des thèmes ci-dessous"),
        "agriculture; sante",
        ("themes",),
    ),
    Column(
        "sdgs",
        _("ODD"),
        False,
        _("liste séparée par « ; » : numéros (3), « ODD 3 » ou libellés"),
        "1 … 17",
        "2; 3",
        ("odd",),
    ),
    Column(
        "countries_of_action",
        _("pays d'action"),
        False,
        _("liste séparée par « ; » de codes ISO ou noms français"),
        "",
        "BF; SN",
    ),
    Column("offers", _("ce que nous proposons"), False, _("texte"), "", "Accueil de stagiaires"),
    Column("needs", _("ce que nous cherchons"), False, _("texte"), "", "Partenaires au Sénégal"),
    Column("website", _("site web"), False, _("adresse web"), "", "https://www.exemple.org"),
    Column("email", _("e-mail de contact"), False, _("adresse e-mail"), "", "contact@exemple.org"),
    Column("phone", _("téléphone"), False, _("texte, 30 caractères au plus")),
    Column("is_ess", _("ESS"), False, _("oui ou non"), BOOLEAN_VALUES, "oui"),
    Column("is_si", _("solidarité internationale"), False, _("oui ou non"), BOOLEAN_VALUES, "oui"),
    Column(
        "id",
        _("identifiant"),
        False,
        _("votre identifiant de la ligne, stable d'un import à l'autre (facultatif)"),
        "",
        "ts-001",
    ),
]
TEXT_FIELDS = [
    "name",
    "acronym",
    "siren",
    "siret",
    "rna",
    "address",
    "postcode",
    "locality",
    "mission",
    "description",
    "offers",
    "needs",
    "website",
    "email",
    "phone",
]
PLAIN_TEXT = ("mission", "offers", "needs")


class _CachedChoice(forms.Field):
    """A model choice resolved beforehand by the mapper (an object, or its key in `index`):
    no query per row."""

    def __init__(self, index: dict[str, object], *, multiple: bool = False, **kwargs):
        # `index` is keyed by strings (stored data gives "3", a resolved cell gives 3); it is
        # built once per import by Lookups.by_str_key, not once per row.
        self.index = index
        self.multiple = multiple
        super().__init__(**kwargs)

    def _one(self, value):
        if hasattr(value, "pk"):
            return value
        found = self.index.get(str(value))
        if found is None:
            raise ValidationError(
                _("Valeur inconnue : « %(value)s »."), params={"value": value}, code="invalid"
            )
        return found

    def to_python(self, value):
        if self.multiple:
            return [self._one(v) for v in value or []]
        return self._one(value) if value not in (None, "") else None

    def has_changed(self, initial, data):
        def keys(value):
            values = value if isinstance(value, list | tuple) else [value]
            return sorted(str(getattr(v, "pk", v)) for v in values if v not in (None, ""))

        return keys(initial) != keys(data)


class TableOrganisationForm(OrganisationForm):
    class Meta(OrganisationForm.Meta):
        fields = [
            *TEXT_FIELDS,
            "family",
            "is_ess",
            "is_si",
            "themes",
            "sdgs",
            "countries_of_action",
            "commune",
            "country",
        ]

    def __init__(self, *args, lookups: Lookups, **kwargs):
        self.lookups = lookups
        self.cleaned_markup: list[str] = []
        super().__init__(*args, **kwargs)
        instance = self.instance
        self._place_before = (instance.commune_id, instance.country_id, instance.locality)
        fields = self.fields
        themes = lookups.by_str_key("theme_by_pk")
        countries = lookups.by_str_key("country_by_code")
        fields["themes"] = _CachedChoice(themes, multiple=True, required=False)
        fields["sdgs"] = _CachedChoice(
            lookups.by_str_key("sdg_by_code"), multiple=True, required=False
        )
        fields["countries_of_action"] = _CachedChoice(countries, multiple=True, required=False)
        fields["country"] = _CachedChoice(countries)
        # Not columns of the table (a logo cannot be in a cell; legal forms come from SIRENE).
        del fields["logo"], fields["legal_form"]

    def _get_validation_exclusions(self):
        # The model's full_clean would cost one query per row for each of these, for nothing:
        # commune and country are objects the lookups read from the database (their foreign
        # keys exist), and the RNA check constraint restates the RNA field's validator, which
        # clean_rna runs itself. Everything else the model validates still runs.
        return super()._get_validation_exclusions() | {"commune", "country", "rna"}

    def _post_clean(self):
        # The model's check constraints are left out of this form's full_clean: the one on a
        # field of the table (the RNA format) is clean_rna's validator, and the coordinates
        # are set after validation by locate() from the referentials. Django 5.2 would still
        # compile one query per constraint and row to find the constraints skipped.
        instance = self.instance
        instance.validate_constraints = _no_constraints
        try:
            super()._post_clean()
        finally:
            del instance.validate_constraints

    def clean_rna(self):
        value = super().clean_rna()
        if value:
            Organisation._meta.get_field("rna").run_validators(value)
        return value

    def _refuse_markup(self, name):
        # Imports sanitise instead of refusing (see the module docstring), and say so.
        value = self.cleaned_data.get(name, "")
        if value and _DANGEROUS_MARKUP.search(value):
            self.cleaned_markup.append(name)
            if name in PLAIN_TEXT:
                return nh3.clean(value, tags=set())
            return sanitise_html(value)
        return value

    def place_changed(self) -> bool:
        # "Blois" in a cell and "41018" stored are the same place: compare what they resolve
        # to, so a re-import keeps a precise point instead of resetting it to the town hall.
        commune = self.cleaned_data.get("commune")
        country = self.cleaned_data.get("country")
        after = (
            commune.pk if commune else None,
            country.pk if country else None,
            self.cleaned_data.get("locality", ""),
        )
        return after != self._place_before

    def find_communes(self, text: str, postcode: str) -> list:
        # The form's rule and messages (clean_commune), with the memoised lookup.
        return self.lookups.communes(text, postcode)


def _no_constraints(exclude=None):
    return None


def parse_bool(text: str) -> bool | None:
    value = fold(text).strip()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    return None


def form_errors(form) -> str:
    """Every error of the form as one line naming the column: "siren : « 12 » n'est pas…"."""
    parts = []
    for name, errors in form.errors.items():
        prefix = "" if name == "__all__" else f"{name} : "
        parts.extend(prefix + str(error) for error in errors)
    return " ; ".join(parts)


class OrganisationRowMapper:
    """One table row → one organisation created, updated or left unchanged (or rejected)."""

    kind = KIND
    columns = COLUMNS

    def __init__(self, *, user=None, lookups: Lookups | None = None):
        self.user = user if user is not None and user.is_authenticated else None
        self.lookups = lookups or Lookups()
        self.matcher = OrganisationMatcher(SOURCE)
        self.now = timezone.now()

    def handle(self, row: TableRow) -> RowOutcome:
        name = row.get("name")
        label = name or gettext("ligne %(n)s") % {"n": row.number}

        def reject(reason: str) -> RowOutcome:
            return RowOutcome(row.number, REJECTED, label[:200], reason, KIND)

        if row.get("__error__"):
            return reject(row.get("__error__"))
        if not name:
            return reject(gettext("name : le nom est obligatoire."))
        data, problems = self._cells(row)
        if problems:
            return reject(" ; ".join(problems))
        try:
            existing = self._match(row, data)
        except _Ambiguous as error:
            return reject(str(error))
        try:
            return self._apply(row, label, data, existing)
        except DatabaseError as error:
            # Raised, not returned: report.apply_rows then rolls this row's savepoint back.
            raise RowRejected(
                reject(gettext("refusée par la base de données : %(error)s") % {"error": error})
            ) from None

    # -- cells → form data ------------------------------------------------------------------

    def _cells(self, row: TableRow) -> tuple[dict, list[str]]:
        lookups, data, problems = self.lookups, {}, []
        for name in TEXT_FIELDS:
            if row.get(name):
                data[name] = row.get(name)
        if row.get("commune"):
            data["commune"] = row.get("commune")
        if text := row.get("family"):
            family = lookups.family(text)
            if family is None:
                problems.append(
                    gettext("family : famille inconnue « %(value)s » (codes acceptés : %(codes)s).")
                    % {"value": text, "codes": ", ".join(Family.values)}
                )
            data["family"] = family
        if text := row.get("country"):
            country = lookups.country(text)
            if country is None:
                problems.append(
                    gettext("country : pays inconnu « %(value)s » (code ISO à 2 lettres ou nom).")
                    % {"value": text}
                )
            else:
                data["country"] = country.code
        for column, resolve, message in (
            ("themes", lookups.theme_list, gettext("thème inconnu")),
            ("sdgs", lookups.sdg_list, gettext("ODD inconnu")),
            ("countries_of_action", lookups.country_list, gettext("pays inconnu")),
        ):
            if text := row.get(column):
                found, unknown = resolve(text)
                if unknown:
                    problems.append(
                        f"{column} : {message} "
                        + ", ".join(f"« {value} »" for value in unknown)
                        + "."
                    )
                data[column] = [value.pk for value in found]
        for column in ("is_ess", "is_si"):
            if text := row.get(column):
                value = parse_bool(text)
                if value is None:
                    problems.append(
                        gettext("%(column)s : « %(value)s » n'est ni oui ni non.")
                        % {"column": column, "value": text}
                    )
                data[column] = value
        return data, problems

    # -- matching ---------------------------------------------------------------------------

    def source_id(self, row: TableRow, data: dict) -> str:
        if row.get("id"):
            return (ID_PREFIX + row.get("id"))[:120]
        identity = "|".join(
            [
                re.sub(r"\s", "", data.get("siren", "")),
                data.get("rna", "").upper(),
                normalise_name(data.get("name", "")),
                fold(data.get("commune", "")),
                data.get("country", ""),
                fold(data.get("locality", "")),
            ]
        )
        return ID_PREFIX + hashlib.sha1(identity.encode()).hexdigest()[:20]  # noqa: S324

    def _match(self, row: TableRow, data: dict) -> Organisation | None:
        siren = re.sub(r"\s", "", data.get("siren", ""))
        rna = data.get("rna", "").strip().upper()
        pk = self.matcher.by_identifiers(siren, rna, self.source_id(row, data))
        if pk is None:
            pk = self._match_name(data, siren, rna)
        return Organisation.objects.get(pk=pk) if pk is not None else None

    def _match_name(self, data: dict, siren: str, rna: str) -> int | None:
        key = normalise_name(data["name"])
        if not key:
            return None
        try:
            country = data.get("country", "FR")
            if country == "FR":
                commune = self.lookups.commune(data.get("commune", ""), data.get("postcode", ""))
                if commune is None:
                    return None
                return self.matcher.by_name_in_commune(key, commune.pk, siren, rna)
            if not data.get("locality"):
                return None
            return self.matcher.by_name_abroad(key, country, data["locality"], siren, rna)
        except Ambiguous:
            raise _Ambiguous(
                gettext(
                    "Plusieurs organisations portent ce nom à cet endroit : indiquez le SIREN ou "
                    "le numéro RNA pour désigner la bonne."
                )
            ) from None

    # -- validation and writing -----------------------------------------------------------------

    def _apply(self, row, label, cells: dict, existing: Organisation | None) -> RowOutcome:
        place_before = (None, "") if existing is None else (existing.commune_id, existing.name)
        if existing is not None:
            before = snapshot(existing)
            data = form_data_from_instance(existing)
            data.pop("legal_form", None)
            data.update(cells)
            instance = existing
        else:
            before = {}
            data = {"country": "FR", "is_ess": False, "is_si": False, **cells}
            instance = Organisation()
        form = TableOrganisationForm(data, instance=instance, lookups=self.lookups)
        if not form.is_valid():
            return RowOutcome(row.number, REJECTED, label[:200], form_errors(form), KIND)
        org = form.instance
        form.locate(org)
        if org.commune_id and org.lat is None and org.commune.lat is not None:
            org.lat, org.lon = org.commune.lat, org.commune.lon  # as save() will
        if is_ess_by_law(org.legal_form):
            org.is_ess = True  # what save() will do anyway: compare with what will be stored
        m2m = {name: form.cleaned_data[name] for name in ("themes", "sdgs", "countries_of_action")}
        changes = diff(before, snapshot(org, m2m=m2m))
        notes = []
        if form.cleaned_markup:
            notes.append(
                gettext("code retiré du texte (%(fields)s)")
                % {"fields": ", ".join(form.cleaned_markup)}
            )
        if existing is not None and not changes:
            return RowOutcome(row.number, UNCHANGED, str(org)[:200], "; ".join(notes), KIND)
        if existing is None:
            org.status = Status.PUBLISHED
            org.source = SOURCE
            org.source_id = self.source_id(row, cells)
            org.created_by = self.user
        org.imported_at = self.now
        org.save()
        for name, values in m2m.items():
            # Only what changed: each write fires the search and suggestion signals. A new
            # organisation has no links yet: insert them without reading them first.
            if existing is None:
                if values:
                    _add_new_links(org, name, values)
            elif name in changes:
                getattr(org, name).set(values)
        ChangeRecord.objects.create(
            organisation=org,
            user=self.user,
            action=ChangeAction.CREATED if existing is None else ChangeAction.UPDATED,
            changes=changes,
            comment=gettext("Import de tableau"),
        )
        self.matcher.moved(org.pk, place_before, (org.commune_id, org.name))
        if existing is None:
            return RowOutcome(row.number, CREATED, str(org)[:200], "; ".join(notes), KIND)
        changed = ", ".join(changes)
        reason = gettext("modifié : %(fields)s") % {"fields": changed}
        return RowOutcome(row.number, UPDATED, str(org)[:200], "; ".join([reason, *notes]), KIND)


class _Ambiguous(Exception):
    pass


def _add_new_links(org: Organisation, name: str, values: list) -> None:
    """`getattr(org, name).add(*values)` for an organisation created a moment ago: one INSERT,
    without the SELECT of existing links that add() makes first, and with the same
    m2m_changed signals (the search index and the suggestion profiles listen to them)."""
    relation = getattr(Organisation, name)
    through = relation.through
    source, target = relation.field.m2m_field_name(), relation.field.m2m_reverse_field_name()
    pks = {value.pk for value in values}
    signal = {
        "sender": through,
        "instance": org,
        "reverse": False,
        "model": relation.field.related_model,
        "pk_set": pks,
        "using": org._state.db,
    }
    m2m_changed.send(action="pre_add", **signal)
    through.objects.bulk_create(
        [through(**{f"{source}_id": org.pk, f"{target}_id": pk}) for pk in sorted(pks)]
    )
    m2m_changed.send(action="post_add", **signal)


RowMapper = OrganisationRowMapper
