"""A honeypot for the forms visitors can send without an account (proposing an organisation, a
correction, registering for an event, signing up).

Bots that post forms fill every text box they find. This adds one that people never meet: it is
off-screen, hidden from screen readers (`aria-hidden`) and out of the keyboard order
(`tabindex="-1"`). A submission that fills it is refused with a message a person could act on,
and nothing is saved. No third-party CAPTCHA: nothing leaves the site, nothing to solve, nothing
that excludes people with disabilities."""

from django import forms
from django.utils.translation import gettext_lazy as _

FIELD = "homepage"  # a name bots like to fill; no real form of ours has it


class HoneypotInput(forms.TextInput):
    """A text box drawn off-screen by its own template. It counts as a hidden field, so that
    every form template renders it with the others (`form.hidden_fields`) and none shows a
    label or help text for it."""

    template_name = "core/widgets/honeypot.html"

    @property
    def is_hidden(self):
        return True


class HoneypotMixin:
    """Mix into a form (before forms.Form / ModelForm) to add the honeypot field and its check."""

    honeypot_message = _(
        "Votre envoi n'a pas été enregistré : un champ invisible, qui sert à repérer les "
        "robots, a été rempli. Si vous êtes une personne, videz le champ « Ne remplissez pas "
        "ce champ » et envoyez le formulaire à nouveau."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.CharField(
            required=False, label=_("Ne remplissez pas ce champ"), widget=HoneypotInput
        )

    def clean(self):
        cleaned = super().clean()
        if (self.cleaned_data.get(FIELD) or "").strip():
            raise forms.ValidationError(self.honeypot_message, code="honeypot")
        return cleaned
