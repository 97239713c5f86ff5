"""E-mails that follow a decision: rendered in the recipient's language once the transaction has
committed, then sent by the task runner (docs/decisions.md §19), never inside the request.

After the commit, so that nobody is told about something that was rolled back. Rendered at once
(templates only, no network), so the message says what was true at the decision even if the
record changes or disappears before the worker gets to it, and the job's arguments stay plain
JSON: the outbox row's id. The worker then sends it with a bounded timeout (EMAIL_TIMEOUT), tries
again with a growing delay when the mail server fails, and gives up after
PASSERELLES_MAIL_ATTEMPTS attempts with the error logged and shown to staff (core.views_jobs). A
mail server that hangs costs the worker a timeout, never a person's page.

Subjects and bodies are plain text, rendered by the "text" template engine (settings
TEMPLATES), which escapes nothing: an organisation called « Ville d'Orléans » or « A & B » is
written as such, not "Ville d&#x27;Orléans". Every `.txt` e-mail template goes through
`render_text`, Django's password reset included (users.forms.PasswordResetForm)."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from passerelles.core import jobs

logger = logging.getLogger("passerelles.mail")

TEXT_ENGINE = "text"
# Refusals another attempt will not change.
PERMANENT = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused)
# A mail server that is down, slow or rude (timeouts are OSErrors).
TRANSIENT = (smtplib.SMTPException, OSError)


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping."""
    return render_to_string(template_name, context, using=TEXT_ENGINE)


def render_subject(template_name: str, context: dict) -> str:
    """A subject is one line: a template's line breaks would break the header."""
    return " ".join(render_text(template_name, context).split())


def send_on_commit(to: str, template: str, context: dict, language: str = "fr") -> None:
    """E-mail `to` with `<template>_subject.txt` and `<template>.txt` (e.g.
    "events/email/confirmed"), rendered in `language`. Nothing when `to` is empty."""
    send_templates_on_commit(
        to, f"{template}_subject.txt", f"{template}.txt", context, language=language
    )


def send_templates_on_commit(
    to: str, subject_template: str, body_template: str, context: dict, *, language: str
) -> None:
    if not to:
        return

    def render_and_queue():
        with translation.override(language or settings.LANGUAGE_CODE):
            subject = render_subject(subject_template, context)
            body = render_text(body_template, context)
        queue(to, subject, body, template=body_template.removesuffix(".txt"), language=language)

    # robust: if even queueing fails (database gone), it is logged; what was decided stays
    # decided and the person gets the page that says so.
    transaction.on_commit(render_and_queue, robust=True)


def queue_on_commit(to: str, subject: str, body: str, *, template: str = "", language: str = ""):
    """The same for a message already written in its recipient's language."""
    if to:
        transaction.on_commit(
            lambda: queue(to, subject, body, template=template, language=language), robust=True
        )


def queue(to: str, subject: str, body: str, *, template: str = "", language: str = ""):
    """An outbox row and its delivery job, committed together."""
    from passerelles.core.models import OutgoingMail

    with transaction.atomic():
        mail = OutgoingMail.objects.create(
            to=to,
            subject=subject[:255],
            body=body,
            template=template[:200],
            language=(language or settings.LANGUAGE_CODE)[:5],
        )
        jobs.enqueue(deliver, mail.pk)
    return mail


def backoff(attempts: int) -> timedelta:
    """1, 5, 25, 125 minutes… after the 1st, 2nd, 3rd, 4th failed attempt; at most 6 hours."""
    return timedelta(seconds=min(60 * 5 ** (attempts - 1), 6 * 3600))


@task()
def deliver(mail_id: int) -> str:
    """Send one outbox message. Returns its state: sent, retrying or failed."""
    from passerelles.core.models import MailStatus, OutgoingMail

    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.status in (MailStatus.SENT, MailStatus.FAILED):
            # Sent by an earlier run of this job (interrupted after the send), or given up.
            return mail.status if mail else "missing"
        mail.status = MailStatus.SENDING
        mail.attempts += 1
        mail.next_attempt_at = None
        mail.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
    # Outside any transaction: on SQLite a transaction held during a slow mail server would
    # hold the write lock for everyone.
    try:
        EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to]).send()
    except PERMANENT as exc:
        _fail(mail, exc)
    except TRANSIENT as exc:
        if mail.attempts >= settings.PASSERELLES_MAIL_ATTEMPTS:
            _fail(mail, exc)
        else:
            _retry_later(mail, exc)
    except Exception as exc:
        # A bug, not the mail server: the job fails with its traceback for the administrators.
        _fail(mail, exc)
        raise
    else:
        mail.status = MailStatus.SENT
        mail.sent_at = timezone.now()
        mail.body = ""
        mail.save(update_fields=["status", "sent_at", "body", "updated_at"])
    return mail.status


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


def _fail(mail, exc: BaseException) -> None:
    from passerelles.core.models import MailStatus

    mail.status = MailStatus.FAILED
    mail.last_error = _describe(exc)
    mail.body = ""
    mail.save(update_fields=["status", "last_error", "body", "updated_at"])
    logger.error(
        "E-mail %s (%s) failed after %d attempt(s): %s",
        mail.pk,
        mail.template or mail.subject,
        mail.attempts,
        mail.last_error,
    )


def _retry_later(mail, exc: BaseException) -> None:
    from passerelles.core.models import MailStatus

    mail.status = MailStatus.RETRYING
    mail.last_error = _describe(exc)
    mail.next_attempt_at = timezone.now() + backoff(mail.attempts)
    with transaction.atomic():
        mail.save(update_fields=["status", "last_error", "next_attempt_at", "updated_at"])
        if jobs.supports_defer(deliver):
            jobs.enqueue(deliver.using(run_after=mail.next_attempt_at), mail.pk)
        # Otherwise (the immediate backend of the tests) the row says when it would have been.
    logger.warning(
        "E-mail %s (%s) not sent, attempt %d: %s; next attempt at %s",
        mail.pk,
        mail.template or mail.subject,
        mail.attempts,
        mail.last_error,
        mail.next_attempt_at.isoformat(timespec="seconds"),
    )


def give_up(mail_id: int, reason: str) -> None:
    """Mark a message failed whose job was given up (core.jobs.recover_interrupted)."""
    from passerelles.core.models import MailStatus, OutgoingMail

    OutgoingMail.objects.filter(
        pk=mail_id, status__in=[MailStatus.QUEUED, MailStatus.SENDING, MailStatus.RETRYING]
    ).update(status=MailStatus.FAILED, last_error=reason[:1000], body="", updated_at=timezone.now())
