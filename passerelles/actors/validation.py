"""Every rule an organisation's data must meet, in one place: `OrganisationRules`.

The web forms (passerelles.actors.forms) are this class with widgets, sections and help
around it; the API validates JSON with it; the table import validates each row with it (with
its vocabularies looked up once per file). What it cleans is plain data for the actions module
(passerelles.actors.actions): texts cleaned (plain or sanitised rich text, decided per field),
identifiers normalised, the commune resolved, relations as objects.

Every message is in French (English through the catalogue) and says how to fix the value.
"""

import re

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from passerelles.actors.legal_forms import legal_form_choices
from passerelles.actors.models import Organisation
from passerelles.actors.rules import place_and_identifier_errors
from passerelles.core.forms import BoundedModelMultipleChoiceField
from passerelles.core.richtext import PlainTextField, RichTextField
from passerelles.geo.models import Commune, Country
from passerelles.vocab.models import SdgGoal, Theme

_INSEE_CODE = re.compile(r"^\s*(?:.*\()?\s*(\d[\dAB]\d{3})\s*\)?\s*$", re.IGNORECASE)
ALLOWED_IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
M2M_FIELDS = ("themes", "sdgs", "countries_of_action")

# The fields people give; the actions derive the rest.
FIELDS = [
    "name",
    "acronym",
    "family",
    "is_ess",
    "is_si",
    "legal_form",
    "siren",
    "siret",
    "rna",
    "mission",
    "description",
    "offers",
    "needs",
    "themes",
    "sdgs",
    "countries_of_action",
    "address",
    "postcode",
    "commune",
    "country",
    "locality",
    "website",
    "email",
    "phone",
    "logo",
]


def lookup_communes(text: str, postcode: str = "") -> list[Commune]:
    """Communes matching a name or an INSEE code (also "Blois (41018)", the form's own initial
    value), narrowed by the postcode; best first. Several means homonyms remain."""
    text = (text or "").strip()
    if not text:
        return []
    code = _INSEE_CODE.match(text)
    if code:
        return list(Commune.objects.filter(insee_code=code.group(1).upper()))
    return list(Commune.objects.lookup(text, postcode=postcode or None)[:5])


def lookup_commune(text: str, postcode: str = "") -> Commune | None:
    """The one commune meant, or None when unknown or still ambiguous."""
    found = lookup_communes(text, postcode)
    return found[0] if len(found) == 1 else None


def commune_key(value) -> str:
    """ "Blois (41018)", "41018" and a Commune are one commune."""
    if hasattr(value, "pk"):
        return str(value.pk)
    value = str(value or "").strip()
    code = _INSEE_CODE.match(value)
    return code.group(1).upper() if code else value.casefold()


class CommuneField(forms.CharField):
    """A commune typed as a name or an INSEE code; resolved in clean_commune because the
    postcode (another field) helps to choose between homonyms."""

    def has_changed(self, initial, data):
        return commune_key(initial) != commune_key(data)


def _model_field(name: str, **kwargs):
    """The form field of the model's field `name`: its label, length and choices. The model's
    own validators (SIREN key, RNA format) run in the clean_<name> methods, after the value is
    normalised (spaces out, upper case), as the person typed it is not what is checked."""
    return Organisation._meta.get_field(name).formfield(**kwargs)


def _checked(name: str, value: str) -> str:
    if value:
        Organisation._meta.get_field(name).run_validators(value)
    return value


