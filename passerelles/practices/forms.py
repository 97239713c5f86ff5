"""The practice sheet's form (propose or edit), staff's refusal and the pair curation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.actors.models import Organisation
from passerelles.geo.models import Commune, Country
from passerelles.practices.actions import FIELDS
from passerelles.practices.models import Practice
from passerelles.projects.models import Project
from passerelles.vocab.models import Theme


class PracticeForm(forms.ModelForm):
    """A commune is typed (name or INSEE code), not chosen in a list of the region's 1,754:
    the page stays light on a phone. Organisations and projects are chosen among the person's
    own (and those the sheet already names): a whole directory does not fit a form."""

    commune_text = forms.CharField(
        label=_("Commune (ici)"),
        max_length=120,
        required=False,
        help_text=_("Nom ou code INSEE, si cela s'est passé ici."),
    )

    class Meta:
        model = Practice
        fields = [
            "title",
            "problem",
            "side",
            "country",
            "locality",
            "context",
            "what_was_done",
            "cost_amount",
            "cost_currency",
            "cost_text",
            "what_worked",
            "what_did_not",
            "contacts",
            "themes",
            "countries",
            "organisations",
            "projects",
        ]
        widgets = {
            "side": forms.RadioSelect,
            "themes": forms.CheckboxSelectMultiple,
            "organisations": forms.CheckboxSelectMultiple,
            "projects": forms.CheckboxSelectMultiple,
            "countries": forms.SelectMultiple(attrs={"size": 6}),
        }
        labels = {"country": _("Pays (là-bas)"), "locality": _("Localité (là-bas)")}
        formfield_callback = Practice.text_fields.formfield

    field_order = ["title", "problem", "side", "commune_text", "country", "locality"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.active()
        self.fields["country"].queryset = Country.objects.all()
        self.fields["countries"].queryset = Country.objects.all()
        self.fields["countries"].help_text = _("Les pays où la solution pourrait servir.")
        mine = Organisation.objects.filter(memberships__user=user) if user else None
        linked = self.instance.pk
        orgs = Organisation.objects.none() if mine is None else mine
        projects = Project.objects.filter(participations__organisation__in=orgs.values("pk"))
        if linked:
            orgs = orgs | Organisation.objects.filter(practices=self.instance)
            projects = projects | Project.objects.filter(practices=self.instance)
        self.fields["organisations"].queryset = orgs.distinct().order_by("name")
        self.fields["projects"].queryset = projects.distinct().order_by("title")
        for name in ("organisations", "projects"):
            if not self.fields[name].queryset.exists():
                del self.fields[name]
        if self.instance.pk and self.instance.commune_id:
            commune = self.instance.commune
            self.initial["commune_text"] = f"{commune.name} ({commune.insee_code})"

    def clean(self):
        data = super().clean()
        side = data.get("side")
        text = (data.get("commune_text") or "").strip()
        data["commune"] = None
        if side == "here" and text:
            found = list(Commune.objects.lookup(text)[:2])
            if not found:
                self.add_error("commune_text", _("Commune introuvable : vérifiez le nom."))
            elif len(found) > 1 and found[0].name.lower() == found[1].name.lower():
                self.add_error(
                    "commune_text",
                    _("Plusieurs communes portent ce nom : donnez le code INSEE."),
                )
            else:
                data["commune"] = found[0]
        if side == "there" and not data.get("country"):
            self.add_error("country", _("Dites dans quel pays cela s'est passé."))
        if data.get("cost_amount") is not None and not data.get("cost_currency"):
            self.add_error("cost_currency", _("Indiquez la devise du montant."))
        return data

    def data_for_actions(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in FIELDS}
        data["commune"] = self.cleaned_data.get("commune")
        for name in ("themes", "countries", "organisations", "projects"):
            if name in self.fields:
                data[name] = list(self.cleaned_data.get(name) or [])
        for name in ("cost_currency", "cost_text", "locality", "context", "contacts"):
            data[name] = data[name] or ""
        for name in ("what_worked", "what_did_not"):
            data[name] = data[name] or ""
        return data


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label=_("motif du refus (lu par l'auteur·rice)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
