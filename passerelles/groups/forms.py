"""Forms of working groups: texts go through the text layer (core.richtext)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from passerelles.actors.models import Organisation
from passerelles.core.richtext import PlainTextField, RichTextField
from passerelles.core.text_limits import RICH_TEXT, SHORT_TEXT, TEXT
from passerelles.geo.models import Country
from passerelles.groups.enums import DigestFrequency, GroupKind
from passerelles.groups.models import WorkingGroup
from passerelles.vocab.models import Theme


class GroupForm(forms.ModelForm):
    class Meta:
        model = WorkingGroup
        fields = ["name", "kind", "country", "theme", "visibility", "summary", "description"]
        formfield_callback = WorkingGroup.text_fields.formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.exclude(code="FR").order_by("name_fr")
        self.fields["theme"].queryset = Theme.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == GroupKind.COUNTRY and not data.get("country"):
            self.add_error("country", _("Un groupe pays indique son pays."))
        if kind == GroupKind.THEME and not data.get("theme"):
            self.add_error("theme", _("Un groupe thématique indique son thème."))
        return data


def _organisations_of(user):
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


class JoinForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Vous venez pour"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("à titre personnel"),
    )
    message = PlainTextField(
        label=_("Message aux coordinateur·rices (facultatif)"),
        multiline=True,
        required=False,
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations_of(user)


class DigestForm(forms.Form):
    digest = forms.ChoiceField(
        label=_("Recevoir les nouvelles par e-mail"), choices=DigestFrequency.choices
    )


class PostForm(forms.Form):
    body = PlainTextField(
        label=_("Votre message"),
        multiline=True,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NotesForm(forms.Form):
    notes = RichTextField(label=_("Notes partagées"), required=False, max_length=RICH_TEXT)


class MeetingForm(forms.Form):
    title = PlainTextField(label=_("Titre"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Début"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Fin"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = PlainTextField(
        label=_("Lieu"), max_length=200, required=False, help_text=_("Vide : en ligne.")
    )
    online_url = forms.URLField(
        label=_("Lien de visioconférence"), required=False, max_length=200, assume_scheme="https"
    )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            raise ValidationError({"ends_at": _("La fin doit être après le début.")})
        return data
