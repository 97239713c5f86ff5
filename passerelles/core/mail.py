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
`render_text`, Django's password reset included (users.forms.PasswordResetForm).

Every message is subject to the limits on outgoing mail (core.mail_limits), per address and per
client, unless its sender says otherwise (`policy`): `send_*` return whether it was queued, so
that the page can tell the person when it was not."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from passerelles.core import jobs, mail_limits
from passerelles.core.mail_limits import LIMITED, Outcome, Policy

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


def send_on_commit(
    to: str, template: str, context: dict, language: str = "fr", *, policy: Policy = LIMITED
) -> Outcome:
    """E-mail `to` with `<template>_subject.txt` and `<template>.txt` (e.g.
    "events/email/confirmed"), rendered in `language`. Nothing when `to` is empty. Returns
    whether it was queued or refused by a limit (core.mail_limits)."""
    return send_templates_on_commit(
        to, f"{template}_subject.txt", f"{template}.txt", context, language=language, policy=policy
    )


def send_templates_on_commit(
    to: str,
    subject_template: str,
    body_template: str,
    context: dict,
    *,
    language: str,
    policy: Policy = LIMITED,
) -> Outcome:
    if not to:
        return mail_limits.QUEUED
    client, outcome = _decide(to, policy)
    template = body_template.removesuffix(".txt")

    def render_and_queue():
        with translation.override(language or settings.LANGUAGE_CODE):
            subject = render_subject(subject_template, context)
            body = "" if outcome.refused else render_text(body_template, context)
        _queue_or_refuse(to, subject, body, template, language, client, policy, outcome)

    # robust: if even queueing fails (database gone), it is logged; what was decided stays
    # decided and the person gets the page that says so.
    transaction.on_commit(render_and_queue, robust=True)
    return outcome


def queue_on_commit(
    to: str,
    subject: str,
    body: str,
    *,
    template: str = "",
    language: str = "",
    policy: Policy = LIMITED,
) -> Outcome:
    """The same for a message already written in its recipient's language."""
    if not to:
        return mail_limits.QUEUED
    client, outcome = _decide(to, policy)
    transaction.on_commit(
        lambda: _queue_or_refuse(to, subject, body, template, language, client, policy, outcome),
        robust=True,
    )
    return outcome


def _decide(to: str, policy: Policy) -> tuple[str, Outcome]:
    # The client is whoever's request this is; it is only recorded when the message counts
    # in its limit.
    client = mail_limits.current_client() if policy.per_client else ""
    return client, mail_limits.check(to, policy, client)


def _queue_or_refuse(to, subject, body, template, language, client, policy, outcome) -> None:
    if outcome.refused:
        refuse(to, subject, template=template, language=language, client=client, outcome=outcome)
    else:
        queue(
            to,
            subject,
            body,
            template=template,
            language=language,
            client=client,
            exempt=not policy.per_address,
        )


def queue(
    to: str,
    subject: str,
    body: str,
    *,
    template: str = "",
    language: str = "",
    client: str = "",
    exempt: bool = False,
):
    """An outbox row and its delivery job, committed together."""
    from passerelles.core.models import OutgoingMail

    with transaction.atomic():
        mail = OutgoingMail.objects.create(
            to=to,
            subject=subject[:255],
            body=body,
            template=template[:200],
            language=(language or settings.LANGUAGE_CODE)[:5],
            client=client[:100],
            exempt=exempt,
        )
        jobs.enqueue(deliver, mail.pk)
    return mail


def refuse(to: str, subject: str, *, template: str, language: str, client: str, outcome: Outcome):
    """An outbox row saying a message was refused by a limit: staff see it, with the limit and
    without the body; no job."""
    from passerelles.core.models import MailStatus, OutgoingMail

    with translation.override(settings.LANGUAGE_CODE):
        why = mail_limits.reason(outcome)
    logger.warning("E-mail to %s (%s) refused: %s", to, template or subject, why)
    return OutgoingMail.objects.create(
        to=to,
        subject=subject[:255],
        template=template[:200],
        language=(language or settings.LANGUAGE_CODE)[:5],
        client=client[:100],
        status=MailStatus.REFUSED,
        last_error=why,
    )


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
