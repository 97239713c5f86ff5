"""Consent rounds on a purpose version: opening, answers, closing, cancelling, adoption (split
from services.py; the rest of the space's workflow stays there)."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passerelles.cooperation.enums import (
    Answer,
    LogKind,
    NotificationKind,
    RoundStatus,
)
from passerelles.cooperation.models import (
    ConsentRound,
    CooperationSpace,
    DecisionLogEntry,
    Response,
    SpaceMember,
)
from passerelles.cooperation.notifications import notify
from passerelles.cooperation.services import (  # noqa: E402
    CooperationError,
    _require_voting,
    add_months,
    within,
)
from passerelles.core.richtext import plain_text

log = DecisionLogEntry.record


# -- consent rounds -----------------------------------------------------------------------


@transaction.atomic
def open_round(version, user, member=None, closes_on=None) -> ConsentRound:
    space = CooperationSpace.objects.select_for_update().get(pk=version.space_id)
    if space.rounds.open().exists():
        raise CooperationError(_("Un tour de consentement est déjà ouvert dans cet espace."))
    if space.adopted_version_id == version.pk:
        raise CooperationError(_("Cette version est déjà la raison d'être adoptée."))
    if version.pk != space.versions.aggregate(n=Max("pk"))["n"]:
        raise CooperationError(_("Un tour porte sur la dernière version de la raison d'être."))
    composition = space.composition()
    if not composition.ok:
        raise CooperationError(
            _("La composition de l'espace ne respecte pas ses règles : %(problems)s")
            % {"problems": " ".join(composition.problems)}
        )
    rnd = ConsentRound.objects.create(
        space=space, version=version, opened_by=user, closes_on=closes_on
    )
    log(
        space,
        LogKind.ROUND_OPENED,
        _("Tour de consentement ouvert sur la version %(n)s.") % {"n": version.number},
        user=user,
        member=member,
        version=version,
        round=rnd,
    )
    notify(
        space,
        NotificationKind.ROUND_OPENED,
        lambda: (
            _(
                "Un tour de consentement est ouvert sur la version %(n)s de la raison "
                "d'être de « %(space)s »."
            )
            % {"n": version.number, "space": space}
        ),
        rnd_url(rnd),
    )
    return rnd


def rnd_url(rnd) -> str:
    from django.urls import reverse

    return reverse("cooperation:round", kwargs={"slug": rnd.space.project.slug, "pk": rnd.pk})


@transaction.atomic
def answer(rnd, member, value, reason, user) -> Response:
    """Record an answer: always a new row. The round row is locked so that an answer and
    the closing of the round cannot cross (an answer never lands in a closed round); two
    answers at once wait for each other for a moment and both are kept."""
    rnd = (
        ConsentRound.objects.select_for_update(of=("self",))
        .select_related("space", "version")
        .get(pk=rnd.pk)
    )
    if not rnd.is_open:
        raise CooperationError(_("Ce tour de consentement est clos."))
    member = SpaceMember.objects.select_related("organisation").get(pk=member.pk)
    _require_voting(member, rnd.space)
    reason = within(plain_text(reason, multiline=True), Response, "reason")
    if value not in Answer.values:
        raise CooperationError(_("Réponse inconnue."))
    if value == Answer.OBJECTION and not reason:
        raise CooperationError(_("Une objection doit être motivée : écrivez sa raison."))
    current = rnd.responses.filter(member=member).order_by("-pk").first()
    if value == Answer.WITHDRAWN and (current is None or current.answer != Answer.OBJECTION):
        raise CooperationError(_("Seule une objection en cours peut être retirée."))
    response = Response.objects.create(
        round=rnd, member=member, answer=value, reason=reason, author=user
    )
    label = response.get_answer_display()
    summary = _("%(org)s : %(answer)s.") % {"org": member, "answer": label}
    if reason:
        summary += " " + _("Raison : %(reason)s") % {"reason": reason}
    log(
        rnd.space, LogKind.ANSWER, summary, user=user, member=member, version=rnd.version, round=rnd
    )
    if value == Answer.OBJECTION:
        notify(
            rnd.space,
            NotificationKind.OBJECTION,
            lambda: (
                _("%(org)s objecte à la version %(n)s : %(reason)s")
                % {"org": member, "n": rnd.version.number, "reason": reason[:200]}
            ),
            rnd_url(rnd),
        )
    return response


@transaction.atomic
def close_round(rnd, user, member=None) -> ConsentRound:
    """Close a round: it passes when every college reached its quorum and no objection
    stands; then its version becomes the adopted purpose, with a review date."""
    rnd = (
        ConsentRound.objects.select_for_update(of=("self",))
        .select_related("space", "version")
        .get(pk=rnd.pk)
    )
    if not rnd.is_open:
        raise CooperationError(_("Ce tour de consentement est déjà clos."))
    tally = rnd.tally()
    if tally.passes:
        _end_round(
            rnd,
            RoundStatus.PASSED,
            user,
            _("Quorum atteint dans chaque collège, aucune objection."),
            member=member,
        )
        adopt(rnd, user, member)
    else:
        reasons = []
        missing = [row["college"].name for row in tally.colleges if not row["reached"]]
        if missing:
            reasons.append(_("quorum non atteint dans : %(c)s") % {"c": ", ".join(missing)})
        if tally.objections:
            n = len(tally.objections)
            reasons.append(
                ngettext("%(n)s objection en cours", "%(n)s objections en cours", n) % {"n": n}
            )
        _end_round(
            rnd,
            RoundStatus.FAILED,
            user,
            _("Non adopté : %(why)s.") % {"why": " ; ".join(reasons)},
            member=member,
        )
    return rnd


@transaction.atomic
def cancel_round(rnd, user, member=None) -> ConsentRound:
    rnd = ConsentRound.objects.select_for_update().get(pk=rnd.pk)
    if not rnd.is_open:
        raise CooperationError(_("Ce tour de consentement est déjà clos."))
    _end_round(rnd, RoundStatus.CANCELLED, user, _("Tour annulé."), member=member)
    return rnd


def _end_round(rnd, status, user, outcome, member=None):
    rnd.status, rnd.closed_at, rnd.outcome = status, timezone.now(), str(outcome)[:300]
    rnd.closed_by = user if user is not None and user.is_authenticated else None
    rnd.save(update_fields=["status", "closed_at", "outcome", "closed_by"])
    kind = LogKind.ROUND_CANCELLED if status == RoundStatus.CANCELLED else LogKind.ROUND_CLOSED
    log(rnd.space, kind, outcome, user=user, member=member, version=rnd.version, round=rnd)
    if status != RoundStatus.CANCELLED:
        space, number = rnd.space, rnd.version.number
        notify(
            space,
            NotificationKind.ROUND_CLOSED,
            lambda: (
                _("Le tour de consentement sur la version %(n)s est clos : %(outcome)s")
                % {"n": number, "outcome": outcome}
            ),
            rnd_url(rnd),
        )


def adopt(rnd, user, member=None):
    space = rnd.space
    today = timezone.localdate()
    space.adopted_version, space.adopted_at = rnd.version, timezone.now()
    space.review_date = add_months(today, space.review_months)
    space.save(update_fields=["adopted_version", "adopted_at", "review_date"])
    log(
        space,
        LogKind.ADOPTION,
        _("Version %(n)s adoptée comme raison d'être ; à réviser le %(date)s.")
        % {"n": rnd.version.number, "date": space.review_date.strftime("%d/%m/%Y")},
        user=user,
        member=member,
        version=rnd.version,
        round=rnd,
    )
    notify(
        space,
        NotificationKind.ADOPTION,
        lambda: (
            _("La version %(n)s de la raison d'être de « %(space)s » est adoptée.")
            % {"n": rnd.version.number, "space": space}
        ),
        space.get_absolute_url(),
    )
