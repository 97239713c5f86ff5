"""Organisations table: the template's columns and the mapper (row → organisation).

Each row is validated by the organisations' rules themselves (`TableOrganisationRules`, a
subclass of `actors.validation.OrganisationRules` whose vocabulary fields read prefetched
lookups instead of querying), so SIREN/SIRET/RNA checks, unknown or ambiguous communes, e-mail
and URL formats, and the here/abroad rules answer with the web form's own French messages;
the row is then written by the organisations' actions (history "import de tableau", index).

Two deliberate differences with the web form: an empty cell leaves the stored value as it is
(a table may carry only some columns), and markup pasted in a text (a `<script>`) is removed
and reported rather than refusing the row — texts are then cleaned like every other.

Matching, in order: SIREN, RNA, then the row's namespaced id (`table--<id>`, or a digest of
its identity when the table has no `id` column), then the normalised name in the same commune
(or the same locality abroad). A match updates the organisation; no match creates it,
published (staff check the preview before applying).
"""

import hashlib
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from passerelles.actors import actions
from passerelles.actors.enums import Family, Status
from passerelles.actors.family_guess import guess_family
from passerelles.actors.models import Organisation
from passerelles.actors.validation import OrganisationRules, organisation_initial
from passerelles.core.history import ChangeSource, Origin
from passerelles.core.richtext import DANGEROUS_MARKUP, html_to_text, sanitise_html
from passerelles.core.text import fold, normalise_name
from passerelles.opendata.report import (
    CREATED,
    REJECTED,
    UNCHANGED,
    UPDATED,
    RowOutcome,
    RowRejected,
)
from passerelles.opendata.tables.lookups import Lookups, parse_bool
from passerelles.opendata.tables.matching import Ambiguous, OrganisationMatcher
from passerelles.opendata.tables.reader import Column, TableRow

SOURCE = "table"
ID_PREFIX = "table--"
KIND = "organisation"
BOOLEAN_VALUES = "oui, non (ou 1, 0, vrai, faux, yes, no, x)"
GUESSED = "_family_guessed"

