"""Account forms: sign-up and log-in by e-mail, a new password by e-mail."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.utils.translation import gettext_lazy as _

from passerelles.core.antispam import HoneypotMixin
from passerelles.core.mail import send_templates_on_commit
from passerelles.core.richtext import PlainTextField
from passerelles.users.models import User


class SignupForm(HoneypotMixin, BaseUserCreationForm):
    """Full name, e-mail and the password twice. Everyone signs up as a member; staff grant
    other roles and attach people to the organisations they act for."""

    class Meta:
        model = User
        fields = ("full_name", "email")
        labels = {"full_name": _("Nom complet"), "email": _("Adresse e-mail")}
        field_classes = {"full_name": PlainTextField}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["full_name"].widget.attrs.update(autocomplete="name")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        # The unique constraint is case-sensitive; log-in is not, so neither is sign-up.
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "Un compte existe déjà avec cette adresse. Connectez-vous ou réinitialisez "
                    "votre mot de passe."
                ),
                code="duplicate_email",
            )
        return email


class EmailAuthenticationForm(AuthenticationForm):
    """Django's log-in form with an e-mail field (the backend matches it case-insensitively)."""

    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Les majuscules comptent dans le mot "
            "de passe."
        ),
    }


class ApiTokenForm(forms.Form):
    """Name of a new personal API token (to recognise it in the list and revoke it)."""

    name = PlainTextField(
        label=_("Nom du jeton"),
        max_length=80,
        help_text=_("Pour le reconnaître, ex. « script d'import » ou « tableur »."),
        error_messages={"required": _("Donnez un nom au jeton pour le reconnaître.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's form, with the e-mail rendered as plain text like every other e-mail and sent
    by the task runner (passerelles.core.mail): nothing in it is HTML-escaped, it speaks the
    person's language, and a slow mail server never holds up the page, which answers the same
    whether or not the mail went out. `mail_outcomes` says whether the limits on outgoing mail
    (core.mail_limits) held a message back, for the page to tell the person."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mail_outcomes = []

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        outcome = send_templates_on_commit(
            to_email,
            subject_template_name,
            email_template_name,
            context,
            language=context["user"].preferred_language,
        )
        self.mail_outcomes.append(outcome)