class OrganisationRules(forms.Form):
    """An organisation's data, validated. Plain texts: names, mission, offers, needs; rich
    text: the description (edited as Markdown)."""

    name = _model_field("name", form_class=PlainTextField)
    acronym = _model_field("acronym", form_class=PlainTextField)
    family = _model_field("family")
    is_ess = _model_field("is_ess")
    is_si = _model_field("is_si")
    legal_form = forms.ChoiceField(
        label=_("Catégorie juridique"),
        choices=legal_form_choices,
        required=False,
        help_text=_("Telle qu'inscrite au répertoire SIRENE, si vous la connaissez."),
    )
    siren = _model_field("siren")
    siret = _model_field("siret")
    rna = _model_field("rna")
    mission = _model_field("mission", form_class=PlainTextField)
    description = _model_field("description", form_class=RichTextField)
    offers = _model_field("offers", form_class=PlainTextField, multiline=True)
    needs = _model_field("needs", form_class=PlainTextField, multiline=True)
    themes = BoundedModelMultipleChoiceField(
        label=_("Thèmes"), queryset=Theme.objects.active(), required=False
    )
    sdgs = BoundedModelMultipleChoiceField(
        label=_("Objectifs de développement durable (ODD)"),
        queryset=SdgGoal.objects.all(),
        required=False,
    )
    countries_of_action = BoundedModelMultipleChoiceField(
        label=_("Pays d'action"), queryset=Country.objects.all(), required=False
    )
    address = _model_field("address", form_class=PlainTextField)
    postcode = _model_field("postcode", form_class=PlainTextField)
    commune = CommuneField(
        label=_("Commune"),
        required=False,
        max_length=120,
        help_text=_(
            "Pour une organisation en France : nom de la commune ou code INSEE "
            "(ex. Blois ou 41018). Le code postal aide à distinguer les homonymes."
        ),
    )
    country = forms.ModelChoiceField(
        label=_("Pays"),
        queryset=Country.objects.all(),
        error_messages={"invalid_choice": _("Pays inconnu : choisissez-le dans la liste.")},
    )
    locality = _model_field("locality", form_class=PlainTextField)
    website = forms.URLField(
        label=_("Site web"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("ex. https://www.exemple.org"),
    )
    email = _model_field("email")
    phone = _model_field("phone", form_class=PlainTextField)
    logo = forms.ImageField(
        label=_("Logo"),
        required=False,
        error_messages={
            "invalid_image": _(
                "Le logo doit être une image (PNG, JPEG, GIF ou WebP) ; ce fichier n'en est "
                "pas une ou il est abîmé."
            ),
        },
    )

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs):
        if organisation is not None and "initial" not in kwargs:
            kwargs["initial"] = organisation_initial(organisation)
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        code = organisation.legal_form if organisation is not None else ""
        field = self.fields.get("legal_form")
        if field is not None and code and code not in dict(field.choices):
            # Imported records carry any INSEE code, not only the common ones we list: keep it
            # selectable so editing another field does not fail on this one.
            field.choices = [*field.choices, (code, _("Code INSEE %(code)s") % {"code": code})]

    # -- fields ---------------------------------------------------------------------------

    def clean_siren(self):
        return _checked("siren", re.sub(r"\s", "", self.cleaned_data.get("siren", "")))

    def clean_siret(self):
        return _checked("siret", re.sub(r"\s", "", self.cleaned_data.get("siret", "")))

    def clean_rna(self):
        return _checked("rna", self.cleaned_data.get("rna", "").strip().upper())

    def find_communes(self, text: str, postcode: str) -> list:
        """The communes a typed name or code may mean (the table import answers from the
        look-ups it loaded once)."""
        return lookup_communes(text, postcode)

    def clean_commune(self):
        text = self.cleaned_data.get("commune", "").strip()
        if not text:
            return None
        found = self.find_communes(text, self.cleaned_data.get("postcode", ""))
        if len(found) > 1:
            raise forms.ValidationError(
                _(
                    "Plusieurs communes s'appellent « %(text)s » (%(names)s). Indiquez le code "
                    "postal ou le code INSEE de la bonne."
                ),
                params={"text": text, "names": ", ".join(str(c) for c in found[:5])},
                code="ambiguous_commune",
            )
        if not found:
            raise forms.ValidationError(
                _(
                    "Commune inconnue : « %(text)s ». Écrivez son nom exact (ex. "
                    "Saint-Jean-de-Braye) avec le code postal, ou son code INSEE à 5 caractères."
                ),
                params={"text": text},
                code="unknown_commune",
            )
        return found[0]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        # An unchanged logo comes back as the stored file; only new uploads are checked.
        if not logo or not hasattr(logo, "content_type"):
            return logo
        limit = settings.PASSERELLES_MAX_UPLOAD_BYTES
        if logo.size > limit:
            raise forms.ValidationError(
                _("Le logo pèse %(size)s ; la limite est de %(limit)s. Réduisez l'image."),
                params={"size": filesizeformat(logo.size), "limit": filesizeformat(limit)},
                code="too_large",
            )
        image = getattr(logo, "image", None)
        if image is None or image.format not in ALLOWED_IMAGE_FORMATS:
            raise forms.ValidationError(
                _("Le logo doit être une image PNG, JPEG, GIF ou WebP."), code="image_type"
            )
        return logo

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("country")
        if country is None:
            return cleaned
        errors = place_and_identifier_errors(
            country=country,
            commune=cleaned.get("commune"),
            locality=cleaned.get("locality", ""),
            siren=cleaned.get("siren", ""),
            siret=cleaned.get("siret", ""),
        )
        for name, message in errors.items():
            # One message per field: "unknown commune: …" already says more than "indicate the
            # commune".
            if name not in self.errors and name in self.fields:
                self.add_error(name, message)
        return cleaned

    # -- output ---------------------------------------------------------------------------

    def data_for_actions(self, *, changed_only: bool = False) -> dict:
        """The cleaned values the actions take: every field, or only those that changed from
        the initial values (an update)."""
        names = self.changed_data if changed_only else list(self.cleaned_data)
        data = {}
        for name in names:
            if name not in self.cleaned_data or name not in _DATA_NAMES:
                continue
            value = self.cleaned_data[name]
            if name in M2M_FIELDS:
                value = list(value or ())
            elif name == "logo" and value is None:
                continue  # no new file: keep the stored one
            data[name] = value
        if changed_only and "family" in data:
            # A family chosen by a person (staff or a member) is no longer a guess to check.
            data["family_to_review"] = False
        return data


