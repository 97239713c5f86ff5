"""API v1 of who is in a space and by which rules: invitations (the leads invite, the invited
organisation accepts or declines) and the governance rules (read by everyone who reads the
space, changed by its leads). Each write is the cooperation app's own (services), as on the
pages; who may do what is in cooperation.perms."""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status
from ninja.errors import HttpError

from passerelles.actors.models import Organisation
from passerelles.api.cooperation_base import (
    READ,
    WRITE,
    CollegeOut,
    MemberOut,
    acting,
    do,
    load_space,
    member_out,
    readable,
    router,
    signed_in,
)
from passerelles.cooperation import perms, services
from passerelles.cooperation.enums import MemberRole, MemberStatus, QuorumKind
from passerelles.cooperation.governance import NAME_MAX, QUORUM_MAX
from passerelles.cooperation.models import SpaceMember

# -- invitations --------------------------------------------------------------------------


class InvitationIn(Schema):
    organisation_id: int = Field(description="Une organisation publiée, d'ici ou de là-bas.")
    college_id: int = Field(description="Un collège de l'espace.")
    role: MemberRole = MemberRole.MEMBER


class InvitationOut(MemberOut):
    invited_at: datetime


def _invitation(m) -> dict:
    return {**member_out(m), "invited_at": m.invited_at}


@router.get("/cooperation/spaces/{slug}/invitations", response={200: list[InvitationOut], **READ})
def list_invitations(request: HttpRequest, slug: str):
    """The invitations still waiting for an answer."""
    space = load_space(slug)
    readable(request, space)
    return [
        _invitation(m)
        for m in space.members.filter(status=MemberStatus.INVITED).select_related("organisation")
    ]


@router.post("/cooperation/spaces/{slug}/invitations", response={201: InvitationOut, **WRITE})
def invite(request: HttpRequest, slug: str, payload: InvitationIn):
    """A lead invites an organisation into a college, as a member, an observer or a lead.
    The people acting for it are told (notification and e-mail)."""
    space = load_space(slug)
    acting(request, space, None, lead=True)
    organisation = get_object_or_404(Organisation, pk=payload.organisation_id)
    college = get_object_or_404(space.colleges, pk=payload.college_id)
    member = do(services.invite, space, organisation, college, request.user, role=payload.role)
    return Status(201, _invitation(member))


def _invited(request, slug, member_id) -> SpaceMember:
    space = load_space(slug)
    member = get_object_or_404(
        SpaceMember.objects.select_related("organisation", "space"), space=space, pk=member_id
    )
    signed_in(request)
    if not perms.acts_for_member(request.user, member):
        raise HttpError(
            403, "Seules les personnes qui agissent pour l'organisation invitée répondent."
        )
    return member


@router.post(
    "/cooperation/spaces/{slug}/invitations/{member_id}/accept",
    response={200: MemberOut, **WRITE},
)
def accept_invitation(request: HttpRequest, slug: str, member_id: int):
    """Someone acting for the invited organisation accepts: it becomes an active member."""
    member = _invited(request, slug, member_id)
    return member_out(do(services.accept_invitation, member, request.user))


@router.post(
    "/cooperation/spaces/{slug}/invitations/{member_id}/decline",
    response={200: MemberOut, **WRITE},
)
def decline_invitation(request: HttpRequest, slug: str, member_id: int):
    """Someone acting for the invited organisation declines: it is no longer invited."""
    member = _invited(request, slug, member_id)
    return member_out(do(services.decline_invitation, member, request.user))


# -- governance rules ---------------------------------------------------------------------


class GovernanceOut(Schema):
    min_there_percent: int
    review_months: int
    decision_rule: str
    public_purpose: bool
    public_members: bool
    public_indicators: bool
    listed: bool
    colleges: list[CollegeOut]
    composition_ok: bool
    composition_problems: list[str]


class CollegeIn(Schema):
    id: int | None = Field(
        None, description="Un collège de l'espace à modifier ; vide : un nouveau."
    )
    name: str | None = Field(None, max_length=NAME_MAX)
    required: bool | None = None
    quorum_kind: QuorumKind | None = None
    quorum: int | None = Field(
        None, ge=0, le=QUORUM_MAX, description="Une part (0 à 100) ou un nombre de réponses."
    )


class GovernanceIn(Schema):
    """Only the rules given change; colleges are added or changed, never removed."""

    min_there_percent: int | None = Field(None, ge=0, le=100)
    review_months: int | None = Field(None, ge=1, le=120)
    public_purpose: bool | None = None
    public_members: bool | None = None
    public_indicators: bool | None = None
    listed: bool | None = None
    colleges: list[CollegeIn] = Field([], max_length=30)


def _governance(space) -> dict:
    composition = space.composition()
    return {
        "min_there_percent": space.min_there_percent,
        "review_months": space.review_months,
        "decision_rule": space.decision_rule,
        "public_purpose": space.public_purpose,
        "public_members": space.public_members,
        "public_indicators": space.public_indicators,
        "listed": space.listed,
        "colleges": list(space.colleges.all()),
        "composition_ok": composition.ok,
        "composition_problems": composition.problems,
    }


@router.get("/cooperation/spaces/{slug}/governance", response={200: GovernanceOut, **READ})
def get_governance(request: HttpRequest, slug: str):
    """The rules and whether the active membership meets them (what is missing, in words)."""
    space = load_space(slug)
    readable(request, space)
    return _governance(space)


@router.patch("/cooperation/spaces/{slug}/governance", response={200: GovernanceOut, **WRITE})
def set_governance(request: HttpRequest, slug: str, payload: GovernanceIn):
    """A lead changes the rules; the change is written in the decision log."""
    space = load_space(slug)
    member = acting(request, space, None, lead=True)
    data = payload.model_dump(exclude_unset=True)
    colleges = [
        {k: v for k, v in c.items() if v is not None or k == "id"} for c in data.pop("colleges", [])
    ]
    space = do(
        services.set_governance, space, request.user, member=member, rules=data, colleges=colleges
    )
    return _governance(space)
