"""Forms of a project: its description, its places here and there, its funding lines. The
participants have their own module (participants.py); editor.py puts everything together.

Every error is in French and says how to fix it; nothing is saved unless every form is valid."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from passerelles.actors.validation import lookup_communes
from passerelles.core.forms import BoundedModelMultipleChoiceField
from passerelles.core.richtext import DANGEROUS_MARKUP
from passerelles.geo import gazetteer
from passerelles.geo.models import Country, Department
from passerelles.projects.enums import PlaceSide
from passerelles.projects.models import FundingLine, Project, ProjectPlace
from passerelles.vocab.models import DacSector, SdgTarget, Theme

MARKUP_ERROR = _(
    "Ce texte contient du code (balise <script>, <iframe>, attribut « on… » ou lien "
    "« javascript: ») qui n'est pas accepté. Retirez-le et envoyez à nouveau ; les liens "
    "ordinaires et la mise en forme simple restent possibles."
)


def refuse_markup(value: str) -> str:
    """Refuse pasted code with a message, rather than strip it silently (the model sanitises
    what remains, in any case)."""
    if value and DANGEROUS_MARKUP.search(value):
        raise ValidationError(MARKUP_ERROR, code="markup")
    return value


class StackedMixin:
    """Labels above their field, without Django's " :" suffix, like the directory's forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class FastSelect(forms.Select):
    """A <select> rendered in Python rather than one template per option: the editor has a few
    thousand options (countries and departments on every place row, SDG targets, DAC sectors),
    which Django's template widgets take seconds to render."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        if self.allow_multiple_selected:
            final["multiple"] = True

        def option(key, label):
            key = str(getattr(key, "value", key))
            mark = mark_safe(" selected") if key in selected else ""
            return format_html('<option value="{}"{}>{}</option>', key, mark, label)

        parts = []
        for key, label in self.choices:
            if isinstance(label, list | tuple):
                inner = mark_safe("".join(option(k, lab) for k, lab in label))
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', key, inner))
            else:
                parts.append(option(key, label))
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe("".join(parts)))


class FastSelectMultiple(FastSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


DATE_ERRORS = {"invalid": _("Date invalide : écrivez-la sous la forme JJ/MM/AAAA.")}


class ProjectForm(StackedMixin, forms.ModelForm):
    required_css_class = "required"
    themes = BoundedModelMultipleChoiceField(
        label=_("Thèmes"),
        queryset=Theme.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sdg_targets = BoundedModelMultipleChoiceField(
        label=_("Cibles des objectifs de développement durable (ODD)"),
        queryset=SdgTarget.objects.select_related("goal"),
        required=False,
        widget=FastSelectMultiple(attrs={"size": 8}),
        help_text=_("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."),
    )
    dac_sectors = BoundedModelMultipleChoiceField(
        label=_("Secteurs du CAD de l'OCDE"),
        queryset=DacSector.objects.filter(is_active=True),
        required=False,
        widget=FastSelectMultiple(attrs={"size": 8}),
        help_text=_("Pour les rapports aux bailleurs (IATI). Facultatif."),
    )
    start_date = forms.DateField(
        label=_("Début"), required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )
    end_date = forms.DateField(
        label=_("Fin"), required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )
    website = forms.URLField(
        label=_("Site web"), required=False, assume_scheme="https", max_length=200
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "acronym",
            "summary",
            "description",
            "project_status",
            "start_date",
            "end_date",
            "themes",
            "sdg_targets",
            "dac_sectors",
            "website",
            "iati_identifier",
            "status",
        ]
        widgets = {
            "summary": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "summary": _("Ce que le projet change, en une phrase : elle apparaît dans la liste."),
            "description": _(
                "Texte simple ; paragraphes, gras, italique, listes et liens sont conservés."
            ),
            "iati_identifier": _("Si le projet est publié dans IATI, ex. FR-RNA-W412001234-P1."),
        }
        error_messages = {
            "title": {"required": _("Donnez un titre au projet.")},
        }

    def __init__(self, *args, can_publish: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_publish:
            # Only staff publish, unpublish or archive (perms.can_change_publication).
            del self.fields["status"]
        # Long lists grouped under their goal or category (<optgroup>), labels cut short.
        targets: dict[str, list] = {}
        for target in self.fields["sdg_targets"].queryset:
            group = target.goal.name
            targets.setdefault(group, []).append(
                (target.pk, f"{target.code} — {target.name}"[:110])
            )
        self.fields["sdg_targets"].choices = list(targets.items())
        sectors: dict[str, list] = {}
        for sector in self.fields["dac_sectors"].queryset.select_related("category"):
            group = f"{sector.category_id} — {sector.category.name}"
            sectors.setdefault(group, []).append(
                (sector.pk, f"{sector.code} — {sector.name}"[:110])
            )
        self.fields["dac_sectors"].choices = list(sectors.items())

    def clean_description(self):
        return refuse_markup(self.cleaned_data.get("description", ""))

    def clean_summary(self):
        return refuse_markup(self.cleaned_data.get("summary", ""))

    def clean_title(self):
        return refuse_markup(self.cleaned_data.get("title", "").strip())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date",
                _("La fin du projet (%(end)s) précède son début (%(start)s).")
                % {"end": end.strftime("%d/%m/%Y"), "start": start.strftime("%d/%m/%Y")},
            )
        return cleaned

    def _update_errors(self, errors):
        # The model's own dates rule repeats what clean() already said more precisely.
        if hasattr(errors, "error_dict"):
            for name in list(errors.error_dict):
                if name in self.errors:
                    del errors.error_dict[name]
            if not errors.error_dict:
                return
        super()._update_errors(errors)


# -- places -------------------------------------------------------------------------------


class PlaceHereForm(StackedMixin, forms.ModelForm):
    """A place here: a commune (name or INSEE code) or a whole department."""

    field_order = ["commune_text", "department"]

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
        widget=FastSelect,
    )

    class Meta:
        model = ProjectPlace
        fields = ["department"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region = Department.objects.in_network_region().values_list("code", flat=True)
        # The region's departments first: the ones people pick.
        region = set(region)
        departments = list(Department.objects.all())
        departments.sort(key=lambda d: (d.code not in region, d.code))
        self.fields["department"].choices = [("", "—")] + [(d.pk, str(d)) for d in departments]
        if self.instance.pk and self.instance.commune_id:
            commune = self.instance.commune
            self.initial["commune_text"] = f"{commune.name} ({commune.insee_code})"
            self.initial["department"] = None

    def clean_commune_text(self):
        text = self.cleaned_data.get("commune_text", "").strip()
        if not text:
            return None
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

    def clean(self):
        cleaned = super().clean()
        if "commune_text" in self.errors:
            return cleaned
        if not cleaned.get("commune_text") and not cleaned.get("department"):
            raise ValidationError(
                _("Indiquez une commune ou un département (ou cochez « supprimer »)."),
                code="empty_place",
            )
        return cleaned

    def save(self, commit=True):
        place = super().save(commit=False)
        place.side = PlaceSide.HERE
        commune = self.cleaned_data.get("commune_text")
        place.commune = commune
        place.country_id = None
        if commune is not None:
            place.department_id = commune.department_id
            place.lat, place.lon = commune.lat, commune.lon
        else:
            place.lat = place.lon = None
        if commit:
            place.save()
        return place


class PlaceThereForm(StackedMixin, forms.ModelForm):
    """A place there: a country and, if known, a locality found in the offline gazetteer. A
    locality it does not know is kept, without a point ("localité introuvable")."""

    country = forms.ModelChoiceField(
        label=_("Pays"),
        queryset=Country.objects.exclude(code="FR"),
        empty_label="—",
        widget=FastSelect,
        error_messages={"required": _("Choisissez le pays."), "invalid_choice": _("Pays inconnu.")},
    )

    class Meta:
        model = ProjectPlace
        fields = ["country", "locality"]
        help_texts = {"locality": _("Ville ou village, ex. Bobo-Dioulasso. Facultatif.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.not_found = False

    def clean_locality(self):
        return refuse_markup(self.cleaned_data.get("locality", "").strip())

    def save(self, commit=True):
        place = super().save(commit=False)
        place.side = PlaceSide.THERE
        place.commune = None
        place.department = None
        moved = {"country", "locality"} & set(self.changed_data)
        if moved or not place.pk:
            place.lat = place.lon = None
            if place.locality:
                point = gazetteer.geocode_abroad(place.locality, place.country_id).point
                if point is None:
                    self.not_found = True
                else:
                    place.lat, place.lon = point
        if commit:
            place.save()
        return place


class PlaceFormSet(BaseInlineFormSet):
    """The places of one side: the queryset is narrowed to that side by the editor."""

    side = PlaceSide.HERE

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(side=self.side)
            .select_related("commune", "department", "country")
        )


class PlaceHereFormSet(PlaceFormSet):
    side = PlaceSide.HERE


class PlaceThereFormSet(PlaceFormSet):
    side = PlaceSide.THERE


PlacesHere = inlineformset_factory(
    Project,
    ProjectPlace,
    form=PlaceHereForm,
    formset=PlaceHereFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
)
PlacesThere = inlineformset_factory(
    Project,
    ProjectPlace,
    form=PlaceThereForm,
    formset=PlaceThereFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


# -- funding ------------------------------------------------------------------------------


def _year_bounds() -> tuple[int, int]:
    return 1950, datetime.date.today().year + 15


class FundingLineForm(StackedMixin, forms.ModelForm):
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
        },
    )

    class Meta:
        model = FundingLine
        fields = ["funder_name", "amount", "currency", "year", "instrument"]
        labels = {"funder_name": _("Financeur")}
        help_texts = {"funder_name": _("ex. Région Centre-Val de Loire, AFD, Union européenne")}
        error_messages = {"funder_name": {"required": _("Nommez le financeur.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder_name"].required = True
        self.fields["currency"].widget.attrs.update({"size": 4, "autocomplete": "off"})
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal"})

    def clean_funder_name(self):
        return refuse_markup(self.cleaned_data.get("funder_name", "").strip())

    def clean_currency(self):
        currency = (self.cleaned_data.get("currency") or "").strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise ValidationError(
                _("Devise : trois lettres du code ISO 4217, ex. EUR ou XOF."), code="currency"
            )
        return currency

    def clean_year(self):
        year = self.cleaned_data.get("year")
        low, high = _year_bounds()
        if year is not None and not low <= year <= high:
            raise ValidationError(
                _("Année invalide : entre %(low)s et %(high)s."),
                params={"low": low, "high": high},
                code="year",
            )
        return year


FundingLines = inlineformset_factory(
    Project,
    FundingLine,
    form=FundingLineForm,
    extra=1,
    can_delete=True,
    max_num=50,
    validate_max=True,
)
