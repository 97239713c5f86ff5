"""The one door of small-grant rounds (docs/decisions.md §38): every write to a round, an
application and its rows is here.

The budget is never exceeded, even when two staff members decide at the same moment: `decide`
locks the round's row (select_for_update) before summing what is already granted, so the second
decision waits for the first to commit and sees its amount. Letters go out after the commit
(core.mail), when the results are published."""

import datetime
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.bridges.models import FundingCall
from passerelles.core import door
from passerelles.core.mail import send_on_commit
from passerelles.core.mail_limits import Policy
from passerelles.grants import perms
from passerelles.grants.enums import Funder, Status
from passerelles.grants.models import (
    MAX_SCORE,
    Application,
    BudgetLine,
    Comment,
    Conflict,
    Criterion,
    Round,
    Score,
)

# Letters and reminders are staff's act, one per application: no per-address limit applies.
GRANT_MAIL = Policy(per_address=False, per_client=False)
# Winners are reminded of their final report this many days before it is due.
REMINDER_DAYS = 30
APPLICATION_FIELDS = (
    "title",
    "summary",
    "project",
    "partner",
    "partner_role",
    "partner_contribution",
)


class ActionError(Exception):
    """An action that cannot be taken as asked; its message is for the person, in French."""


class Ineligible(ActionError):
    """A submission that breaks the round's rules; `reasons` explains each failing rule."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(" ".join(reasons))


@contextmanager
def _action():
    with transaction.atomic(), door.inside():
        yield


def site_url() -> str:
    return (getattr(settings, "PASSERELLES_SITE_URL", "") or "http://localhost:8000").rstrip("/")


# -- rounds -----------------------------------------------------------------------------------


def create_round(
    *,
    title: str,
    budget: Decimal,
    deadline: datetime.datetime,
    description: str = "",
    eligible_families: Iterable[str] = (),
    amount_max: Decimal | None = None,
    min_cofunding: int = 0,
    criteria: Iterable[tuple[str, int]] = (),
    jurors: Iterable = (),
    report_months: int = 12,
    source: str = "grants",
) -> Round:
    """A round and its funding call (the network is the funder), open from today."""
    if timezone.is_naive(deadline):
        raise ActionError(_("La date limite doit préciser son fuseau horaire."))
    network = getattr(settings, "PASSERELLES_NETWORK_NAME", "") or _("le réseau")
    with _action():
        call = FundingCall.objects.create(
            title=title,
            description=description,
            funder_name=network,
            opens_on=min(timezone.localdate(), timezone.localdate(deadline)),
            closes_on=timezone.localdate(deadline),
            eligible_families=list(eligible_families),
            amount_max=amount_max,
            source=source,
        )
        grant_round = Round.objects.create(
            call=call,
            budget=budget,
            deadline=deadline,
            min_cofunding=min_cofunding,
            report_months=report_months,
        )
        for position, (label, weight) in enumerate(criteria):
            Criterion.objects.create(
                round=grant_round, label=label, weight=weight, position=position
            )
        grant_round.jurors.set(list(jurors))
    return grant_round


def set_jurors(grant_round: Round, jurors: Iterable) -> None:
    with _action():
        grant_round.jurors.set(list(jurors))


# -- applications -----------------------------------------------------------------------------


def save_draft(
    application: Application | None,
    data: Mapping,
    lines: Iterable[Mapping] | None = None,
    *,
    grant_round: Round | None = None,
    organisation=None,
    by=None,
) -> Application:
    """Create or update a draft; `lines` (label, amount, funder) replace the budget lines."""
    if application is None:
        application = Application(
            round=grant_round, organisation=organisation, created_by=by, status=Status.DRAFT
        )
    if application.status != Status.DRAFT:
        raise ActionError(_("Cette candidature est déposée : elle ne peut plus être modifiée."))
    if not application.round.is_open:
        raise ActionError(_("L'appel est clos : la candidature ne peut plus être modifiée."))
    with _action():
        for name in APPLICATION_FIELDS:
            if name in data:
                value = data[name]
                # Links (project, partner) may be empty; texts are never NULL.
                if value is None and name not in ("project", "partner"):
                    value = ""
                setattr(application, name, value)
        application.save()
        if lines is not None:
            application.lines.all().delete()
            BudgetLine.objects.bulk_create(
                BudgetLine(
                    application=application,
                    label=line["label"],
                    amount=line["amount"],
                    funder=line["funder"],
                )
                for line in lines
            )
    return application


def eligibility_failures(application: Application) -> list[str]:
    """Each rule of the round the application breaks, explained in a sentence."""
    grant_round, call = application.round, application.round.call
    failures = []
    family = application.organisation.family
    if call.eligible_families and family not in call.eligible_families:
        failures.append(
            _(
                "La famille de votre organisation (%(family)s) n'est pas éligible : l'appel "
                "est réservé à %(families)s."
            )
            % {
                "family": application.organisation.get_family_display(),
                "families": ", ".join(call.family_labels()),
            }
        )
    requested = application.requested()
    if not requested:
        failures.append(_("Le budget ne demande aucun montant à cette subvention."))
    if call.amount_max is not None and requested > call.amount_max:
        failures.append(
            _("Le montant demandé (%(asked)s €) dépasse le maximum de l'appel (%(max)s €).")
            % {"asked": requested, "max": call.amount_max}
        )
    share = application.cofunding_share()
    if share < grant_round.min_cofunding:
        failures.append(
            _(
                "Le cofinancement (fonds propres et autres financeurs) couvre %(share)s %% du "
                "budget ; l'appel en demande au moins %(min)s %%."
            )
            % {"share": share.quantize(Decimal(1)), "min": grant_round.min_cofunding}
        )
    if application.partner_id is None:
        failures.append(_("Nommez votre partenaire là-bas."))
    return failures


def submit(application: Application, by=None, now=None) -> Application:
    """Submit a draft before the deadline, if it meets every rule of the round."""
    now = now or timezone.now()
    grant_round = application.round
    if now >= grant_round.deadline:
        local = timezone.localtime(grant_round.deadline)
        raise ActionError(
            _(
                "La date limite de dépôt est passée (%(date)s à %(time)s) : la candidature "
                "ne peut plus être déposée."
            )
            % {"date": local.strftime("%d/%m/%Y"), "time": local.strftime("%H:%M")}
        )
    if application.status != Status.DRAFT:
        raise ActionError(_("Cette candidature est déjà déposée."))
    failures = eligibility_failures(application)
    if failures:
        raise Ineligible(failures)
    with _action():
        application.status = Status.SUBMITTED
        application.submitted_at = now
        application.save(update_fields=["status", "submitted_at"])
    return application


def add_comment(application: Application, author, body: str) -> Comment:
    body = (body or "").strip()
    if not body:
        raise ActionError(_("Le commentaire est vide."))
    if not perms.can_comment(author, application):
        raise ActionError(_("Vous ne pouvez pas commenter cette candidature."))
    with _action():
        return Comment.objects.create(application=application, author=author, body=body[:4000])


# -- jury -------------------------------------------------------------------------------------


def declare_conflict(application: Application, juror, reason: str = "") -> Conflict:
    if not application.round.jurors.filter(pk=juror.pk).exists():
        raise ActionError(_("Vous n'êtes pas juré·e de cet appel."))
    with _action():
        conflict, _created = Conflict.objects.get_or_create(
            application=application, juror=juror, defaults={"reason": reason[:300]}
        )
    return conflict


def score(application: Application, juror, values: Mapping[int, int]) -> None:
    """Record a juror's scores (criterion id → 0..5). Refused to a juror linked to the
    applicant or its partner, or who declared a conflict: the rule is here, not only in the
    page that hides the form."""
    reason = perms.scoring_refusal(juror, application)
    if reason:
        raise ActionError(reason)
    criteria = {c.pk: c for c in application.round.criteria.all()}
    if set(values) != set(criteria):
        raise ActionError(_("Notez chaque critère de la grille."))
    for value in values.values():
        if not isinstance(value, int) or not 0 <= value <= MAX_SCORE:
            raise ActionError(_("Chaque note va de 0 à %(max)s.") % {"max": MAX_SCORE})
    with _action():
        for pk, value in values.items():
            Score.objects.update_or_create(
                application=application,
                juror=juror,
                criterion=criteria[pk],
                defaults={"value": value},
            )


# -- decision ---------------------------------------------------------------------------------


def decide(application: Application, *, amount: Decimal | None, by=None) -> Application:
    """Grant `amount` (None or 0: not retained). The round's row is locked first, so that
    concurrent decisions are taken one after the other and the budget is never exceeded."""
    with _action():
        grant_round = Round.objects.select_for_update().get(pk=application.round_id)
        application = Application.objects.select_for_update().get(pk=application.pk)
        if grant_round.is_decided:
            raise ActionError(_("Les résultats sont publiés : la décision ne peut plus changer."))
        if application.status == Status.DRAFT:
            raise ActionError(_("Une candidature en brouillon ne peut pas être décidée."))
        amount = Decimal(amount or 0)
        if amount < 0:
            raise ActionError(_("Le montant accordé ne peut pas être négatif."))
        requested = application.requested()
        if amount > requested:
            raise ActionError(
                _("Le montant accordé (%(amount)s €) dépasse le montant demandé (%(asked)s €).")
                % {"amount": amount, "asked": requested}
            )
        others = grant_round.granted_total() - (application.amount_granted or 0)
        if others + amount > grant_round.budget:
            raise ActionError(
                _(
                    "L'enveloppe serait dépassée : %(others)s € déjà accordés, %(left)s € "
                    "restants sur %(budget)s €."
                )
                % {
                    "others": others,
                    "left": grant_round.budget - others,
                    "budget": grant_round.budget,
                }
            )
        application.status = Status.GRANTED if amount else Status.DECLINED
        application.amount_granted = amount or None
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "amount_granted", "decided_at"])
    return application


def _recipients(application: Application) -> list[tuple[str, str]]:
    """Who receives the letter: the person who applied, else the organisation's address."""
    user = application.created_by
    if user and user.email:
        return [(user.email, user.preferred_language)]
    if application.organisation.email:
        return [(application.organisation.email, settings.LANGUAGE_CODE)]
    return []


