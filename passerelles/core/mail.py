"""E-mails that follow a decision: rendered in the recipient's language, sent once the
transaction has committed.

After the commit, so that nobody is told about something that was rolled back. `robust`, so that
a mail server that fails is logged (Django's `django.db.backends.base` logger) instead of
turning what was recorded into an error page: the person still gets the page that says it was
done.

Subjects and bodies are plain text, rendered by the "text" template engine (settings
TEMPLATES), which escapes nothing: an organisation called « Ville d'Orléans » or « A & B » is
written as such, not "Ville d&#x27;Orléans". Every `.txt` e-mail template goes through
`render_text`, Django's password reset included (users.forms.PasswordResetForm)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

TEXT_ENGINE = "text"


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping."""
    return render_to_string(template_name, context, using=TEXT_ENGINE)


def render_subject(template_name: str, context: dict) -> str:
    """A subject is one line: a template's line breaks would break the header."""
    return " ".join(render_text(template_name, context).split())


def send_on_commit(to: str, template: str, context: dict, language: str = "fr") -> None:
    """E-mail `to` with `<template>_subject.txt` and `<template>.txt` (e.g.
    "events/email/confirmed"), rendered in `language`. Nothing when `to` is empty."""
    if not to:
        return

    def send():
        with translation.override(language or "fr"):
            subject = render_subject(f"{template}_subject.txt", context)
            body = render_text(f"{template}.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])

    transaction.on_commit(send, robust=True)
