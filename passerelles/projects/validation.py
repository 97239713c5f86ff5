"""Every rule a project's data must meet, in one place.

- `ProjectRules`: the project's own fields (texts plain or rich, decided per field as in
  docs/decisions.md §16; dates in order; vocabularies).
- `ParticipationRules`, `PlaceHereRules`, `PlaceThereRules`, `FundingLineRules`,
  `NewOrganisationRules`: one row of each list.
- `cross_errors()`: the rules spanning the lists (someone takes part; no one twice in the
  same role; a member names an organisation they act for, or could not edit the project).

The editor's forms (projects/forms.py, participants.py) are these classes with widgets and
help around them; the API validates JSON with `validate_project()`; the table and IATI
imports call the row rules they need (`check_currency`, `check_year`, `dates_error`). What
they clean is plain data for passerelles.projects.actions. Every message is in French and
says how to fix the value.
"""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Family, Status
from passerelles.actors.family_guess import guess_family
from passerelles.actors.models import Organisation
from passerelles.actors.validation import lookup_communes
from passerelles.core.forms import BoundedModelMultipleChoiceField
from passerelles.core.richtext import PlainTextField, RichTextField
from passerelles.geo.models import Country, Department
from passerelles.projects.enums import (
    EDITING_ROLES,
    Instrument,
    ParticipationRole,
    PlaceSide,
    ProjectStatus,
)
from passerelles.projects.models import Project
from passerelles.vocab.models import DacSector, SdgTarget, Theme

DATE_ERRORS = {"invalid": _("Date invalide : écrivez-la sous la forme JJ/MM/AAAA.")}
SCALARS = (
    "title",
    "acronym",
    "summary",
    "description",
    "project_status",
    "start_date",
    "end_date",
    "website",
    "iati_identifier",
    "status",
)
M2M_FIELDS = ("themes", "sdg_targets", "dac_sectors")


def _model_field(name: str, **kwargs):
    return Project._meta.get_field(name).formfield(**kwargs)


# -- single values --------------------------------------------------------------------------


def dates_error(start, end) -> str:
    """The message when a project ends before it starts, else ""."""
    if start and end and end < start:
        return _gettext("La fin du projet (%(end)s) précède son début (%(start)s).") % {
            "end": end.strftime("%d/%m/%Y"),
            "start": start.strftime("%d/%m/%Y"),
        }
    return ""


