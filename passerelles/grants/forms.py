"""The application form (with its budget lines), the jury's forms and staff's decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.actors.models import Organisation
from passerelles.grants.enums import Funder
from passerelles.grants.models import AMOUNT, MAX_SCORE
from passerelles.projects.models import Project


class ApplicationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("organisation candidate"), queryset=Organisation.objects.none()
    )
    title = forms.CharField(label=_("titre du projet"), max_length=200)
    summary = forms.CharField(label=_("résumé"), max_length=4000, widget=forms.Textarea)
    project = forms.ModelChoiceField(
        label=_("projet existant (facultatif)"), queryset=Project.objects.none(), required=False
    )
    partner = forms.ModelChoiceField(
        label=_("partenaire là-bas"),
        queryset=Organisation.objects.published().there().order_by("name"),
        required=False,
        help_text=_("Une organisation de l'annuaire, dans le pays du projet."),
    )
    partner_role = forms.CharField(
        label=_("rôle du partenaire"), max_length=2000, required=False, widget=forms.Textarea
    )
    partner_contribution = forms.CharField(
        label=_("apport du partenaire"), max_length=2000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, organisations=None, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        if application is not None:
            del self.fields["organisation"]
            orgs = [application.organisation_id]
        else:
            self.fields["organisation"].queryset = organisations
            if len(organisations) == 1:
                # One organisation: nothing to choose, but still shown (and changeable).
                self.fields["organisation"].initial = organisations[0].pk
            orgs = organisations.values("pk")
        self.fields["project"].queryset = Project.objects.filter(
            participations__organisation__in=orgs
        ).distinct()


class BudgetLineForm(forms.Form):
    label = forms.CharField(label=_("poste"), max_length=200, required=False)
    amount = forms.DecimalField(label=_("montant (€)"), min_value=0, required=False, **AMOUNT)
    funder = forms.ChoiceField(label=_("financé par"), choices=Funder.choices, required=False)

    def clean(self):
        data = super().clean()
        if data.get("label") and data.get("amount") is None:
            self.add_error("amount", _("Indiquez le montant de ce poste."))
        return data


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, extra=3, max_num=30)


class ScoreForm(forms.Form):
    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, str(n)) for n in range(MAX_SCORE + 1)]
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.TypedChoiceField(
                label=_("%(label)s (poids %(weight)s)")
                % {"label": criterion.label, "weight": criterion.weight},
                choices=choices,
                coerce=int,
            )

    def values(self) -> dict[int, int]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("motif"), max_length=300, required=False)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("commentaire"), max_length=4000, widget=forms.Textarea)


class DecisionForm(forms.Form):
    amount = forms.DecimalField(
        label=_("montant accordé (€)"),
        min_value=0,
        help_text=_("0 : candidature non retenue."),
        **AMOUNT,
    )
