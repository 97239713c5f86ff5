"""API v1: co-construction spaces, with the same permission rules as the pages
(passerelles.cooperation.perms) and the same French messages (services.CooperationError).
Spaces, consent rounds and their answers, actions, contributions and indicators here;
statements, versions and amendments in cooperation_purpose.py; invitations and governance
rules in cooperation_members.py (all on one router, cooperation_base.router)."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status
from ninja.errors import HttpError

from passerelles.api.cooperation_base import (
    READ,
    WRITE,
    CollegeOut,
    MemberOut,
    VersionOut,
    acting,
    do,
    load_space,
    member_out,
    readable,
    router,
    version_out,
)
from passerelles.api.errors import errors
from passerelles.cooperation import indicators, perms, services
from passerelles.cooperation.enums import DEPRECATED_ANSWERS, Answer, ContributionKind
from passerelles.cooperation.models import (
    Action,
    ConsentRound,
    Contribution,
    CooperationSpace,
    Response,
)
from passerelles.core.text_limits import field_limit

__all__ = ["router"]


"""API v1: co-construction spaces, with the same permission rules as the pages
(passerelles.cooperation.perms) and the same French messages (services.CooperationError)."""


class SpaceOut(Schema):
    slug: str
    project: str
    min_there_percent: int
    decision_rule: str
    composition_ok: bool | None = None
    composition_problems: list[str] = []
    adopted_version: VersionOut | None = None
    adopted_at: datetime | None = None
    review_date: date | None = None
    colleges: list[CollegeOut] = []
    members: list[MemberOut] = []
    url: str


class RoundIn(Schema):
    version: int = Field(description="Numéro de la version soumise au consentement.")
    closes_on: date | None = None


class CollegeTally(Schema):
    college: str
    members: int
    answered: int
    needed: int
    reached: bool


class RoundOut(Schema):
    id: int
    version: int
    status: str
    opened_at: datetime
    closed_at: datetime | None
    outcome: str
    colleges: list[CollegeTally]
    objections: int
    passes_if_closed_now: bool


class AnswerValue(StrEnum):
    """The answers of docs/cooperation.md, plus "stand_aside": the former name of
    "abstention", still accepted on input (deprecated; answers always say "abstention")."""

    CONSENT = Answer.CONSENT.value
    OBJECTION = Answer.OBJECTION.value
    ABSTENTION = Answer.ABSTENTION.value
    WITHDRAWN = Answer.WITHDRAWN.value
    STAND_ASIDE = "stand_aside"


class AnswerIn(Schema):
    answer: AnswerValue = Field(
        description="consent, objection (une raison est requise), abstention, withdrawn "
        "(retirer son objection). « stand_aside » : ancien nom d'« abstention », accepté "
        "mais déprécié."
    )
    reason: str = Field("", max_length=field_limit(Response, "reason"))
    member_id: int | None = None


class AnswerOut(Schema):
    id: int
    member_id: int
    organisation: str
    answer: Answer
    reason: str
    created_at: datetime


class ActionIn(Schema):
    objective: int = Field(ge=0, description="Rang de l'objectif (à partir de 0).")
    title: str = Field(max_length=field_limit(Action, "title"))
    description: str = Field("", max_length=field_limit(Action, "description"))
    lead_member_id: int
    due_on: date | None = None
    member_id: int | None = None


class ActionOut(Schema):
    id: int
    title: str
    objective: str
    lead: str
    led_from_there: bool
    status: str


class ContributionIn(Schema):
    giver_member_id: int
    receiver_member_id: int
    kind: ContributionKind
    # The ledger's column: 12 digits, 2 after the point. Required for money only: knowledge,
    # time or hosting need not be priced (none counts as 0 € in the euro sums).
    value_eur: Decimal | None = Field(
        None,
        ge=0,
        max_digits=12,
        decimal_places=2,
        description="Valeur estimée en euros : obligatoire pour kind = money, facultative sinon.",
    )
    description: str = Field(max_length=field_limit(Contribution, "description"))
    learned: str = Field("", max_length=field_limit(Contribution, "learned"))
    member_id: int | None = None


class ContributionOut(Schema):
    id: int
    giver: str
    receiver: str
    kind: str
    value_eur: Decimal
    direction: str
    description: str
    learned: str


class IndicatorsOut(Schema):
    """Formulas in docs/cooperation.md; a ratio or share is null when its divisor is zero."""

    money_here_to_there: float
    money_there_to_here: float
    money_reciprocity: float | None
    non_money_here_to_there: int
    non_money_there_to_here: int
    non_money_value_here_to_there: float
    non_money_value_there_to_here: float
    non_money_reciprocity: float | None
    decisions: int
    decisions_with_there: int
    decisions_with_there_share: float | None
    actions: int
    actions_led_from_there: int
    actions_led_from_there_share: float | None


def _space_out(request, space) -> dict:
    full = perms.can_view_space(request.user, space)
    out = {
        "slug": space.project.slug,
        "project": space.project.title,
        "min_there_percent": space.min_there_percent,
        "decision_rule": space.decision_rule,
        "url": request.build_absolute_uri(space.get_absolute_url()),
    }
    if full or space.public_purpose:
        out.update(
            adopted_version=version_out(space.adopted_version),
            adopted_at=space.adopted_at,
            review_date=space.review_date,
        )
    if full:
        composition = space.composition()
        out.update(
            composition_ok=composition.ok,
            composition_problems=composition.problems,
            colleges=list(space.colleges.all()),
        )
    if full or space.public_members:
        out["members"] = [
            member_out(m)
            for m in space.members.select_related("organisation")
            if full or m.status == "active"
        ]
    return out


def _round(rnd):
    tally = rnd.tally()
    return {
        "id": rnd.pk,
        "version": rnd.version.number,
        "status": rnd.status,
        "opened_at": rnd.opened_at,
        "closed_at": rnd.closed_at,
        "outcome": rnd.outcome,
        "colleges": [
            {
                "college": r["college"].name,
                **{k: r[k] for k in ("members", "answered", "needed", "reached")},
            }
            for r in tally.colleges
        ],
        "objections": len(tally.objections),
        "passes_if_closed_now": tally.passes,
    }


# -- endpoints ----------------------------------------------------------------------------


@router.get(
    "/cooperation/spaces",
    response={200: list[SpaceOut], **errors()},
    summary="Espaces de co-construction",
)
def list_spaces(request: HttpRequest):
    """Members see their spaces, staff all spaces, visitors the spaces whose adopted purpose
    is public."""
    qs = CooperationSpace.objects.select_related("project", "adopted_version")
    public = Q(public_purpose=True, adopted_version__isnull=False)
    user = request.user
    if not user.is_authenticated:
        qs = qs.filter(public)
    elif not user.is_network_staff:
        # One condition on the spaces themselves: OR-ing the distinct "involving" queryset with
        # a plain one is refused by Django ("Cannot combine a unique query…").
        mine = CooperationSpace.objects.involving_user(user).values("pk")
        qs = qs.filter(Q(pk__in=mine) | public)
    return [_space_out(request, s) for s in qs.order_by("project__title", "pk")[:200]]


@router.get(
    "/cooperation/spaces/{slug}", response={200: SpaceOut, **errors(404)}, summary="Un espace"
)
def get_space(request: HttpRequest, slug: str):
    return _space_out(request, load_space(slug))


@router.get("/cooperation/spaces/{slug}/rounds", response={200: list[RoundOut], **READ})
def list_rounds(request: HttpRequest, slug: str):
    space = load_space(slug)
    readable(request, space)
    return [_round(r) for r in space.rounds.select_related("version", "space")]


@router.post("/cooperation/spaces/{slug}/rounds", response={201: RoundOut, **WRITE})
def open_round(request: HttpRequest, slug: str, payload: RoundIn):
    space = load_space(slug)
    member = acting(request, space, None, lead=True)
    version = get_object_or_404(space.versions, number=payload.version)
    rnd = do(services.open_round, version, request.user, member=member, closes_on=payload.closes_on)
    return Status(201, _round(rnd))


def _get_round(slug, pk):
    space = load_space(slug)
    return space, get_object_or_404(
        ConsentRound.objects.select_related("version", "space"), space=space, pk=pk
    )


@router.get("/cooperation/spaces/{slug}/rounds/{pk}", response={200: RoundOut, **READ})
def get_round(request: HttpRequest, slug: str, pk: int):
    space, rnd = _get_round(slug, pk)
    readable(request, space)
    return _round(rnd)


@router.get(
    "/cooperation/spaces/{slug}/rounds/{pk}/answers", response={200: list[AnswerOut], **READ}
)
def list_answers(request: HttpRequest, slug: str, pk: int):
    """Every answer in order, changed answers included (the latest per member counts)."""
    space, rnd = _get_round(slug, pk)
    readable(request, space)
    return [
        {
            "id": r.pk,
            "member_id": r.member_id,
            "organisation": r.member.organisation.name,
            "answer": r.answer,
            "reason": r.reason,
            "created_at": r.created_at,
        }
        for r in rnd.responses.select_related("member__organisation")
    ]


@router.post("/cooperation/spaces/{slug}/rounds/{pk}/answers", response={201: AnswerOut, **WRITE})
def answer(request: HttpRequest, slug: str, pk: int, payload: AnswerIn):
    space, rnd = _get_round(slug, pk)
    member = acting(request, space, payload.member_id)
    value = DEPRECATED_ANSWERS.get(payload.answer.value, payload.answer.value)
    r = do(services.answer, rnd, member, value, payload.reason, request.user)
    return Status(
        201,
        {
            "id": r.pk,
            "member_id": r.member_id,
            "organisation": member.organisation.name,
            "answer": r.answer,
            "reason": r.reason,
            "created_at": r.created_at,
        },
    )


@router.post("/cooperation/spaces/{slug}/rounds/{pk}/close", response={200: RoundOut, **WRITE})
def close_round(request: HttpRequest, slug: str, pk: int):
    space, rnd = _get_round(slug, pk)
    member = acting(request, space, None, lead=True)
    return _round(do(services.close_round, rnd, request.user, member=member))


@router.get("/cooperation/spaces/{slug}/actions", response={200: list[ActionOut], **READ})
def list_actions(request: HttpRequest, slug: str):
    space = load_space(slug)
    readable(request, space)
    return [
        {
            "id": a.pk,
            "title": a.title,
            "objective": a.objective,
            "lead": a.lead.organisation.name,
            "led_from_there": a.led_from_there,
            "status": a.status,
        }
        for a in space.actions.select_related("lead__organisation")
    ]


@router.post("/cooperation/spaces/{slug}/actions", response={201: ActionOut, **WRITE})
def add_action(request: HttpRequest, slug: str, payload: ActionIn):
    space = load_space(slug)
    member = acting(request, space, payload.member_id)
    lead = get_object_or_404(space.members, pk=payload.lead_member_id)
    a = do(
        services.add_action,
        space,
        member,
        lead,
        payload.objective,
        payload.title,
        request.user,
        description=payload.description,
        due_on=payload.due_on,
    )
    return Status(
        201,
        {
            "id": a.pk,
            "title": a.title,
            "objective": a.objective,
            "lead": lead.organisation.name,
            "led_from_there": a.led_from_there,
            "status": a.status,
        },
    )


def _contribution(c):
    return {
        "id": c.pk,
        "giver": c.giver.organisation.name,
        "receiver": c.receiver.organisation.name,
        "kind": c.kind,
        "value_eur": c.value_eur,
        "direction": c.direction,
        "description": c.description,
        "learned": c.learned,
    }


@router.get(
    "/cooperation/spaces/{slug}/contributions", response={200: list[ContributionOut], **READ}
)
def list_contributions(request: HttpRequest, slug: str):
    space = load_space(slug)
    readable(request, space)
    return [
        _contribution(c)
        for c in space.contributions.select_related("giver__organisation", "receiver__organisation")
    ]


@router.post("/cooperation/spaces/{slug}/contributions", response={201: ContributionOut, **WRITE})
def add_contribution(request: HttpRequest, slug: str, payload: ContributionIn):
    space = load_space(slug)
    member = acting(request, space, payload.member_id)
    if payload.kind == ContributionKind.MONEY and payload.value_eur is None:
        raise HttpError(
            422,
            "Le paramètre « value_eur » est obligatoire pour une contribution en argent "
            "(kind = money) : indiquez son montant en euros.",
        )
    giver = get_object_or_404(space.members, pk=payload.giver_member_id)
    receiver = get_object_or_404(space.members, pk=payload.receiver_member_id)
    c = do(
        services.add_contribution,
        space,
        member,
        giver,
        receiver,
        payload.kind,
        payload.value_eur,
        payload.description,
        request.user,
        learned=payload.learned,
    )
    return Status(201, _contribution(c))


@router.get("/cooperation/spaces/{slug}/indicators", response={200: IndicatorsOut, **READ})
def get_indicators(request: HttpRequest, slug: str):
    """Reciprocity and participation indicators (formulas in docs/cooperation.md)."""
    space = load_space(slug)
    if not space.public_indicators:
        readable(request, space)
    return indicators.compute(space).as_dict()


# The other subjects register their operations on the same router.
import passerelles.api.cooperation_members  # noqa: E402, F401
import passerelles.api.cooperation_purpose  # noqa: E402, F401
