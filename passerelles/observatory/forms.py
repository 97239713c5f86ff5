"""The observatory's filters: a GET form, the same for the page and its downloads."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from passerelles.core.collation import sort_key
from passerelles.geo.models import Country, Department
from passerelles.observatory.indicators.common import bilingual
from passerelles.observatory.scope import Filters
from passerelles.vocab.models import Theme

FIRST_YEAR, LAST_YEAR = 1990, 2100


class FilterForm(forms.Form):
    year = forms.IntegerField(
        label=_("Année"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "invalid": _("L'année doit être un nombre, par exemple 2025."),
            "min_value": _("L'année doit être %(limit_value)s ou après."),
            "max_value": _("L'année doit être %(limit_value)s ou avant."),
        },
    )
    department = forms.ChoiceField(
        label=_("Département"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "« %(value)s » n'est pas un département de la région ; choisissez-en un dans "
                "la liste."
            )
        },
    )
    country = forms.ChoiceField(
        label=_("Pays"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "« %(value)s » n'est pas un code de pays connu (deux lettres, par exemple BF)."
            )
        },
    )
    theme = forms.ChoiceField(
        label=_("Thème"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "« %(value)s » n'est pas un thème connu ; choisissez-en un dans la liste."
            )
        },
    )

    def __init__(self, data=None, **kwargs):
        if data is not None and data.get("country"):
            # Country codes are upper case; "bf" typed in an address means BF.
            data = data.copy()
            data["country"] = data["country"].strip().upper()
        super().__init__(data, **kwargs)
        everything = [("", _("Tous"))]
        departments = Department.objects.filter(region_id=settings.PASSERELLES_REGION_CODE)
        self.fields["department"].choices = everything + [(d.code, str(d)) for d in departments]
        countries = Country.objects.exclude(code="FR").values_list("code", "name_fr", "name_en")
        named = sorted(
            ((code, bilingual(fr, en)) for code, fr, en in countries), key=lambda c: sort_key(c[1])
        )
        self.fields["country"].choices = everything + named
        themes = Theme.objects.filter(is_active=True).values_list("slug", "name_fr", "name_en")
        self.fields["theme"].choices = everything + [
            (slug, bilingual(fr, en)) for slug, fr, en in themes
        ]

    def filters(self) -> Filters:
        # An unbound form (the page without parameters) filters nothing.
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        return Filters(
            year=data.get("year"),
            department=data.get("department") or "",
            country=data.get("country") or "",
            theme=data.get("theme") or "",
        )