def _letter_context(application: Application) -> dict:
    return {
        "organisation": application.organisation.name,
        "title": application.title,
        "round": application.round.call.title,
        "amount": application.amount_granted,
        "report_due_on": application.report_due_on,
        "url": site_url() + application.get_absolute_url(),
        "network_name": getattr(settings, "PASSERELLES_NETWORK_NAME", "réseau"),
    }


def publish_results(grant_round: Round, by=None) -> Round:
    """Close the round: applications not decided are not retained, winners get their final
    report's due date, and every applicant gets a letter."""
    now = timezone.now()
    with _action():
        grant_round = Round.objects.select_for_update().get(pk=grant_round.pk)
        if grant_round.is_decided:
            raise ActionError(_("Les résultats sont déjà publiés."))
        due = timezone.localdate(now) + datetime.timedelta(days=30 * grant_round.report_months)
        applications = grant_round.applications.submitted().select_related(
            "organisation", "created_by", "round__call"
        )
        for application in applications:
            if application.status == Status.SUBMITTED:
                application.status = Status.DECLINED
                application.decided_at = now
            if application.status == Status.GRANTED:
                application.report_due_on = due
            application.save(update_fields=["status", "decided_at", "report_due_on"])
            template = (
                "grants/email/granted"
                if application.status == Status.GRANTED
                else "grants/email/declined"
            )
            for email, language in _recipients(application):
                send_on_commit(
                    email, template, _letter_context(application), language, policy=GRANT_MAIL
                )
        grant_round.decided_at = now
        grant_round.save(update_fields=["decided_at"])
    return grant_round


