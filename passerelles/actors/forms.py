"""Forms for organisations (propose, edit, correct) and for moderation decisions.

Every error is in French and says how to fix it; a form with any error saves nothing (the
views only save a valid form, inside the request's transaction)."""

import re

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from passerelles.actors.legal_forms import legal_form_choices
from passerelles.actors.models import Organisation
from passerelles.core.antispam import HoneypotMixin
from passerelles.core.forms import BoundedModelMultipleChoiceField
from passerelles.geo import gazetteer
from passerelles.geo.models import Commune, Country
from passerelles.vocab.models import SdgGoal, Theme

# Code people paste by mistake or on purpose: refused with a message rather than silently
# stripped, so they know their text was not published as typed.
_DANGEROUS_MARKUP = re.compile(
    r"<\s*(script|style|iframe|object|embed|form|svg|math)\b|\bon[a-z]+\s*=|javascript\s*:",
    re.IGNORECASE,
)
_INSEE_CODE = re.compile(r"^\s*(?:.*\()?\s*(\d[\dAB]\d{3})\s*\)?\s*$", re.IGNORECASE)
ALLOWED_IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}

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
# Fields a correction may carry: everything but the logo (a file cannot wait in a JSON payload).
CORRECTION_FIELDS = [name for name in FIELDS if name != "logo"]


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


class CommuneField(forms.CharField):
    """A commune typed as a name or an INSEE code; resolved in OrganisationForm.clean_commune
    because the postcode (another field) helps to choose between homonyms."""

    def has_changed(self, initial, data):
        # "Blois (41018)" shown in the form and "41018" in a stored payload are one commune.
        def key(value):
            value = (value or "").strip()
            code = _INSEE_CODE.match(value)
            return code.group(1).upper() if code else value.casefold()

        return key(initial) != key(data)


SECTIONS = [
    (_("Identité"), ["name", "acronym", "family", "is_ess", "is_si", "legal_form"]),
    (_("Identifiants officiels"), ["siren", "siret", "rna"]),
    (_("Ce que fait l'organisation"), ["mission", "description", "offers", "needs"]),
    (_("Thèmes et pays"), ["themes", "sdgs", "countries_of_action"]),
    (_("Où elle se trouve"), ["country", "address", "postcode", "commune", "locality"]),
    (_("Contact"), ["website", "email", "phone", "logo"]),
    (_("Vous"), ["contact_email", "message"]),
]