_DATA_NAMES = frozenset(FIELDS)


class InvalidOrganisation(ValueError):
    """The data did not validate; `errors` maps a field to its French messages."""

    def __init__(self, form: forms.Form):
        self.form = form
        self.errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        super().__init__(errors_as_text(form))


def errors_as_text(form: forms.Form) -> str:
    """Every error as "Label : message", on one line (API answers, import reports)."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else name
        for error in errors:
            parts.append(str(error) if name == "__all__" else f"{label} : {error}")
    return " ; ".join(parts)


def organisation_initial(org: Organisation) -> dict:
    """What a form shows for `org` (and what a stored correction is laid over): form-data
    shape, primary keys for relations."""
    data = {}
    for name in FIELDS:
        if name in M2M_FIELDS:
            data[name] = (
                sorted(str(pk) for pk in getattr(org, name).values_list("pk", flat=True))
                if org.pk
                else []
            )
        elif name == "commune":
            data[name] = org.commune_id or ""
        elif name == "country":
            data[name] = org.country_id or ""
        elif name == "logo":
            data[name] = org.logo or None
        else:
            value = getattr(org, name)
            data[name] = value if isinstance(value, bool) else ("" if value is None else value)
    return data


def validate_organisation(
    data: dict,
    *,
    instance: Organisation | None = None,
    rules: type[OrganisationRules] = OrganisationRules,
    files=None,
    **kwargs,
) -> dict:
    """Validate `data` (JSON, a table row, a stored correction): for a new organisation the
    whole record, for an existing one the given keys laid over its current values. Returns
    what the actions take (for an update, only what changes); raises InvalidOrganisation."""
    if instance is not None:
        initial = organisation_initial(instance)
        merged = {**initial, **data}
        form = rules(merged, files, organisation=instance, initial=initial, **kwargs)
    else:
        form = rules(data, files, **kwargs)
    if not form.is_valid():
        raise InvalidOrganisation(form)
    return form.data_for_actions(changed_only=instance is not None)


def to_form_value(value):
    """A cleaned value → what a browser would post for it (JSON-serialisable)."""
    if value is None:
        return ""
    if hasattr(value, "_meta"):
        return str(value.pk)
    if hasattr(value, "model") and hasattr(value, "values_list"):
        return sorted(str(pk) for pk in value.values_list("pk", flat=True))
    if isinstance(value, list | tuple | set):
        return sorted(str(getattr(v, "pk", v)) for v in value)
    if isinstance(value, bool):
        return value
    return str(value)
