"""E-mails that follow a decision: rendered in the recipient's language, sent once the
transaction has committed.

After the commit, so that nobody is told about something that was rolled back. `robust`, so that
a mail server that fails is logged (Django's `django.db.backends.base` logger) instead of
turning what was recorded into an error page: the person still gets the page that says it was
done."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def send_on_commit(to: str, template: str, context: dict, language: str = "fr") -> None:
    """E-mail `to` with `<template>_subject.txt` and `<template>.txt` (e.g.
    "events/email/confirmed"), rendered in `language`. Nothing when `to` is empty."""
    if not to:
        return

    def send():
        with translation.override(language or "fr"):
            subject = render_to_string(f"{template}_subject.txt", context)
            body = render_to_string(f"{template}.txt", context)
        # A subject is one line: a template's line breaks would break the header.
        send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])

    transaction.on_commit(send, robust=True)