def record_report(application: Application, received_on: datetime.date) -> Application:
    with _action():
        application.report_received_on = received_on
        application.save(update_fields=["report_received_on"])
    return application


def send_report_reminders(now=None) -> int:
    """Remind each winner whose final report is due within REMINDER_DAYS (or overdue) and not
    received. Once: the reminder's time is recorded with the outbox row, in one transaction."""
    now = now or timezone.now()
    limit = timezone.localdate(now) + datetime.timedelta(days=REMINDER_DAYS)
    with _action():
        due = list(
            Application.objects.granted()
            .filter(
                report_due_on__lte=limit,
                report_received_on__isnull=True,
                report_reminded_at__isnull=True,
            )
            .select_related("organisation", "created_by", "round__call")
            .select_for_update(of=("self",))
        )
        for application in due:
            application.report_reminded_at = now
            application.save(update_fields=["report_reminded_at"])
            for email, language in _recipients(application):
                send_on_commit(
                    email,
                    "grants/email/report_reminder",
                    _letter_context(application),
                    language,
                    policy=GRANT_MAIL,
                )
    return len(due)


def funder_lines(rows: Iterable[Mapping]) -> list[dict]:
    """Budget lines from a form's cleaned rows, blank rows left out."""
    return [
        {"label": r["label"], "amount": r["amount"], "funder": r.get("funder") or Funder.OWN}
        for r in rows
        if r and r.get("label") and r.get("amount") is not None
    ]


# -- merges -----------------------------------------------------------------------------------


def move_organisation(duplicate, target) -> None:
    """A merged duplicate's applications, as applicant or as partner abroad, pass to the kept
    record: the application, its scores and its decision stay as they were."""
    with _action():
        Application.objects.filter(organisation=duplicate).update(organisation=target)
        Application.objects.filter(partner=duplicate).update(partner=target)
