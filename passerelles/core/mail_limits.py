"""Limits on outgoing mail, so that nobody can use the site to bomb an address with our mail
(registrations, password resets, invitations) or to send many addresses mail on their behalf
(docs/decisions.md §20, "Abuse limits").

- **Per address**: at most N messages to one recipient per window (settings
  PASSERELLES_MAIL_PER_ADDRESS, 5 an hour and 20 a day by default), whatever made them.
  Exempt: a staff decision the person must learn (`DECISION`: moderation, membership).
- **Per client**: at most M messages triggered by one client per window (settings
  PASSERELLES_MAIL_PER_CLIENT, 30 an hour and 100 a day): the signed-in person, else the
  address they connect from (an IPv6 /64, which one machine owns whole). Staff are not
  counted; nor are notices sent to people the client did not choose (`NOTICE`: the members
  of a co-construction space, told of a round), nor mail sent outside a request (reminders,
  the worker).

The outbox rows are what is counted (`OutgoingMail.created_at`, `to`, `client`), rather than a
cache: every process and every machine sees them, they survive restarts, and the same rows
show staff what was refused. A message over a limit is not queued: its row says "refused"
with the limit reached, without the body. The action that asked for it stands (a
registration is recorded), and `send_*` return an `Outcome` the page can tell the person.

The check runs when the message is asked for, in the request, so the page knows; two requests
at the very same moment may both pass, which lets one message more through, not hundreds."""

import ipaddress
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.core.security import client_ip

ADDRESS = "address"
CLIENT = "client"
# (seconds, most messages) when the settings say nothing.
PER_ADDRESS = ((3600, 5), (86400, 20))
PER_CLIENT = ((3600, 30), (86400, 100))

_request: ContextVar = ContextVar("passerelles_mail_request", default=None)


@dataclass(frozen=True)
class Policy:
    """Which limits a kind of message is subject to (given by the code that sends it)."""

    per_address: bool = True
    per_client: bool = True


LIMITED = Policy()
# A staff decision about the person's own request: never dropped.
DECISION = Policy(per_address=False, per_client=False)
# Told to people the triggering client did not choose (the members of a space).
NOTICE = Policy(per_client=False)


@dataclass(frozen=True)
class Outcome:
    """What became of a message asked for: queued, or refused by which limit."""

    refused: str = ""  # "" | ADDRESS | CLIENT

    @property
    def queued(self) -> bool:
        return not self.refused

    def message(self) -> str:
        """What to tell the person who made the site send it (empty when it was queued)."""
        if self.refused == ADDRESS:
            return _(
                "Aucun e-mail n'est parti cette fois : cette adresse a déjà reçu plusieurs "
                "messages de notre part récemment. Vérifiez la boîte de réception et les "
                "courriers indésirables, ou réessayez plus tard."
            )
        if self.refused == CLIENT:
            return _(
                "Aucun e-mail n'est parti cette fois : trop de messages ont été envoyés à votre "
                "demande en peu de temps. Réessayez dans une heure."
            )
        return ""


QUEUED = Outcome()


class MailClientMiddleware:
    """Remembers, for the length of a request, whose request it is: the limits per client
    count the messages it makes the site send. After authentication (sessions and API
    tokens)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def client_key(request) -> str:
    """ "user:<id>" for a signed-in person, else "ip:<address>"; "" for staff, who are not
    limited (their mail is their work: decisions, registrations taken at the desk)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return "" if getattr(user, "is_network_staff", False) else f"user:{user.pk}"
    address = client_ip(request) or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"ip:{address[:80]}"
    if ip.version == 6:
        # One subscriber gets a whole /64 and can pick any address in it.
        return f"ip:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"ip:{ip}"


def current_client() -> str:
    request = _request.get()
    return client_key(request) if request is not None else ""


def _limits(name: str, default) -> tuple:
    return tuple(
        (seconds, most) for seconds, most in getattr(settings, name, default) if most and most > 0
    )


def _over(queryset, limits, now) -> bool:
    """Whether `queryset` (rows not refused) holds `most` rows or more within any window."""
    if not limits:
        return False
    longest = max(seconds for seconds, _most in limits)
    windows = {
        f"w{seconds}": Count("pk", filter=Q(created_at__gte=now - timedelta(seconds=seconds)))
        for seconds, _most in limits
    }
    counts = queryset.filter(created_at__gte=now - timedelta(seconds=longest)).aggregate(**windows)
    return any(counts[f"w{seconds}"] >= most for seconds, most in limits)


def check(to: str, policy: Policy, client: str) -> Outcome:
    """Whether a message to `to`, asked for by `client`, may be queued now."""
    from passerelles.core.models import MailStatus, OutgoingMail

    now = timezone.now()
    counted = OutgoingMail.objects.exclude(status=MailStatus.REFUSED)
    if policy.per_address:
        to_address = counted.annotate(to_upper=Upper("to")).filter(
            to_upper=to.strip().upper(), exempt=False
        )
        if _over(to_address, _limits("PASSERELLES_MAIL_PER_ADDRESS", PER_ADDRESS), now):
            return Outcome(ADDRESS)
    if policy.per_client and client:
        from_client = counted.filter(client=client)
        if _over(from_client, _limits("PASSERELLES_MAIL_PER_CLIENT", PER_CLIENT), now):
            return Outcome(CLIENT)
    return QUEUED


def reason(outcome: Outcome) -> str:
    """The refusal as staff read it in the outbox (core.views_jobs)."""
    if outcome.refused == ADDRESS:
        return _("Limite par adresse atteinte : %(limits)s.") % {
            "limits": _describe(_limits("PASSERELLES_MAIL_PER_ADDRESS", PER_ADDRESS))
        }
    return _("Limite par client atteinte : %(limits)s.") % {
        "limits": _describe(_limits("PASSERELLES_MAIL_PER_CLIENT", PER_CLIENT))
    }


def _describe(limits) -> str:
    parts = []
    for seconds, most in limits:
        if seconds % 86400 == 0:
            window = _("%(n)s j") % {"n": seconds // 86400}
        elif seconds % 3600 == 0:
            window = _("%(n)s h") % {"n": seconds // 3600}
        else:
            window = _("%(n)s min") % {"n": max(1, seconds // 60)}
        parts.append(_("%(most)s en %(window)s") % {"most": most, "window": window})
    return ", ".join(parts)
