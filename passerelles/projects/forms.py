"""Forms of a project: its description, its places here and there, its funding lines. The
participants have their own module (participants.py); editor.py puts everything together.

Every error is in French and says how to fix it; nothing is saved unless every form is valid."""

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from passerelles.geo.models import Department
from passerelles.projects.enums import PlaceSide
from passerelles.projects.models import FundingLine, Project, ProjectPlace
from passerelles.projects.validation import (
    FundingLineRules,
    PlaceHereRules,
    PlaceThereRules,
    ProjectRules,
    project_initial,
)


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


class ProjectForm(StackedMixin, ProjectRules):
    """The editor's form of a project's own fields: the rules (validation.ProjectRules) with
    widgets, help and the long lists grouped under their goal or category."""

    required_css_class = "required"
    help_texts = {
        "summary": _("Ce que le projet change, en une phrase : elle apparaît dans la liste."),
        "iati_identifier": _("Si le projet est publié dans IATI, ex. FR-RNA-W412001234-P1."),
        "sdg_targets": _("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."),
        "dac_sectors": _("Pour les rapports aux bailleurs (IATI). Facultatif."),
    }

    def __init__(self, data=None, *, project: Project | None = None, can_publish=False, **kw):
        initial = project_initial(project)
        super().__init__(data, initial=initial, **kw)
        self.project = project
        if not can_publish:
            # Only staff publish, unpublish or archive (perms.can_change_publication).
            del self.fields["status"]
        else:
            self.fields["status"].required = True
        fields = self.fields
        fields["summary"].widget = forms.TextInput()
        fields["description"].widget = forms.Textarea(attrs={"rows": 6})
        fields["themes"].widget = forms.CheckboxSelectMultiple()
        fields["themes"].widget.choices = fields["themes"].choices
        fields["start_date"].widget = DateInput()
        fields["end_date"].widget = DateInput()
        for name, text in self.help_texts.items():
            fields[name].help_text = text
        # Long lists grouped under their goal or category (<optgroup>), labels cut short.
        targets: dict[str, list] = {}
        for target in fields["sdg_targets"].queryset:
            group = target.goal.name
            targets.setdefault(group, []).append(
                (target.pk, f"{target.code} — {target.name}"[:110])
            )
        fields["sdg_targets"].widget = FastSelectMultiple(attrs={"size": 8})
        fields["sdg_targets"].widget.choices = list(targets.items())
        sectors: dict[str, list] = {}
        for sector in fields["dac_sectors"].queryset.select_related("category"):
            group = f"{sector.category_id} — {sector.category.name}"
            sectors.setdefault(group, []).append(
                (sector.pk, f"{sector.code} — {sector.name}"[:110])
            )
        fields["dac_sectors"].widget = FastSelectMultiple(attrs={"size": 8})
        fields["dac_sectors"].widget.choices = list(sectors.items())


# -- places -------------------------------------------------------------------------------


class PlaceHereForm(StackedMixin, PlaceHereRules, forms.ModelForm):
    """A place here (validation.PlaceHereRules), one row of the editor's list."""

    field_order = ["commune_text", "department"]

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
        self.fields["department"].widget = FastSelect()
        self.fields["department"].widget.choices = [("", "—")] + [
            (d.pk, str(d)) for d in departments
        ]
        if self.instance.pk and self.instance.commune_id:
            commune = self.instance.commune
            self.initial["commune_text"] = f"{commune.name} ({commune.insee_code})"
            self.initial["department"] = None


class PlaceThereForm(StackedMixin, PlaceThereRules, forms.ModelForm):
    """A place there (validation.PlaceThereRules), one row of the editor's list."""

    class Meta:
        model = ProjectPlace
        fields = ["country", "locality"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].widget = FastSelect(choices=self.fields["country"].choices)


class RowFormSet(BaseInlineFormSet):
    def kept(self) -> list:
        """The valid forms of the rows that stay (not deleted, not left blank)."""
        return [
            f
            for f in self.forms
            if (f.has_changed() or f.instance.pk)
            and getattr(f, "cleaned_data", None)
            and not f.cleaned_data.get("DELETE")
        ]


class PlaceFormSet(RowFormSet):
    """The places of one side: the queryset is narrowed to that side by the editor."""

    side = PlaceSide.HERE

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(side=self.side)
            .select_related("commune", "department", "country")
        )

    def places(self) -> list[dict]:
        return [f.place_data() for f in self.kept()]


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


class FundingLineForm(StackedMixin, FundingLineRules, forms.ModelForm):
    """A funding line (validation.FundingLineRules), one row of the editor's list."""

    class Meta:
        model = FundingLine
        fields = ["funder_name", "amount", "currency", "year", "instrument"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].widget.attrs.update({"size": 4, "autocomplete": "off"})
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal"})


class FundingLineFormSet(RowFormSet):
    def lines(self) -> list[dict]:
        # A line kept as it was keeps its funder from the directory (an import's).
        return [
            f.line_data(f.instance.funder_id if f.instance.pk and not f.has_changed() else None)
            for f in self.kept()
        ]


FundingLines = inlineformset_factory(
    Project,
    FundingLine,
    form=FundingLineForm,
    formset=FundingLineFormSet,
    extra=1,
    can_delete=True,
    max_num=50,
    validate_max=True,
)
