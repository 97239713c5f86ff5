"""Telling members: an in-app inbox row per person, and an e-mail sent once the transaction
has committed (nobody hears of a decision that was rolled back)."""

import contextlib
import contextvars

from django.conf import settings
from django.utils import translation

from passerelles.core.mail import queue_on_commit
from passerelles.core.mail_limits import NOTICE
from passerelles.users.models import User

# The demo builds whole histories at once: it fills the inboxes but sends no e-mail.
_mail_enabled = contextvars.ContextVar("cooperation_mail_enabled", default=True)


@contextlib.contextmanager
def without_mail():
    token = _mail_enabled.set(False)
    try:
        yield
    finally:
        _mail_enabled.reset(token)


def recipients(space):
    """People acting for an active member (observers included: they follow the space)."""
    from passerelles.cooperation.enums import MemberStatus

    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation__space_memberships__space=space,
            memberships__organisation__space_memberships__status=MemberStatus.ACTIVE,
        )
        .distinct()
        .order_by("pk")
    )


def notify(space, kind, title_fn, path: str, users=None) -> int:
    """`title_fn()` is called under each person's language, so the inbox and the e-mail
    speak it. Returns how many people were told."""
    from passerelles.cooperation.models import Notification

    people = list(users if users is not None else recipients(space))
    rows, messages = [], []
    for person in people:
        with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
            title = str(title_fn())
            body = _body(space, title, path)
        rows.append(Notification(user=person, space=space, kind=kind, title=title, url=path))
        messages.append((person.email, title, body, person.preferred_language))
    Notification.objects.bulk_create(rows)
    if messages and _mail_enabled.get():
        # Sent by the task runner once the decision has committed: a failing mail server is
        # retried and logged, never turns it into an error page (the in-app notification above
        # is there either way).
        for to, subject, body, language in messages:
            # Limited per address (the inbox row above keeps what a refused one said), not in
            # the budget of the member whose act told the whole space.
            queue_on_commit(
                to,
                subject,
                body,
                template=f"cooperation/{kind}",
                language=language,
                policy=NOTICE,
            )
    return len(people)


def _body(space, title, path) -> str:
    from django.utils.translation import gettext

    base = getattr(settings, "PASSERELLES_SITE_URL", "").rstrip("/")
    return "\n\n".join(
        [
            gettext("Bonjour,"),
            title,
            gettext("Espace de co-construction : %(space)s") % {"space": space},
            f"{base}{path}",
            settings.PASSERELLES_NETWORK_NAME,
        ]
    )
