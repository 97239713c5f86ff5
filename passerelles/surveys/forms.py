"""The survey's forms: staff's campaign form and the short answer form of the personal link.

Numbers are typed as people write them ("12 000", "12 000 €"): spaces and a euro sign are
dropped; anything else that is not a whole number, a negative number or an implausible one
gets a sentence saying what to type, never a traceback."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from passerelles.geo.models import Country
from passerelles.surveys.models import MAX_BUDGET, MAX_PEOPLE, Campaign

_IGNORED = re.compile(r"[\s\u00a0\u202f€]")


class CountField(forms.IntegerField):
    widget = forms.TextInput

    def __init__(self, *, maximum: int, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(min_value=None, max_value=None, **kwargs)
        self.maximum = maximum

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A numeric keypad on phones, without type=number's spinner and its refusal of spaces.
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "size": "12"})
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = _IGNORED.sub("", value)
            if value.startswith("-") and value[1:].isdigit():
                raise ValidationError(
                    _("Indiquez un nombre positif ou zéro, pas un nombre négatif."),
                    code="negative",
                )
            if value and not value.isdigit():
                raise ValidationError(
                    _("Indiquez un nombre entier, en chiffres (par exemple 12 000)."),
                    code="invalid",
                )
            if len(value) > 15:
                value = str(10**15)  # compared below; never converted from a huge string
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value is not None and value > self.maximum:
            raise ValidationError(
                _("Ce nombre paraît trop grand (au plus %(max)s) : vérifiez-le."),
                code="too_large",
                params={"max": number_format(self.maximum, force_grouping=True)},
            )


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("Année observée"), min_value=2000, max_value=2100)
    deadline = forms.DateField(
        label=_("Date limite de réponse"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reminder_days = forms.IntegerField(
        label=_("Jours entre deux relances"), min_value=1, max_value=90, initial=7
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise ValidationError(_("On ne peut pas enquêter sur une année qui n'a pas commencé."))
        if Campaign.objects.filter(year=year).exists():
            raise ValidationError(_("Une enquête existe déjà pour cette année."))
        return year

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise ValidationError(_("La date limite doit être aujourd'hui ou plus tard."))
        return deadline


class ReopenForm(forms.Form):
    deadline = forms.DateField(
        label=_("Nouvelle date limite"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise ValidationError(_("La date limite doit être aujourd'hui ou plus tard."))
        return deadline


class AnswerForm(forms.Form):
    """Built for one organisation and year from what the platform knows (surveys.prefill)."""

    staff = CountField(
        label=_("Nombre de salarié·es"),
        maximum=MAX_PEOPLE,
        help_text=_("En personnes, au 31 décembre ; 0 si vous n'avez pas de salarié·e."),
    )
    volunteers = CountField(
        label=_("Nombre de bénévoles actifs"),
        maximum=MAX_PEOPLE,
        help_text=_("Les personnes qui ont donné de leur temps au moins une fois dans l'année."),
    )
    si_budget = CountField(
        label=_("Budget consacré à la solidarité internationale (en euros)"),
        maximum=MAX_BUDGET,
        help_text=_("Dépenses de l'année pour vos actions ici et là-bas, sans les centimes."),
    )
    beneficiaries = CountField(
        label=_("Nombre de personnes bénéficiaires (estimation)"),
        maximum=MAX_PEOPLE * 100,
        help_text=_("Ici et là-bas ; laissez vide si vous ne savez pas."),
    )
    projects = forms.MultipleChoiceField(
        label=_("Vos projets de l'année"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Décochez ceux qui n'ont pas eu d'activité cette année."),
    )
    other_projects = forms.CharField(
        label=_("Autres projets de l'année, absents de cette liste"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    countries = forms.MultipleChoiceField(
        label=_("Pays où vous agissez"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Décochez un pays où vous n'agissez plus : votre fiche sera mise à jour."),
    )
    add_country = forms.ModelChoiceField(
        label=_("Ajouter un pays"),
        required=False,
        queryset=Country.objects.exclude(pk="FR"),
        empty_label=_("(aucun)"),
    )
    partners = forms.MultipleChoiceField(
        label=_("Vos partenaires dans ces projets"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Décochez ceux avec qui vous n'avez pas travaillé cette année."),
    )
    other_partners = forms.CharField(
        label=_("Autres partenaires de l'année"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    respondent = forms.CharField(label=_("Votre nom (facultatif)"), required=False, max_length=120)
    comment = forms.CharField(
        label=_("Un commentaire pour l'équipe du réseau"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, known, answer=None, **kwargs):
        self.known = known
        self.project_objects = {str(p.pk): p for p in known.projects}
        super().__init__(*args, initial=self._initial(known, answer), **kwargs)
        self.fields["projects"].choices = [(str(p.pk), p.title) for p in known.projects]
        countries = {c.pk: c for c in known.countries}
        if answer is not None:
            # Countries ticked earlier stay on the list, even if no longer known elsewhere.
            countries.update({c.pk: c for c in Country.objects.filter(pk__in=answer.countries)})
        self.fields["countries"].choices = [
            (c.pk, str(c)) for c in sorted(countries.values(), key=lambda c: str(c))
        ]
        partners = set(known.partners) | set(answer.partners if answer else ())
        self.fields["partners"].choices = [(p, p) for p in sorted(partners, key=str.casefold)]
        for name in ("projects", "countries", "partners"):
            if not self.fields[name].choices:
                del self.fields[name]

    @staticmethod
    def _initial(known, answer) -> dict:
        if answer is None:
            return {
                "projects": [str(p.pk) for p in known.projects],
                "countries": [c.pk for c in known.countries],
                "partners": list(known.partners),
            }
        initial = {
            name: getattr(answer, name)
            for name in (
                "staff",
                "volunteers",
                "si_budget",
                "beneficiaries",
                "other_projects",
                "other_partners",
                "respondent",
                "comment",
            )
        }
        initial["projects"] = [str(pk) for pk in answer.projects.values_list("pk", flat=True)]
        initial["countries"] = list(answer.countries)
        initial["partners"] = list(answer.partners)
        return initial

    def chosen_projects(self) -> list:
        return [self.project_objects[pk] for pk in self.cleaned_data.get("projects", [])]

    def chosen_countries(self) -> list[str]:
        codes = list(self.cleaned_data.get("countries", []))
        if self.cleaned_data.get("add_country"):
            codes.append(self.cleaned_data["add_country"].pk)
        return codes

    def chosen_partners(self) -> list[str]:
        return list(self.cleaned_data.get("partners", []))
