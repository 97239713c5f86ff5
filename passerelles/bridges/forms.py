from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Family, Side
from passerelles.bridges.models import CommonIssue, FundingCall
from passerelles.core.richtext import PlainTextField
from passerelles.core.text_limits import field_limit
from passerelles.geo.models import Department

MAX_NEED = 1000


class PartnerSearchForm(forms.Form):
    need = PlainTextField(
        multiline=True,
        label=_("Ce que vous cherchez, en quelques mots"),
        required=False,
        max_length=MAX_NEED,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Par exemple : « nous cherchons une coopérative maraîchère pour accueillir des "
            "stagiaires burkinabè »."
        ),
    )
    organisation = forms.CharField(required=False, widget=forms.HiddenInput)
    other_world = forms.BooleanField(
        label=_("Seulement l'autre monde (ESS ↔ solidarité internationale)"), required=False
    )
    side = forms.ChoiceField(
        label=_("Ici ou là-bas"),
        required=False,
        choices=[("", _("Partout"))] + list(Side.choices),
    )
    department = forms.ModelChoiceField(
        label=_("Département"),
        required=False,
        queryset=Department.objects.none(),
        empty_label=_("Tous"),
        to_field_name="code",
    )
    family = forms.ChoiceField(
        label=_("Famille d'acteurs"),
        required=False,
        choices=[("", _("Toutes"))] + list(Family.choices),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Departments where the directory has organisations (the network's region).
        self.fields["department"].queryset = Department.objects.filter(
            code__in=_used_departments()
        ).order_by("code")
        self.fields["department"].label_from_instance = lambda d: f"{d.code} — {d.name}"


def _used_departments():
    from passerelles.actors.models import Organisation

    return Organisation.objects.exclude(department=None).values("department_id")


class FundingCallForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Lien vers l'appel"),
        required=False,
        assume_scheme="https",
        # The column's length, so the box says it too (the model's check refused it after).
        max_length=field_limit(FundingCall, "url"),
    )
    eligible_families = forms.MultipleChoiceField(
        label=_("Familles éligibles"),
        required=False,
        choices=Family.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune : toutes les familles d'acteurs sont éligibles."),
    )

    class Meta:
        model = FundingCall
        fields = [
            "title",
            "funder_name",
            "description",
            "opens_on",
            "closes_on",
            "eligible_families",
            "themes",
            "countries",
            "zones",
            "amount_min",
            "amount_max",
            "cofunding_rate",
            "url",
            "is_published",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "themes": forms.CheckboxSelectMultiple,
            "zones": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        # Plain names; the presentation edited as Markdown, stored sanitised.
        formfield_callback = FundingCall.text_fields.formfield


class CommonIssueForm(forms.ModelForm):
    class Meta:
        model = CommonIssue
        fields = ["title", "description", "themes", "keywords", "position", "is_published"]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        formfield_callback = CommonIssue.text_fields.formfield