class OrganisationForm(forms.ModelForm):
    required_css_class = "required"
    legal_form = forms.ChoiceField(
        label=_("Catégorie juridique"),
        choices=legal_form_choices,
        required=False,
        help_text=_("Telle qu'inscrite au répertoire SIRENE, si vous la connaissez."),
    )
    commune = CommuneField(
        label=_("Commune"),
        required=False,
        max_length=120,
        help_text=_(
            "Pour une organisation en France : nom de la commune ou code INSEE "
            "(ex. Blois ou 41018). Le code postal aide à distinguer les homonymes."
        ),
    )
    themes = BoundedModelMultipleChoiceField(
        label=_("Thèmes"),
        queryset=Theme.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sdgs = BoundedModelMultipleChoiceField(
        label=_("Objectifs de développement durable (ODD)"),
        queryset=SdgGoal.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries_of_action = BoundedModelMultipleChoiceField(
        label=_("Pays d'action"),
        queryset=Country.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Maintenez Ctrl (ou Cmd) pour en choisir plusieurs. Laissez vide si vous agissez "
            "seulement en France."
        ),
    )
    website = forms.URLField(
        label=_("Site web"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("ex. https://www.exemple.org"),
    )
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

    class Meta:
        model = Organisation
        fields = FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "offers": forms.Textarea(attrs={"rows": 3}),
            "needs": forms.Textarea(attrs={"rows": 3}),
            "mission": forms.TextInput(),
        }
        help_texts = {
            "siren": _("9 chiffres, sans espace."),
            "siret": _("14 chiffres : le SIREN suivi des 5 chiffres de l'établissement."),
            "rna": _("W suivi de 9 caractères, ex. W412001234 (associations)."),
            "description": _(
                "Texte simple ; les mises en forme autorisées sont les paragraphes, le gras, "
                "l'italique, les listes et les liens."
            ),
            "locality": _("Pour une organisation à l'étranger : ville ou village."),
            "is_ess": _(
                "Les associations, coopératives, mutuelles et fondations le sont de droit."
            ),
        }

    def __init__(self, *args, **kwargs):
        # No " :" after labels: the fields are stacked under their label.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [("", "—")] + list(self.fields["family"].choices)[1:]
        code = self.instance.legal_form
        if code and code not in dict(self.fields["legal_form"].choices):
            # Imported records carry any INSEE code, not only the common ones we list: keep it
            # selectable so editing another field does not fail on this one.
            self.fields["legal_form"].choices = [
                *self.fields["legal_form"].choices,
                (code, _("Code INSEE %(code)s") % {"code": code}),
            ]
        if self.instance.pk and self.instance.commune_id:
            commune = self.instance.commune
            self.initial["commune"] = f"{commune.name} ({commune.insee_code})"
        self.geocoding_failed = False

    def sections(self):
        """The fields grouped into titled fieldsets, for a long form people can scan."""
        out = []
        for title, names in SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                out.append((title, fields))
        return out

    # -- field cleaning -------------------------------------------------------------------

    def _refuse_markup(self, name):
        value = self.cleaned_data.get(name, "")
        if value and _DANGEROUS_MARKUP.search(value):
            raise forms.ValidationError(
                _(
                    "Ce texte contient du code (balise <script>, <iframe>, attribut « on… » ou "
                    "lien « javascript: ») qui n'est pas accepté. Retirez-le et envoyez à "
                    "nouveau ; les liens ordinaires et la mise en forme simple restent possibles."
                ),
                code="markup",
            )
        return value

    def clean_description(self):
        return self._refuse_markup("description")

    def clean_mission(self):
        return self._refuse_markup("mission")

    def clean_offers(self):
        return self._refuse_markup("offers")

    def clean_needs(self):
        return self._refuse_markup("needs")

    def clean_siren(self):
        return re.sub(r"\s", "", self.cleaned_data.get("siren", ""))

    def clean_siret(self):
        return re.sub(r"\s", "", self.cleaned_data.get("siret", ""))

    def clean_rna(self):
        return self.cleaned_data.get("rna", "").strip().upper()

    def find_communes(self, text: str, postcode: str) -> list:
        """The communes a typed name or code may mean (the table import's form answers from
        the look-ups it loaded once)."""
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
        if country is not None and country.code != "FR":
            if cleaned.get("commune"):
                self.add_error(
                    "commune",
                    _(
                        "Une organisation à l'étranger n'a pas de commune française : "
                        "videz ce champ."
                    ),
                )
            if not cleaned.get("locality"):
                self.add_error(
                    "locality",
                    _("Indiquez la ville ou la localité de l'organisation à l'étranger."),
                )
        elif country is not None and not cleaned.get("commune") and "commune" not in self.errors:
            self.add_error("commune", _("Indiquez la commune du siège en France."))
        return cleaned

    def _update_errors(self, errors):
        # One message per field: the model's generic rule ("indicate the commune") must not
        # repeat what the form already said more precisely ("unknown commune: …").
        if hasattr(errors, "error_dict"):
            for name in list(errors.error_dict):
                if name in self.errors:
                    del errors.error_dict[name]
            if not errors.error_dict:
                return
        super()._update_errors(errors)

    # -- saving ---------------------------------------------------------------------------

    def place_changed(self) -> bool:
        return bool({"commune", "country", "locality"} & set(self.changed_data))

    def locate(self, org: Organisation) -> None:
        """Recompute the point when the place changed: a commune gives its town hall (the
        model does it when lat is empty); abroad, the offline gazetteer, or no point at all
        rather than a guess."""
        if not (self.place_changed() or org.lat is None):
            return
        org.lat = org.lon = None
        if org.country_id != "FR" and org.locality:
            point = geocode_abroad(org.locality, org.country_id)
            if point is None:
                self.geocoding_failed = True
            else:
                org.lat, org.lon = point

    def save(self, commit=True):
        org = super().save(commit=False)
        self.locate(org)
        if commit:
            org.save()
            self.save_m2m()
        return org


def geocode_abroad(locality: str, country_code: str) -> tuple[float, float] | None:
    """(lat, lon) of a locality abroad from the packaged gazetteer, or None when not found."""
    return gazetteer.geocode_abroad(locality, country_code).point


class ProposeForm(HoneypotMixin, OrganisationForm):
    """A new organisation from anyone. Visitors without an account leave an e-mail so staff
    can answer; logged-in people are answered at their account's address."""

    contact_email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        required=False,
        help_text=_("Pour vous prévenir de la décision. Elle ne sera pas publiée."),
    )
    message = forms.CharField(
        label=_("Un mot pour l'équipe du réseau (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and user.is_authenticated:
            del self.fields["contact_email"]
        else:
            self.fields["contact_email"].required = True


class CorrectionForm(HoneypotMixin, OrganisationForm):
    """A correction to a published organisation: the same fields (no logo), applied by staff."""

    message = forms.CharField(
        label=_("Pourquoi cette correction ? (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        required=False,
        help_text=_("Pour vous prévenir de la décision. Elle ne sera pas publiée."),
    )

    class Meta(OrganisationForm.Meta):
        fields = CORRECTION_FIELDS

    def __init__(self, *args, user=None, applying=False, **kwargs):
        super().__init__(*args, **kwargs)
        if applying:
            # Staff applying a stored payload: the proposer's own fields are not part of it.
            del self.fields["contact_email"], self.fields["message"]
        elif user is not None and user.is_authenticated:
            del self.fields["contact_email"]
        else:
            self.fields["contact_email"].required = True

    def changed_payload(self) -> dict:
        """The changed fields only, in form-data shape (primary keys for relations)."""
        return {
            name: to_form_value(self.cleaned_data[name])
            for name in self.changed_data
            if name in CORRECTION_FIELDS
        }


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


def form_data_from_instance(org: Organisation) -> dict:
    """The data a correction form would post unchanged, so a payload can be laid over it."""
    data = {}
    for name in CORRECTION_FIELDS:
        if name in ("themes", "sdgs", "countries_of_action"):
            data[name] = sorted(str(pk) for pk in getattr(org, name).values_list("pk", flat=True))
        elif name == "commune":
            data[name] = org.commune_id or ""
        elif name == "country":
            data[name] = org.country_id or ""
        else:
            value = getattr(org, name)
            data[name] = value if isinstance(value, bool) else ("" if value is None else value)
    return data


# -- moderation ---------------------------------------------------------------------------


class StackedForm(forms.Form):
    """Labels above their field, without Django's " :" suffix."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class RejectForm(StackedForm):
    reason = forms.CharField(
        label=_("Motif du refus (envoyé à la personne qui propose)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Indiquez le motif du refus : il sera envoyé par e-mail.")},
    )


class MergeForm(StackedForm):
    target = forms.ModelChoiceField(
        label=_("Fiche existante à conserver"),
        queryset=Organisation.objects.exclude(status="archived"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Cette fiche n'existe pas ou est archivée.")},
    )
    target_slug = forms.SlugField(
        label=_("ou identifiant d'adresse de la fiche (la fin de son adresse)"),
        required=False,
    )

    def __init__(self, *args, duplicate=None, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicate = duplicate
        qs = Organisation.objects.exclude(status="archived")
        if duplicate is not None:
            qs = qs.exclude(pk=duplicate.pk)
        self.fields["target"].queryset = qs
        self.fields["target"].choices = [(c.pk, f"{c} — {c.place_label}") for c in candidates]

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("target")
        slug = cleaned.get("target_slug")
        if target is None and slug:
            target = self.fields["target"].queryset.filter(slug=slug).first()
            if target is None:
                self.add_error("target_slug", _("Aucune fiche active avec cet identifiant."))
        if target is None and not self.errors:
            raise forms.ValidationError(_("Choisissez la fiche existante à conserver."))
        cleaned["target"] = target
        return cleaned