def check_currency(value) -> str:
    currency = (value or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError(
            _("Devise : trois lettres du code ISO 4217, ex. EUR ou XOF."), code="currency"
        )
    return currency


def year_bounds() -> tuple[int, int]:
    return 1950, datetime.date.today().year + 15


def check_year(year):
    low, high = year_bounds()
    if year is not None and not low <= year <= high:
        raise ValidationError(
            _("Année invalide : entre %(low)s et %(high)s."),
            params={"low": low, "high": high},
            code="year",
        )
    return year


def resolve_commune(text: str):
    """The one commune a name or INSEE code means; a French message when none or several."""
    found = lookup_communes(text)
    if len(found) > 1:
        raise ValidationError(
            _(
                "Plusieurs communes s'appellent « %(text)s » (%(names)s). Indiquez le code "
                "postal ou le code INSEE de la bonne, ex. « %(example)s »."
            ),
            params={
                "text": text,
                "names": ", ".join(str(c) for c in found[:5]),
                "example": f"{found[0].name} ({found[0].insee_code})",
            },
            code="ambiguous_commune",
        )
    if not found:
        raise ValidationError(
            _(
                "Commune inconnue : « %(text)s ». Écrivez son nom exact (ex. "
                "Saint-Jean-de-Braye) ou son code INSEE à 5 caractères."
            ),
            params={"text": text},
            code="unknown_commune",
        )
    return found[0]


# -- the project ------------------------------------------------------------------------------


class ProjectRules(forms.Form):
    """A project's own fields, validated. Plain texts: title, acronym, summary; rich text:
    the description (edited as Markdown)."""

    title = _model_field(
        "title",
        form_class=PlainTextField,
        error_messages={"required": _("Donnez un titre au projet.")},
    )
    acronym = _model_field("acronym", form_class=PlainTextField)
    summary = _model_field("summary", form_class=PlainTextField)
    description = _model_field("description", form_class=RichTextField)
    project_status = _model_field("project_status")
    start_date = forms.DateField(label=_("Début"), required=False, error_messages=DATE_ERRORS)
    end_date = forms.DateField(label=_("Fin"), required=False, error_messages=DATE_ERRORS)
    themes = BoundedModelMultipleChoiceField(
        label=_("Thèmes"), queryset=Theme.objects.active(), required=False
    )
    sdg_targets = BoundedModelMultipleChoiceField(
        label=_("Cibles des objectifs de développement durable (ODD)"),
        queryset=SdgTarget.objects.select_related("goal"),
        required=False,
    )
    dac_sectors = BoundedModelMultipleChoiceField(
        label=_("Secteurs du CAD de l'OCDE"),
        queryset=DacSector.objects.filter(is_active=True),
        required=False,
    )
    website = forms.URLField(
        label=_("Site web"), required=False, assume_scheme="https", max_length=200
    )
    iati_identifier = _model_field("iati_identifier", form_class=PlainTextField)
    status = forms.ChoiceField(label=_("Publication"), choices=Status.choices, required=False)

    def clean(self):
        cleaned = super().clean()
        message = dates_error(cleaned.get("start_date"), cleaned.get("end_date"))
        if message and "end_date" not in self.errors:
            self.add_error("end_date", message)
        return cleaned

    def data_for_actions(self, *, changed_only: bool = False) -> dict:
        names = self.changed_data if changed_only else list(self.cleaned_data)
        data = {}
        for name in names:
            if name not in self.cleaned_data or name not in (*SCALARS, *M2M_FIELDS):
                continue
            value = self.cleaned_data[name]
            if name in M2M_FIELDS:
                value = list(value or ())
            elif name == "status" and not value:
                continue
            data[name] = value
        return data


def project_initial(project: Project | None) -> dict:
    """What a form shows for `project`: form-data shape, keys for relations."""
    if project is None or project.pk is None:
        return {"project_status": ProjectStatus.IDEA}
    data = {name: getattr(project, name) for name in SCALARS}
    for name in M2M_FIELDS:
        data[name] = sorted(str(pk) for pk in getattr(project, name).values_list("pk", flat=True))
    return data


# -- rows ----------------------------------------------------------------------------------------


def selectable_organisations(user, extra_ids=()):
    """Organisations a participant may be chosen among: the published directory, the ones the
    user acts for (even pending) and those already in the project."""
    mine = Q(memberships__user=user) if user is not None and user.is_authenticated else Q(pk=None)
    qs = Organisation.objects.exclude(status=Status.ARCHIVED)
    return qs.filter(Q(status=Status.PUBLISHED) | mine | Q(pk__in=list(extra_ids)))


class ParticipationRules(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _(
                "Cette organisation n'est pas dans l'annuaire publié : cherchez-la à nouveau."
            )
        },
    )
    role = forms.ChoiceField(
        label=_("Rôle"), choices=[("", "—"), *ParticipationRole.choices], required=False
    )
    note = PlainTextField(label=_("Précision"), max_length=200, required=False)

    def __init__(self, *args, user=None, current=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectable_organisations(user, current)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("DELETE"):
            return cleaned
        if not cleaned.get("organisation") and "organisation" not in self.errors:
            self.add_error(
                "organisation",
                _("Choisissez l'organisation dans la liste (cherchez-la d'abord par son nom)."),
            )
        if not cleaned.get("role") and "role" not in self.errors:
            self.add_error("role", _("Choisissez le rôle de cette organisation."))
        return cleaned


class PlaceHereRules(forms.Form):
    """A place here: a commune (name or INSEE code) or a whole department."""

    commune_text = forms.CharField(
        label=_("Commune"),
        required=False,
        max_length=120,
        help_text=_("Nom ou code INSEE, ex. Blois ou 41018."),
    )
    department = forms.ModelChoiceField(
        label=_("ou tout un département"),
        queryset=Department.objects.all(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("Département inconnu.")},
    )

    def clean_commune_text(self):
        text = self.cleaned_data.get("commune_text", "").strip()
        return resolve_commune(text) if text else None

    def clean(self):
        cleaned = super().clean()
        if "commune_text" in self.errors or cleaned.get("DELETE"):
            return cleaned
        if not cleaned.get("commune_text") and not cleaned.get("department"):
            raise ValidationError(
                _("Indiquez une commune ou un département (ou cochez « supprimer »)."),
                code="empty_place",
            )
        return cleaned

    def place_data(self) -> dict:
        commune = self.cleaned_data.get("commune_text")
        department = None if commune else self.cleaned_data.get("department")
        return {"side": PlaceSide.HERE, "commune": commune, "department": department}


class PlaceThereRules(forms.Form):
    """A place there: a country and, if known, a locality (geocoded offline by the actions;
    one the gazetteer does not know is kept without a point)."""

    country = forms.ModelChoiceField(
        label=_("Pays"),
        queryset=Country.objects.exclude(code="FR"),
        empty_label="—",
        error_messages={"required": _("Choisissez le pays."), "invalid_choice": _("Pays inconnu.")},
    )
    locality = PlainTextField(
        label=_("Localité"),
        max_length=120,
        required=False,
        help_text=_("Ville ou village, ex. Bobo-Dioulasso. Facultatif."),
    )

    def place_data(self) -> dict:
        return {
            "side": PlaceSide.THERE,
            "country": self.cleaned_data["country"],
            "locality": self.cleaned_data.get("locality", ""),
        }


class FundingLineRules(forms.Form):
    funder_name = PlainTextField(
        label=_("Financeur"),
        max_length=200,
        help_text=_("ex. Région Centre-Val de Loire, AFD, Union européenne"),
        error_messages={"required": _("Nommez le financeur.")},
    )
    amount = forms.DecimalField(
        label=_("Montant"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        localize=True,
        error_messages={
            "required": _("Indiquez le montant."),
            "invalid": _("Montant invalide : un nombre, ex. 15000 ou 15 000,50."),
            "min_value": _("Le montant ne peut pas être négatif."),
            "max_digits": _("Montant trop grand."),
        },
    )
    currency = forms.CharField(label=_("Devise"), max_length=3, initial="EUR")
    year = forms.IntegerField(label=_("Année"), required=False)
    instrument = forms.ChoiceField(
        label=_("Instrument"), choices=Instrument.choices, initial=Instrument.GRANT
    )

    def clean_currency(self):
        return check_currency(self.cleaned_data.get("currency"))

    def clean_year(self):
        return check_year(self.cleaned_data.get("year"))

    def line_data(self, funder=None) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.fields if name != "DELETE"}
        data["amount"] = Decimal(data["amount"])
        data["funder"] = funder
        return data


class NewOrganisationRules(forms.Form):
    """An organisation missing from the directory: created pending, sent to moderation, and
    optionally its contact invited to complete its page."""

    name = PlainTextField(label=_("Nom de l'organisation"), max_length=200, required=False)
    family = forms.ChoiceField(
        label=_("Famille d'acteurs"),
        choices=[("", "—"), *Family.choices],
        required=False,
        help_text=_(
            "Laissez vide si vous ne savez pas : devinée d'après le nom, l'équipe la vérifie."
        ),
    )
    country = forms.ModelChoiceField(
        label=_("Pays"),
        queryset=Country.objects.all(),
        initial="FR",
        required=False,
        empty_label="—",
    )
    commune = forms.CharField(
        label=_("Commune (en France)"),
        required=False,
        max_length=120,
        help_text=_("Nom ou code INSEE."),
    )
    locality = PlainTextField(label=_("Localité (à l'étranger)"), required=False, max_length=120)
    role = forms.ChoiceField(
        label=_("Rôle dans le projet"),
        choices=[("", "—"), *ParticipationRole.choices],
        required=False,
    )
    invite_email = forms.EmailField(
        label=_("Inviter par e-mail à compléter sa fiche (facultatif)"),
        required=False,
        help_text=_("Nous lui écrivons une fois ; l'adresse n'est pas publiée."),
        error_messages={"invalid": _("Adresse e-mail invalide, ex. contact@exemple.org.")},
    )

    def has_changed(self):
        # The country select starts on France: that alone is not a new organisation.
        return bool(set(self.changed_data) - {"country"})

    def clean(self):
        cleaned = super().clean()
        if not self.has_changed():
            return cleaned
        if not cleaned.get("name"):
            self.add_error("name", _("Indiquez le nom de l'organisation."))
        if not cleaned.get("role"):
            self.add_error("role", _("Choisissez son rôle dans le projet."))
        country = cleaned.get("country")
        if country is None:
            self.add_error("country", _("Choisissez le pays de l'organisation."))
            return cleaned
        if country.code == "FR":
            if not cleaned.get("family"):
                self.add_error("family", _("Choisissez la famille d'acteurs."))
            text = cleaned.get("commune", "").strip()
            found = lookup_communes(text) if text else []
            if not text:
                self.add_error("commune", _("Indiquez la commune de l'organisation en France."))
            elif len(found) != 1:
                self.add_error(
                    "commune",
                    _("Commune inconnue : « %(text)s ». Écrivez son nom exact ou son code INSEE.")
                    % {"text": text}
                    if not found
                    else _("Plusieurs communes s'appellent « %(text)s » : indiquez le code INSEE.")
                    % {"text": text},
                )
            else:
                cleaned["commune_obj"] = found[0]
        else:
            # A partner abroad is typed like everyone else: the family chosen, else guessed
            # from its name, left for staff to check when the guess is unsure (§17).
            if not cleaned.get("family"):
                family, confident = guess_family(cleaned.get("name", ""))
                cleaned["family"], cleaned["family_to_review"] = family, not confident
            if cleaned.get("commune"):
                self.add_error(
                    "commune", _("Une organisation à l'étranger n'a pas de commune française.")
                )
            if not cleaned.get("locality"):
                self.add_error("locality", _("Indiquez la ville ou la localité à l'étranger."))
        return cleaned


# -- across the lists ----------------------------------------------------------------------------


def names_one_of_own(user, participations: list[dict], own_ids: set[int]) -> bool:
    """True when one participation names an organisation the user acts for as lead or
    partner: otherwise a member would lose the right to edit the project they just saved."""
    return any(
        data["organisation"].pk in own_ids and data["role"] in EDITING_ROLES
        for data in participations
    )


def duplicate_error(participations: list[dict]) -> str:
    seen = set()
    for data in participations:
        key = (data["organisation"].pk, data["role"])
        if key in seen:
            return _gettext("« %(name)s » figure deux fois avec le rôle « %(role)s ».") % {
                "name": data["organisation"],
                "role": ParticipationRole(data["role"]).label,
            }
        seen.add(key)
    return ""


def cross_errors(user, participations: list[dict], new_organisations: list[dict]) -> list[str]:
    """The rules spanning the participants (cleaned rows of both lists)."""
    if not participations and not new_organisations:
        return [_gettext("Indiquez au moins une organisation participante, ici ou là-bas.")]
    if user is not None and not user.is_network_staff:
        own = set(
            Organisation.objects.filter(memberships__user=user)
            .exclude(status=Status.ARCHIVED)
            .values_list("pk", flat=True)
        )
        if not names_one_of_own(user, participations, own):
            return [
                _gettext(
                    "Nommez une organisation pour laquelle vous agissez comme porteur ou "
                    "partenaire du projet : sans elle, vous ne pourriez plus le modifier."
                )
            ]
    return []


# -- JSON (the API) ------------------------------------------------------------------------------


class InvalidProject(ValueError):
    """The data did not validate; the message lists every error as "label : message"."""


def _errors(form: forms.Form, prefix: str = "") -> list[str]:
    out = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        for error in errors:
            if name == "__all__" or not label:
                out.append(f"{prefix} : {error}" if prefix else str(error))
            else:
                out.append(f"{prefix}, {label} : {error}" if prefix else f"{label} : {error}")
    return out


def _rows(title, rows, make) -> tuple[list, list[str]]:
    """Validate each row (a dict) with the form `make(row)` returns; (forms, errors)."""
    forms_, errors = [], []
    for i, row in enumerate(rows or [], start=1):
        form = make({k: ("" if v is None else v) for k, v in row.items()})
        if not form.is_valid():
            errors += _errors(form, f"{title} n° {i}")
        forms_.append(form)
    return forms_, errors


def validate_project(payload: dict, *, project: Project | None = None, user=None):
    """Validate JSON `payload` (keys of the API's ProjectIn; relations as keys, vocabularies
    as primary keys): for a new project the whole record, for an existing one the keys given
    laid over its values (a list given replaces the whole list). Returns (data for the
    actions, cleaned new organisations); raises InvalidProject with every error."""
    initial = project_initial(project)
    scalars = {k: v for k, v in payload.items() if k in (*SCALARS, *M2M_FIELDS)}
    for name, value in scalars.items():
        if value is None:
            scalars[name] = [] if name in M2M_FIELDS else ""
        elif hasattr(value, "isoformat"):
            scalars[name] = value.isoformat()
    merged = {**{k: ("" if v is None else v) for k, v in initial.items()}, **scalars}
    rules = ProjectRules(merged, initial=initial if project is not None else None)
    errors = [] if rules.is_valid() else _errors(rules)
    data = rules.data_for_actions(changed_only=project is not None) if not errors else {}

    current = []
    if project is not None:
        current = list(project.participations.values_list("organisation_id", flat=True))
    participations, new_orgs = None, []
    if payload.get("participations") is not None:
        forms_, row_errors = _rows(
            _gettext("Participants"),
            payload["participations"],
            lambda row: ParticipationRules(row, user=user, current=current),
        )
        errors += row_errors
        participations = [f.cleaned_data for f in forms_ if not f.errors]
    if payload.get("new_organisations"):
        forms_, row_errors = _rows(
            _gettext("Organisations absentes de l'annuaire"),
            payload["new_organisations"],
            lambda row: NewOrganisationRules({"country": "FR", **row}),
        )
        errors += row_errors
        new_orgs = [f.cleaned_data for f in forms_ if not f.errors]
    if payload.get("places") is not None:
        here = [p for p in payload["places"] if p.get("side", PlaceSide.HERE) == PlaceSide.HERE]
        there = [p for p in payload["places"] if p.get("side") == PlaceSide.THERE]
        here_forms, here_errors = _rows(
            _gettext("Lieux ici"),
            [{"commune_text": p.get("commune"), "department": p.get("department")} for p in here],
            PlaceHereRules,
        )
        there_forms, there_errors = _rows(
            _gettext("Lieux là-bas"),
            [{"country": p.get("country"), "locality": p.get("locality")} for p in there],
            PlaceThereRules,
        )
        errors += here_errors + there_errors
        data["places"] = [f.place_data() for f in (*here_forms, *there_forms) if not f.errors]
    if payload.get("funding_lines") is not None:
        forms_, row_errors = _rows(
            _gettext("Financements"),
            [
                {"currency": "EUR", "instrument": Instrument.GRANT, **f}
                for f in payload["funding_lines"]
            ],
            FundingLineRules,
        )
        errors += row_errors
        data["funding_lines"] = [f.line_data() for f in forms_ if not f.errors]
    if participations is not None:
        if message := duplicate_error(participations):
            errors.append(message)
        data["participations"] = [
            {"organisation": p["organisation"], "role": p["role"], "note": p.get("note", "")}
            for p in participations
        ]
    if not errors:
        named = participations
        if named is None:
            named = (
                [
                    {"organisation": p.organisation, "role": p.role}
                    for p in project.participations.select_related("organisation")
                ]
                if project is not None
                else []
            )
        errors += cross_errors(user, named, new_orgs)
    if errors:
        raise InvalidProject(" ".join(errors))
    return data, new_orgs
