"""Workflows of a co-construction space that touch several models: each runs in one
transaction, checks its rule, writes the decision log and tells the members.

Rules raise `CooperationError` with a French sentence the views and the API show as is."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.cooperation.enums import (
    AmendmentStatus,
    Answer,
    LogKind,
    MemberRole,
    MemberStatus,
    NotificationKind,
    RoundStatus,
)
from passerelles.cooperation.models import (
    Action,
    Amendment,
    College,
    CollegeTemplate,
    Comment,
    ConsentRound,
    Contribution,
    CooperationSpace,
    DecisionLogEntry,
    PurposeVersion,
    Response,
    SpaceMember,
    Statement,
    StatementVote,
)
from passerelles.cooperation.notifications import notify
from passerelles.core.richtext import plain_text

log = DecisionLogEntry.record


class CooperationError(ValidationError):
    """A step the rules do not allow; its message is a French sentence for the person."""


def _require_voting(member: SpaceMember, space: CooperationSpace):
    if member.space_id != space.pk:
        raise CooperationError(_("Cette organisation n'est pas membre de cet espace."))
    if not member.can_vote:
        raise CooperationError(
            _("Seules les organisations membres actives (pas les observatrices) participent.")
        )


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):  # 31 January + 1 month is the last day of February
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# -- space and members --------------------------------------------------------------------


@transaction.atomic
def open_space(project, lead_organisation, lead_college_name, templates, user, **rules):
    """Open the space of a project: colleges from templates, the lead organisation active in
    its college with the lead role."""
    if CooperationSpace.objects.filter(project=project).exists():
        raise CooperationError(_("Ce projet a déjà un espace de co-construction."))
    space = CooperationSpace.objects.create(project=project, created_by=user, **rules)
    names = []
    for order, template in enumerate(templates):
        if isinstance(template, CollegeTemplate):
            College.objects.create(
                space=space,
                name=template.name,
                template=template,
                required=template.required_by_default,
                order=order,
            )
            names.append(template.name)
        else:
            College.objects.create(space=space, name=str(template), order=order)
            names.append(str(template))
    if lead_college_name not in names:
        lead_college_name = names[0] if names else _("Animation")
        if not names:
            College.objects.create(space=space, name=lead_college_name)
    college = space.colleges.get(name=lead_college_name)
    member = SpaceMember.objects.create(
        space=space,
        organisation=lead_organisation,
        college=college,
        role=MemberRole.LEAD,
        status=MemberStatus.ACTIVE,
        invited_by=user,
        joined_at=timezone.now(),
    )
    log(
        space,
        LogKind.SPACE_OPENED,
        _("Espace ouvert par %(org)s.") % {"org": member},
        user=user,
        member=member,
    )
    return space


@transaction.atomic
def invite(space, organisation, college, user, role=MemberRole.MEMBER) -> SpaceMember:
    if college.space_id != space.pk:
        raise CooperationError(_("Ce collège appartient à un autre espace."))
    existing = SpaceMember.objects.filter(space=space, organisation=organisation).first()
    if existing and existing.status != MemberStatus.LEFT:
        raise CooperationError(_("Cette organisation est déjà invitée ou membre."))
    # An organisation that left may be invited again: the same row, so its past answers stay.
    member = existing or SpaceMember(space=space, organisation=organisation)
    member.college, member.role, member.status = college, role, MemberStatus.INVITED
    member.invited_by, member.invited_at, member.joined_at = user, timezone.now(), None
    member.save()
    log(
        space,
        LogKind.MEMBER_INVITED,
        _("%(org)s invitée dans le collège « %(college)s » (%(role)s).")
        % {"org": organisation, "college": college, "role": member.get_role_display()},
        user=user,
    )
    notify(
        space,
        NotificationKind.INVITATION,
        lambda: (
            _("Votre organisation %(org)s est invitée dans l'espace « %(space)s ».")
            % {"org": organisation, "space": space}
        ),
        space.get_absolute_url(),
        users=[m.user for m in organisation.memberships.select_related("user") if m.user.is_active],
    )
    return member


@transaction.atomic
def accept_invitation(member: SpaceMember, user) -> SpaceMember:
    if member.status != MemberStatus.INVITED:
        raise CooperationError(_("Cette invitation n'est plus en attente."))
    member.status, member.joined_at = MemberStatus.ACTIVE, timezone.now()
    member.save(update_fields=["status", "joined_at"])
    log(
        member.space,
        LogKind.MEMBER_JOINED,
        _("%(org)s rejoint l'espace.") % {"org": member},
        user=user,
        member=member,
    )
    return member


@transaction.atomic
def leave(member: SpaceMember, user) -> SpaceMember:
    if (
        member.role == MemberRole.LEAD
        and not member.space.members.active()
        .filter(role=MemberRole.LEAD)
        .exclude(pk=member.pk)
        .exists()
    ):
        raise CooperationError(_("L'espace garde au moins une organisation d'animation."))
    member.status = MemberStatus.LEFT
    member.save(update_fields=["status"])
    log(
        member.space,
        LogKind.MEMBER_LEFT,
        _("%(org)s quitte l'espace.") % {"org": member},
        user=user,
        member=member,
    )
    return member


def _objectives(objectives) -> list[str]:
    """Objectives as plain text, one line each, empty ones left out."""
    return [line[:300] for line in (plain_text(o) for o in objectives or ()) if line]


# -- statements ---------------------------------------------------------------------------


def write_statement(space, member, text, user) -> Statement:
    _require_voting(member, space)
    text = plain_text(text)
    if not text:
        raise CooperationError(_("Écrivez l'énoncé."))
    return Statement.objects.create(space=space, member=member, text=text[:280], author=user)


def rate_statement(statement, member, vote, user) -> StatementVote:
    _require_voting(member, statement.space)
    row, _created = StatementVote.objects.update_or_create(
        statement=statement, member=member, defaults={"vote": vote, "author": user}
    )
    return row


# -- purpose versions, amendments, comments -----------------------------------------------


@transaction.atomic
def new_version(space, text, objectives, user, member=None, parent=None, note="") -> PurposeVersion:
    """A new version of the purpose. A round still open on another version is cancelled:
    the question has changed, so answers to the old text must not decide the new one."""
    if member is not None:
        _require_voting(member, space)
    text = plain_text(text, multiline=True)
    objectives = _objectives(objectives)
    note = plain_text(note)
    if not text:
        raise CooperationError(_("Le texte de la raison d'être est vide."))
    if not objectives:
        raise CooperationError(_("Donnez au moins un objectif."))
    # Lock the space row: two versions written at once must not take the same number.
    CooperationSpace.objects.select_for_update().get(pk=space.pk)
    version = PurposeVersion.objects.create(
        space=space,
        text=text,
        objectives=objectives,
        parent=parent,
        note=note[:300],
        member=member,
        author=user,
    )
    log(
        space,
        LogKind.VERSION,
        _("Version %(n)s écrite.%(note)s")
        % {"n": version.number, "note": f" {note}" if note else ""},
        user=user,
        member=member,
        version=version,
    )
    for stale in space.rounds.open().exclude(version=version):
        _end_round(
            stale,
            RoundStatus.CANCELLED,
            user,
            _("Annulé : une nouvelle version (%(n)s) a été écrite.") % {"n": version.number},
        )
    return version


def propose_amendment(version, member, text, objectives, rationale, user) -> Amendment:
    _require_voting(member, version.space)
    text = plain_text(text, multiline=True)
    objectives = _objectives(objectives)
    if not text or not objectives:
        raise CooperationError(_("Un amendement propose un texte et au moins un objectif."))
    with transaction.atomic():
        amendment = Amendment.objects.create(
            version=version,
            member=member,
            text=text,
            objectives=objectives,
            rationale=plain_text(rationale)[:500],
            author=user,
        )
        log(
            version.space,
            LogKind.AMENDMENT,
            _("Amendement proposé à la version %(n)s.%(why)s")
            % {"n": version.number, "why": f" {rationale}" if rationale else ""},
            user=user,
            member=member,
            version=version,
        )
    return amendment


@transaction.atomic
def accept_amendment(amendment, user, member=None) -> PurposeVersion:
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.status != AmendmentStatus.PROPOSED:
        raise CooperationError(_("Cet amendement a déjà été traité."))
    space = amendment.version.space
    version = new_version(
        space,
        amendment.text,
        amendment.objectives,
        user,
        member=amendment.member,
        parent=amendment.version,
        note=_("Amendement de %(org)s intégré.") % {"org": amendment.member},
    )
    amendment.status, amendment.result, amendment.decided_at = (
        AmendmentStatus.ACCEPTED,
        version,
        timezone.now(),
    )
    amendment.save(update_fields=["status", "result", "decided_at"])
    log(
        space,
        LogKind.AMENDMENT_ACCEPTED,
        _("Amendement de %(org)s intégré : il devient la version %(n)s.")
        % {"org": amendment.member, "n": version.number},
        user=user,
        member=member,
        version=version,
    )
    return version


@transaction.atomic
def reject_amendment(amendment, user, member=None) -> Amendment:
    if amendment.status != AmendmentStatus.PROPOSED:
        raise CooperationError(_("Cet amendement a déjà été traité."))
    amendment.status, amendment.decided_at = AmendmentStatus.REJECTED, timezone.now()
    amendment.save(update_fields=["status", "decided_at"])
    log(
        amendment.version.space,
        LogKind.AMENDMENT_REJECTED,
        _("Amendement de %(org)s écarté.") % {"org": amendment.member},
        user=user,
        member=member,
        version=amendment.version,
    )
    return amendment


def add_comment(version, member, text, user) -> Comment:
    _require_voting(member, version.space)
    text = plain_text(text, multiline=True)
    if not text:
        raise CooperationError(_("Le commentaire est vide."))
    return Comment.objects.create(version=version, member=member, text=text[:2000], author=user)


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
    reason = plain_text(reason, multiline=True)
    if value not in Answer.values:
        raise CooperationError(_("Réponse inconnue."))
    if value == Answer.OBJECTION and not reason:
        raise CooperationError(_("Une objection doit être motivée : écrivez sa raison."))
    current = rnd.responses.filter(member=member).order_by("-pk").first()
    if value == Answer.WITHDRAWN and (current is None or current.answer != Answer.OBJECTION):
        raise CooperationError(_("Seule une objection en cours peut être retirée."))
    response = Response.objects.create(
        round=rnd, member=member, answer=value, reason=reason[:2000], author=user
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
            reasons.append(_("%(n)s objection(s) en cours") % {"n": len(tally.objections)})
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


# -- actions and contributions ------------------------------------------------------------

ACTIONS_LOCKED = _(
    "Les actions viennent après la raison d'être : elles pourront être ajoutées quand une "
    "version aura été adoptée par consentement."
)


@transaction.atomic
def add_action(space, member, lead, objective_index, title, user, description="", due_on=None):
    space = CooperationSpace.objects.select_related("adopted_version").get(pk=space.pk)
    if space.adopted_version is None:
        raise CooperationError(str(ACTIONS_LOCKED))
    _require_voting(member, space)
    if lead.space_id != space.pk or lead.status != MemberStatus.ACTIVE:
        raise CooperationError(_("L'action est menée par une organisation membre active."))
    objectives = space.adopted_version.objectives
    if not 0 <= objective_index < len(objectives):
        raise CooperationError(_("Choisissez un objectif de la raison d'être adoptée."))
    title, description = plain_text(title), plain_text(description, multiline=True)
    if not title:
        raise CooperationError(_("Donnez un intitulé à l'action."))
    action = Action.objects.create(
        space=space,
        version=space.adopted_version,
        objective_index=objective_index,
        objective=objectives[objective_index][:300],
        title=title[:200],
        description=description[:4000],
        lead=lead,
        due_on=due_on,
        created_by=user,
    )
    log(
        space,
        LogKind.ACTION,
        _("Action « %(title)s » menée par %(lead)s, pour l'objectif « %(objective)s ».")
        % {"title": action.title, "lead": lead, "objective": action.objective},
        user=user,
        member=member,
        version=space.adopted_version,
    )
    return action


@transaction.atomic
def add_contribution(
    space, member, giver, receiver, kind, value_eur, description, user, learned="", given_on=None
) -> Contribution:
    _require_voting(member, space)
    if giver.space_id != space.pk or receiver.space_id != space.pk:
        raise CooperationError(_("Les deux organisations doivent être membres de l'espace."))
    if member.pk not in (giver.pk, receiver.pk):
        raise CooperationError(
            _("Une organisation enregistre ce qu'elle donne ou ce qu'elle reçoit.")
        )
    if giver.pk == receiver.pk:
        raise CooperationError(_("Une organisation ne se donne pas à elle-même."))
    if value_eur is None or value_eur < 0:
        raise CooperationError(_("La valeur estimée est un montant positif en euros."))
    contribution = Contribution.objects.create(
        space=space,
        giver=giver,
        receiver=receiver,
        kind=kind,
        value_eur=value_eur,
        description=plain_text(description)[:500],
        learned=plain_text(learned, multiline=True),
        created_by=user,
        given_on=given_on or timezone.localdate(),
    )
    log(
        space,
        LogKind.CONTRIBUTION,
        _("%(giver)s → %(receiver)s : %(kind)s (%(value)s €).")
        % {
            "giver": giver,
            "receiver": receiver,
            "kind": contribution.get_kind_display(),
            "value": value_eur,
        },
        user=user,
        member=member,
    )
    return contribution