COLUMNS = [
    Column("name", _("nom"), True, _("texte, 200 caractères au plus"), "", "Terres Solidaires"),
    Column("acronym", _("sigle"), False, _("texte, 40 caractères au plus"), "", "TS"),
    Column(
        "family",
        _("famille d'acteurs"),
        True,
        _(
            "code, libellé (français ou anglais) ou nom courant (OSIM, ESS, collectivité…) ; "
            "obligatoire pour une nouvelle fiche"
        ),
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
        _(
            "code ISO 3166 (2 ou 3 lettres) ou nom français ou anglais ; FR si vide pour une "
            "nouvelle fiche"
        ),
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
        _("texte ; mise en forme Markdown ou HTML simple (paragraphes, gras, listes, liens)"),
        "",
        "Association de jumelage avec Ouahigouya.",
    ),
    Column(
        "themes",
        _("thèmes"),
        False,
        _(
            "liste séparée par « ; » de codes, libellés (français ou anglais) ou mots "
            "courants (les synonymes de la recherche : « environnement », « commerce équitable »)"
        ),
        _("voir la liste des thèmes ci-dessous"),
        "agriculture; sante",
        ("themes",),
    ),
    Column(
        "sdgs",
        _("ODD"),
        False,
        _("liste séparée par « ; » : numéros (3), « ODD 3 », « SDG 3 » ou libellés"),
        "1 … 17",
        "2; 3",
        ("odd",),
    ),
    Column(
        "countries_of_action",
        _("pays d'action"),
        False,
        _("liste séparée par « ; » de codes ISO ou noms (français ou anglais)"),
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


class TableOrganisationRules(OrganisationRules):
    """The organisations' rules for one row, with vocabularies resolved from the import's
    look-ups (no query per row) and pasted code removed and reported instead of refused."""

    def __init__(self, *args, lookups: Lookups, **kwargs):
        self.lookups = lookups
        self.cleaned_markup: list[str] = []
        super().__init__(*args, **kwargs)
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

    def full_clean(self):
        # Code pasted in a text is taken out before the fields refuse it, and reported.
        if self.is_bound:
            data = dict(self.data)
            for name in ("name", "acronym", "mission", "description", "offers", "needs"):
                value = data.get(name)
                if isinstance(value, str) and DANGEROUS_MARKUP.search(value):
                    self.cleaned_markup.append(name)
                    data[name] = (
                        sanitise_html(value) if name == "description" else html_to_text(value)
                    )
            self.data = data
        super().full_clean()

    def find_communes(self, text: str, postcode: str) -> list:
        # The rules' own message (clean_commune), with the memoised lookup.
        return self.lookups.communes(text, postcode)


def form_errors(form, skip=frozenset()) -> list[str]:
    """Every error of the form naming its column ("siren : « 12 » n'est pas…"), but those of
    the columns in `skip` (already reported by the lookups, left out of the data)."""
    parts = []
    for name, errors in form.errors.items():
        if name in skip:
            continue
        prefix = "" if name == "__all__" else f"{name} : "
        parts.extend(prefix + str(error) for error in errors)
    return parts


class OrganisationRowMapper:
    """One table row → one organisation created, updated or left unchanged (or rejected)."""

    kind = KIND
    columns = COLUMNS

    def __init__(self, *, user=None, lookups: Lookups | None = None):
        self.user = user if user is not None and user.is_authenticated else None
        self.lookups = lookups or Lookups()
        self.matcher = OrganisationMatcher(SOURCE)

    def handle(self, row: TableRow) -> RowOutcome:
        """Every problem of the row is reported at once: the cells the lookups cannot read,
        the ambiguous match and every rule of the organisations' form (SIREN, commune,
        e-mail…), so one correction of the file is enough."""
        name = row.get("name")
        label = name or gettext("ligne %(n)s") % {"n": row.number}

        def reject(reason: str) -> RowOutcome:
            return RowOutcome(row.number, REJECTED, label[:200], reason, KIND)

        if row.get("__error__"):
            return reject(row.get("__error__"))
        data, problems = self._cells(row)
        if not name:
            problems.insert(0, ("name", gettext("name : le nom est obligatoire.")))
        existing = None
        if name:
            try:
                existing = self._match(row, data)
            except _Ambiguous as error:
                problems.append(("", str(error)))
        to_review = data.pop(GUESSED, None)
        form = self._form(data, existing, to_review)
        bad_columns = {column for column, _message in problems}
        form.is_valid()
        messages = [message for _column, message in problems]
        messages += form_errors(form, skip=bad_columns | {"name"} if not name else bad_columns)
        if messages:
            return reject(" ; ".join(messages))
        try:
            return self._apply(row, label, data, existing, form, to_review)
        except DatabaseError as error:
            # Raised, not returned: report.apply_rows then rolls this row's savepoint back.
            raise RowRejected(
                reject(gettext("refusée par la base de données : %(error)s") % {"error": error})
            ) from None

    # -- cells → form data ------------------------------------------------------------------

    def _cells(self, row: TableRow) -> tuple[dict, list[tuple[str, str]]]:
        """The row as form data, and (column, message) for each cell the lookups cannot read
        (that cell is then left out of the data, so the form checks all the others)."""
        lookups, data, problems = self.lookups, {}, []
        for name in TEXT_FIELDS:
            if row.get(name):
                data[name] = row.get(name)
        if row.get("commune"):
            data["commune"] = row.get("commune")
        if text := row.get("family"):
            family = lookups.family(text)
            if family is None and lookups.is_abroad(text):
                # Tables written before partners abroad were typed: the family from the name
                # (legal form, description), marked for staff to check unless it is clear.
                family, confident = guess_family(
                    row.get("name") or "",
                    row.get("legal_form") or "",
                    row.get("description") or "",
                    acronym=row.get("acronym") or "",
                )
                data[GUESSED] = not confident
            if family is None:
                problems.append(
                    (
                        "family",
                        gettext(
                            "family : famille inconnue « %(value)s » (codes acceptés : %(codes)s)."
                        )
                        % {"value": text, "codes": ", ".join(Family.values)},
                    )
                )
            else:
                data["family"] = family
        if text := row.get("country"):
            country = lookups.country(text)
            if country is None:
                problems.append(
                    (
                        "country",
                        gettext(
                            "country : pays inconnu « %(value)s » (code ISO à 2 lettres ou nom)."
                        )
                        % {"value": text},
                    )
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
                        (
                            column,
                            f"{column} : {message} "
                            + ", ".join(f"« {value} »" for value in unknown)
                            + ".",
                        )
                    )
                else:
                    data[column] = [value.pk for value in found]
        for column in ("is_ess", "is_si"):
            if text := row.get(column):
                value = parse_bool(text)
                if value is None:
                    problems.append(
                        (
                            column,
                            gettext("%(column)s : « %(value)s » n'est ni oui ni non.")
                            % {"column": column, "value": text},
                        )
                    )
                else:
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
        source_id = self.source_id(row, data)
        pk = self.matcher.by_identifiers(siren, rna, source_id)
        if pk is not None:
            return Organisation.objects.get(pk=pk)
        pk = self._match_name(data, siren, rna)
        if pk is None:
            return None
        found = Organisation.objects.get(pk=pk)
        if row.get("id") and found.source == SOURCE and found.source_id not in ("", source_id):
            # Same name, same place, but another row id of a table: two records the table
            # keeps apart (a duplicate not merged yet), not the same one.
            return None
        return found

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

    def _form(self, cells: dict, existing: Organisation | None, to_review) -> OrganisationRules:
        if existing is not None and to_review is not None:
            cells.pop("family", None)  # the stored family says more than the retired one
        if existing is not None:
            initial = organisation_initial(existing)
            initial.pop("legal_form", None)
            initial.pop("logo", None)
            return TableOrganisationRules(
                {**initial, **cells},
                organisation=existing,
                initial=initial,
                lookups=self.lookups,
            )
        data = {"country": "FR", "is_ess": False, "is_si": False, **cells}
        return TableOrganisationRules(data, lookups=self.lookups)

    def _apply(self, row, label, cells, existing, form, to_review) -> RowOutcome:
        place_before = (None, "") if existing is None else (existing.commune_id, existing.name)
        notes = []
        if form.cleaned_markup:
            notes.append(
                gettext("code retiré du texte (%(fields)s)")
                % {"fields": ", ".join(form.cleaned_markup)}
            )
        origin = Origin(self.user, ChangeSource.TABLE, gettext("Import de tableau"))
        if existing is None:
            data = form.data_for_actions()
            data.update(source=SOURCE, source_id=self.source_id(row, cells))
            if to_review:
                data["family_to_review"] = True
            org = actions.create_organisation(data, origin=origin, status=Status.PUBLISHED)
        else:
            org = actions.update_organisation(
                existing, form.data_for_actions(changed_only=True), origin=origin
            )
            if org.last_record is None:
                return RowOutcome(row.number, UNCHANGED, str(org)[:200], "; ".join(notes), KIND)
        self.matcher.moved(org.pk, place_before, (org.commune_id, org.name))
        if existing is None:
            return RowOutcome(row.number, CREATED, str(org)[:200], "; ".join(notes), KIND)
        changed = ", ".join(org.last_record.changes)
        reason = gettext("modifié : %(fields)s") % {"fields": changed}
        return RowOutcome(row.number, UPDATED, str(org)[:200], "; ".join([reason, *notes]), KIND)


class _Ambiguous(Exception):
    pass


RowMapper = OrganisationRowMapper
