"""API v1: co-construction spaces, with the same permission rules as the pages
(passerelles.cooperation.perms) and the same French messages (services.CooperationError)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from passerelles.api.errors import errors
from passerelles.cooperation import indicators, perms, services
from passerelles.cooperation.enums import Answer, ContributionKind
from passerelles.cooperation.models import (
    Action,
    Amendment,
    ConsentRound,
    Contribution,
    CooperationSpace,
    PurposeVersion,
    Response,
    SpaceMember,
)
from passerelles.cooperation.services import MAX_OBJECTIVES, OBJECTIVE_MAX_LENGTH
from passerelles.core.text_limits import field_limit

router = Router(tags=["cooperation"])


class CollegeOut(Schema):
    id: int
    name: str
    required: bool
    quorum_kind: str
    quorum: int


class MemberOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    college_id: int
    side: str
    role: str
    status: str


class VersionOut(Schema):
    number: int
    text: str
    objectives: list[str]
    parent: int | None
    note: str
    created_at: datetime


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


# Objectives: one line each, as in the form.
Objective = Annotated[str, Field(max_length=OBJECTIVE_MAX_LENGTH)]


class VersionIn(Schema):
    text: str = Field(max_length=field_limit(PurposeVersion, "text"))
    objectives: list[Objective] = Field(min_length=1, max_length=MAX_OBJECTIVES)
    note: str = Field("", max_length=field_limit(PurposeVersion, "note"))
    member_id: int | None = Field(None, description="L'organisation au nom de laquelle agir.")


class AmendmentIn(Schema):
    text: str = Field(max_length=field_limit(Amendment, "text"))
    objectives: list[Objective] = Field(min_length=1, max_length=MAX_OBJECTIVES)
    rationale: str = Field("", max_length=field_limit(Amendment, "rationale"))
    member_id: int | None = None


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


class AnswerIn(Schema):
    answer: Answer
    reason: str = Field("", max_length=field_limit(Response, "reason"))
    member_id: int | None = None


class AnswerOut(Schema):
    id: int
    member_id: int
    organisation: str
    answer: str
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
    # The ledger's column: 12 digits, 2 after the point.
    value_eur: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
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


class AmendmentOut(Schema):
    id: int
    status: str


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


# Reading a space's rows: 401/403 for a space one may not read, 404 for an unknown space or row,
# 422 for a path parameter of the wrong kind. Writing: also 409 when the space's state refuses
# the change (services.CooperationError), 422 for a body that breaks the schema.
READ = errors(403, 404, 422)
WRITE = errors(403, 404, 409, 422, write=True)


# -- helpers ------------------------------------------------------------------------------


def _space(slug) -> CooperationSpace:
    return get_object_or_404(
        CooperationSpace.objects.select_related("project", "adopted_version"), project__slug=slug
    )


def _readable(request, space):
    if not perms.can_view_space(request.user, space):
        raise HttpError(
            403 if request.user.is_authenticated else 401,
            "Cet espace n'est lisible que par ses membres et l'équipe du réseau.",
        )


def _acting(request, space, member_id, lead=False) -> SpaceMember:
    qs = (perms.lead_members if lead else perms.acting_members)(request.user, space)
    if not request.user.is_authenticated:
        raise HttpError(401, "Connectez-vous (jeton personnel ou session).")
    members = list(qs)
    if member_id is not None:
        members = [m for m in members if m.pk == member_id]
    if not members:
        raise HttpError(403, "Vous n'agissez pour aucune organisation membre habilitée ici.")
    return members[0]


def _do(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except services.CooperationError as error:
        raise HttpError(409, " ".join(error.messages)) from error


def _version(v):
    if v is None:
        return None
    return {
        "number": v.number,
        "text": v.text,
        "objectives": v.objectives,
        "parent": v.parent.number if v.parent_id else None,
        "note": v.note,
        "created_at": v.created_at,
    }


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
            adopted_version=_version(space.adopted_version),
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
            _member(m)
            for m in space.members.select_related("organisation")
            if full or m.status == "active"
        ]
    return out


def _member(m):
    return {
        "id": m.pk,
        "organisation_id": m.organisation_id,
        "organisation": m.organisation.name,
        "college_id": m.college_id,
        "side": m.side,
        "role": m.role,
        "status": m.status,
    }


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
    return _space_out(request, _space(slug))


@router.get("/cooperation/spaces/{slug}/versions", response={200: list[VersionOut], **READ})
def list_versions(request: HttpRequest, slug: str):
    space = _space(slug)
    _readable(request, space)
    return [_version(v) for v in space.versions.select_related("parent")]


@router.post("/cooperation/spaces/{slug}/versions", response={201: VersionOut, **WRITE})
def create_version(request: HttpRequest, slug: str, payload: VersionIn):
    space = _space(slug)
    member = _acting(request, space, payload.member_id, lead=True)
    latest = space.versions.order_by("-number").first()
    version = _do(
        services.new_version,
        space,
        payload.text,
        payload.objectives,
        request.user,
        member=member,
        parent=latest,
        note=payload.note,
    )
    return Status(201, _version(version))


@router.post(
    "/cooperation/spaces/{slug}/versions/{number}/amendments",
    response={201: AmendmentOut, **WRITE},
)
def propose_amendment(request: HttpRequest, slug: str, number: int, payload: AmendmentIn):
    space = _space(slug)
    version = get_object_or_404(space.versions, number=number)
    member = _acting(request, space, payload.member_id)
    amendment = _do(
        services.propose_amendment,
        version,
        member,
        payload.text,
        payload.objectives,
        payload.rationale,
        request.user,
    )
    return Status(201, {"id": amendment.pk, "status": amendment.status})


@router.get("/cooperation/spaces/{slug}/rounds", response={200: list[RoundOut], **READ})
def list_rounds(request: HttpRequest, slug: str):
    space = _space(slug)
    _readable(request, space)
    return [_round(r) for r in space.rounds.select_related("version", "space")]


@router.post("/cooperation/spaces/{slug}/rounds", response={201: RoundOut, **WRITE})
def open_round(request: HttpRequest, slug: str, payload: RoundIn):
    space = _space(slug)
    member = _acting(request, space, None, lead=True)
    version = get_object_or_404(space.versions, number=payload.version)
    rnd = _do(
        services.open_round, version, request.user, member=member, closes_on=payload.closes_on
    )
    return Status(201, _round(rnd))


def _get_round(slug, pk):
    space = _space(slug)
    return space, get_object_or_404(
        ConsentRound.objects.select_related("version", "space"), space=space, pk=pk
    )


@router.get("/cooperation/spaces/{slug}/rounds/{pk}", response={200: RoundOut, **READ})
def get_round(request: HttpRequest, slug: str, pk: int):
    space, rnd = _get_round(slug, pk)
    _readable(request, space)
    return _round(rnd)


@router.get(
    "/cooperation/spaces/{slug}/rounds/{pk}/answers", response={200: list[AnswerOut], **READ}
)
def list_answers(request: HttpRequest, slug: str, pk: int):
    """Every answer in order, changed answers included (the latest per member counts)."""
    space, rnd = _get_round(slug, pk)
    _readable(request, space)
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
    member = _acting(request, space, payload.member_id)
    r = _do(services.answer, rnd, member, payload.answer, payload.reason, request.user)
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
    member = _acting(request, space, None, lead=True)
    return _round(_do(services.close_round, rnd, request.user, member=member))


@router.get("/cooperation/spaces/{slug}/actions", response={200: list[ActionOut], **READ})
def list_actions(request: HttpRequest, slug: str):
    space = _space(slug)
    _readable(request, space)
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
    space = _space(slug)
    member = _acting(request, space, payload.member_id)
    lead = get_object_or_404(space.members, pk=payload.lead_member_id)
    a = _do(
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
    space = _space(slug)
    _readable(request, space)
    return [
        _contribution(c)
        for c in space.contributions.select_related("giver__organisation", "receiver__organisation")
    ]


@router.post("/cooperation/spaces/{slug}/contributions", response={201: ContributionOut, **WRITE})
def add_contribution(request: HttpRequest, slug: str, payload: ContributionIn):
    space = _space(slug)
    member = _acting(request, space, payload.member_id)
    giver = get_object_or_404(space.members, pk=payload.giver_member_id)
    receiver = get_object_or_404(space.members, pk=payload.receiver_member_id)
    c = _do(
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
    space = _space(slug)
    if not space.public_indicators:
        _readable(request, space)
    return indicators.compute(space).as_dict()
