"""Forms for organisations (propose, edit, correct) and for moderation decisions.

The rules are passerelles.actors.validation.OrganisationRules (shared with the API and the
table import); these classes add what a page needs around them: widgets, sections, help, the
proposer's own fields. Every error is in French and says how to fix it; a form with any error
saves nothing (views hand only a valid form's data to the actions)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.actors.models import Organisation, Proposal
from passerelles.actors.validation import (
    FIELDS,
    OrganisationRules,
    lookup_commune,
    lookup_communes,
    organisation_initial,
    to_form_value,
)
from passerelles.core.antispam import HoneypotMixin
from passerelles.core.text_limits import field_limit

__all__ = [
    "CorrectionForm",
    "MergeForm",
    "OrganisationForm",
    "ProposeForm",
    "RejectForm",
    "lookup_commune",
    "lookup_communes",
]

# Fields a correction may carry: everything but the logo (a file cannot wait in a JSON payload).
CORRECTION_FIELDS = [name for name in FIELDS if name != "logo"]

SECTIONS = [
    (_("Identité"), ["name", "acronym", "family", "is_ess", "is_si", "legal_form"]),
    (_("Identifiants officiels"), ["siren", "siret", "rna"]),
    (_("Ce que fait l'organisation"), ["mission", "description", "offers", "needs"]),
    (_("Thèmes et pays"), ["themes", "sdgs", "countries_of_action"]),
    (_("Où elle se trouve"), ["country", "address", "postcode", "commune", "locality"]),
    (_("Contact"), ["website", "email", "phone", "logo"]),
    (_("Vous"), ["contact_email", "message"]),
]


class OrganisationForm(OrganisationRules):
    """The organisation's page form: the rules, laid out for people."""

    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        # No " :" after labels: the fields are stacked under their label.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        fields = self.fields
        if "country" not in self.initial:
            self.initial["country"] = "FR"
        fields["family"].choices = [("", "—")] + list(fields["family"].choices)[1:]
        fields["description"].widget.attrs.update({"rows": 8})
        for name in ("offers", "needs"):
            fields[name].widget = forms.Textarea(attrs={"rows": 3})
        fields["themes"].widget = forms.CheckboxSelectMultiple(choices=fields["themes"].choices)
        fields["sdgs"].widget = forms.CheckboxSelectMultiple(choices=fields["sdgs"].choices)
        fields["countries_of_action"].widget = forms.SelectMultiple(
            attrs={"size": 8}, choices=fields["countries_of_action"].choices
        )
        fields["countries_of_action"].help_text = _(
            "Maintenez Ctrl (ou Cmd) pour en choisir plusieurs. Laissez vide si vous agissez "
            "seulement en France."
        )
        fields["siren"].help_text = _("9 chiffres, sans espace.")
        fields["siret"].help_text = _(
            "14 chiffres : le SIREN suivi des 5 chiffres de l'établissement."
        )
        fields["rna"].help_text = _("W suivi de 9 caractères, ex. W412001234 (associations).")
        fields["offers"].help_text = _("Savoir-faire, ressources, accueil… en texte simple.")
        fields["needs"].help_text = _("Partenaires, compétences, moyens… en texte simple.")
        fields["locality"].help_text = _("Pour une organisation à l'étranger : ville ou village.")
        fields["is_ess"].help_text = _(
            "Les associations, coopératives, mutuelles et fondations le sont de droit."
        )
        org = self.organisation
        if org is not None and org.commune_id:
            commune = org.commune
            self.initial["commune"] = f"{commune.name} ({commune.insee_code})"

    def sections(self):
        """The fields grouped into titled fieldsets, for a long form people can scan."""
        out = []
        for title, names in SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                out.append((title, fields))
        return out


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
        max_length=field_limit(Proposal, "message"),
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
        max_length=field_limit(Proposal, "message"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        required=False,
        help_text=_("Pour vous prévenir de la décision. Elle ne sera pas publiée."),
    )

    def __init__(self, *args, user=None, applying=False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["logo"]
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


def form_data_from_instance(org: Organisation) -> dict:
    """The data a correction form would post unchanged, so a payload can be laid over it."""
    data = organisation_initial(org)
    data.pop("logo", None)
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
        max_length=field_limit(Proposal, "reason"),
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
