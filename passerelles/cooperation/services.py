"""Workflows of a co-construction space that touch several models: each runs in one
transaction, checks its rule, writes the decision log and tells the members.

Rules raise `CooperationError` with a French sentence the views and the API show as is."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from passerelles.actors.enums import Status
from passerelles.cooperation.enums import (
    AmendmentStatus,
    ContributionKind,
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
    Contribution,
    CooperationSpace,
    DecisionLogEntry,
    PurposeVersion,
    SpaceMember,
    Statement,
    StatementVote,
)
from passerelles.cooperation.notifications import notify
from passerelles.core.richtext import plain_text

log = DecisionLogEntry.record


class CooperationError(ValidationError):
    """A step the rules do not allow; its message is a French sentence for the person."""


class InvalidInput(CooperationError):
    """Data that breaks a rule whatever the state of the space (a money contribution without
    an amount, a share above 100 %): the API answers 422 where a refused step answers 409."""


def _require_voting(member: SpaceMember, space: CooperationSpace):
    if member.space_id != space.pk:
        raise CooperationError(_("Cette organisation n'est pas membre de cet espace."))
    if not member.can_vote:
        raise CooperationError(
            _("Seules les organisations membres actives (pas les observatrices) participent.")
        )


# What the ledger's column holds (12 digits, 2 after the point): below ten billion euros.
MAX_VALUE_EUR = Decimal(10) ** 10

# A purpose names a handful of objectives, each on one line.
MAX_OBJECTIVES = 30
OBJECTIVE_MAX_LENGTH = 300


def within(text: str, model, name: str) -> str:
    """`text` when it fits the field `name` of `model`; refused in words otherwise. Never cut:
    what a person wrote is stored whole or not at all. The forms and the API schemas check the
    same lengths first; this is for any other caller."""
    field = model._meta.get_field(name)
    if len(text) > field.max_length:
        raise InvalidInput(
            _(
                "« %(label)s » compte %(count)s caractères pour %(limit)s au plus : "
                "raccourcissez-le."
            )
            % {"label": capfirst(field.verbose_name), "count": len(text), "limit": field.max_length}
        )
    return text


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


def _place(space, organisation, college, user, role) -> SpaceMember:
    """The organisation's row in the space, invited: shared by an invitation and an accepted
    request to join (which then accepts it at once)."""
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
    return member


@transaction.atomic
def invite(space, organisation, college, user, role=MemberRole.MEMBER) -> SpaceMember:
    # The page offers only published organisations; the API names any: the same rule here.
    if organisation.status != Status.PUBLISHED:
        raise CooperationError(
            _("Seule une organisation publiée dans l'annuaire peut être invitée.")
        )
    if role not in MemberRole.values:
        raise InvalidInput(_("Choisissez un rôle : animation, membre ou observateur."))
    member = _place(space, organisation, college, user, role)
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
def decline_invitation(member: SpaceMember, user) -> SpaceMember:
    """The invited organisation says no: it is no longer invited (status "left", as an
    organisation that leaves; it may be invited again later, on the same row)."""
    member = SpaceMember.objects.select_for_update().get(pk=member.pk)
    if member.status != MemberStatus.INVITED:
        raise CooperationError(_("Cette invitation n'est plus en attente."))
    member.status = MemberStatus.LEFT
    member.save(update_fields=["status"])
    log(
        member.space,
        LogKind.MEMBER_LEFT,
        _("%(org)s décline l'invitation.") % {"org": member},
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
    lines = [line for line in (plain_text(o) for o in objectives or ()) if line]
    if len(lines) > MAX_OBJECTIVES:
        raise InvalidInput(
            _("%(count)s objectifs : %(limit)s au plus.")
            % {"count": len(lines), "limit": MAX_OBJECTIVES}
        )
    for line in lines:
        if len(line) > OBJECTIVE_MAX_LENGTH:
            raise InvalidInput(
                _("Un objectif compte %(count)s caractères pour %(limit)s au plus.")
                % {"count": len(line), "limit": OBJECTIVE_MAX_LENGTH}
            )
    return lines


# -- statements ---------------------------------------------------------------------------


def write_statement(space, member, text, user) -> Statement:
    _require_voting(member, space)
    text = plain_text(text)
    if not text:
        raise InvalidInput(_("Écrivez l'énoncé."))
    text = within(text, Statement, "text")
    return Statement.objects.create(space=space, member=member, text=text, author=user)


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
    text = within(plain_text(text, multiline=True), PurposeVersion, "text")
    objectives = _objectives(objectives)
    note = within(plain_text(note), PurposeVersion, "note")
    if not text:
        raise InvalidInput(_("Le texte de la raison d'être est vide."))
    if not objectives:
        raise InvalidInput(_("Donnez au moins un objectif."))
    # Lock the space row: two versions written at once must not take the same number.
    CooperationSpace.objects.select_for_update().get(pk=space.pk)
    version = PurposeVersion.objects.create(
        space=space,
        text=text,
        objectives=objectives,
        parent=parent,
        note=note,
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
    text = within(plain_text(text, multiline=True), Amendment, "text")
    objectives = _objectives(objectives)
    rationale = within(plain_text(rationale), Amendment, "rationale")
    if not text or not objectives:
        raise InvalidInput(_("Un amendement propose un texte et au moins un objectif."))
    with transaction.atomic():
        amendment = Amendment.objects.create(
            version=version,
            member=member,
            text=text,
            objectives=objectives,
            rationale=rationale,
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
        raise InvalidInput(_("Le commentaire est vide."))
    text = within(text, Comment, "text")
    return Comment.objects.create(version=version, member=member, text=text, author=user)


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
        raise InvalidInput(_("Donnez un intitulé à l'action."))
    within(title, Action, "title")
    within(description, Action, "description")
    action = Action.objects.create(
        space=space,
        version=space.adopted_version,
        objective_index=objective_index,
        objective=objectives[objective_index][:300],
        title=title,
        description=description,
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


MONEY_NEEDS_VALUE = _lazy(
    "Une contribution en argent a un montant : indiquez sa valeur estimée en euros."
)


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
        raise InvalidInput(_("Une organisation ne se donne pas à elle-même."))
    priced = value_eur is not None
    if value_eur is None:
        if kind == ContributionKind.MONEY:
            raise InvalidInput(MONEY_NEEDS_VALUE)
        # Knowledge, time or hosting need not be priced: no estimate counts as nothing in the
        # euro sums (the non-money reciprocity counts contributions, not euros).
        value_eur = Decimal("0")
    if value_eur < 0:
        raise InvalidInput(_("La valeur estimée est un montant positif en euros."))
    if value_eur >= MAX_VALUE_EUR or value_eur != round(value_eur, 2):
        raise InvalidInput(
            _(
                "La valeur estimée s'écrit en euros avec deux décimales au plus et reste sous "
                "dix milliards d'euros."
            )
        )
    description = within(plain_text(description), Contribution, "description")
    learned = within(plain_text(learned, multiline=True), Contribution, "learned")
    contribution = Contribution.objects.create(
        space=space,
        giver=giver,
        receiver=receiver,
        kind=kind,
        value_eur=value_eur,
        description=description,
        learned=learned,
        created_by=user,
        given_on=given_on or timezone.localdate(),
    )
    names = {"giver": giver, "receiver": receiver, "kind": contribution.get_kind_display()}
    log(
        space,
        LogKind.CONTRIBUTION,
        _("%(giver)s → %(receiver)s : %(kind)s (%(value)s €).") % {**names, "value": value_eur}
        if priced
        else _("%(giver)s → %(receiver)s : %(kind)s.") % names,
        user=user,
        member=member,
    )
    return contribution


# Consent rounds live in consent.py, requests to join in joining.py; their names stay
# importable from here.
from passerelles.cooperation.consent import (  # noqa: E402, F401
    _end_round,
    adopt,
    answer,
    cancel_round,
    close_round,
    open_round,
    rnd_url,
)
from passerelles.cooperation.governance import set_governance  # noqa: E402, F401
from passerelles.cooperation.joining import (  # noqa: E402, F401
    accept_join_request,
    refuse_join_request,
    request_to_join,
)
