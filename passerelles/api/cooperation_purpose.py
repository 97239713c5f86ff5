"""API v1 of a space's purpose: statements and their ratings, versions, amendments (proposed
by members, integrated into a new version or set aside by the leads). Each write is the
cooperation app's own (services), as on the pages; who may do what is in cooperation.perms."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status

from passerelles.api.cooperation_base import (
    READ,
    WRITE,
    VersionOut,
    acting,
    do,
    load_space,
    readable,
    router,
    version_out,
)
from passerelles.cooperation import services
from passerelles.cooperation.enums import AmendmentStatus, Vote
from passerelles.cooperation.models import Amendment, PurposeVersion, Statement
from passerelles.cooperation.rules import statement_tallies
from passerelles.cooperation.services import MAX_OBJECTIVES, OBJECTIVE_MAX_LENGTH
from passerelles.core.text_limits import field_limit

# Objectives: one line each, as in the form.
Objective = Annotated[str, Field(max_length=OBJECTIVE_MAX_LENGTH)]
MEMBER_ID = Field(
    None, description="L'organisation membre au nom de laquelle agir (la première sinon)."
)


class VersionIn(Schema):
    text: str = Field(max_length=field_limit(PurposeVersion, "text"))
    objectives: list[Objective] = Field(min_length=1, max_length=MAX_OBJECTIVES)
    note: str = Field("", max_length=field_limit(PurposeVersion, "note"))
    member_id: int | None = MEMBER_ID


class AmendmentIn(Schema):
    text: str = Field(max_length=field_limit(Amendment, "text"))
    objectives: list[Objective] = Field(min_length=1, max_length=MAX_OBJECTIVES)
    rationale: str = Field("", max_length=field_limit(Amendment, "rationale"))
    member_id: int | None = MEMBER_ID


class AmendmentOut(Schema):
    id: int
    status: AmendmentStatus
    version: int | None = Field(None, description="La version amendée.")
    member_id: int | None = None
    organisation: str = ""
    text: str = ""
    objectives: list[str] = []
    rationale: str = ""
    result: int | None = Field(None, description="La version née de son intégration.")
    created_at: datetime | None = None
    decided_at: datetime | None = None


class StatementIn(Schema):
    text: str = Field(min_length=1, max_length=field_limit(Statement, "text"))
    member_id: int | None = MEMBER_ID


class CollegeVotes(Schema):
    college: str
    agree: int
    disagree: int
    passes: int = Field(description="je passe")


class StatementOut(Schema):
    id: int
    text: str
    member_id: int
    organisation: str
    created_at: datetime
    shared: bool = Field(description="Une majorité d'accord dans chaque collège qui vote.")
    diverges: bool = Field(description="Un collège est d'accord, un autre ne l'est pas.")
    colleges: list[CollegeVotes]


class RatingIn(Schema):
    vote: Vote = Field(description="agree (d'accord), disagree (pas d'accord), pass (je passe).")
    member_id: int | None = MEMBER_ID


class RatingOut(Schema):
    statement_id: int
    member_id: int
    organisation: str
    vote: Vote


def _amendment(a) -> dict:
    return {
        "id": a.pk,
        "status": a.status,
        "version": a.version.number,
        "member_id": a.member_id,
        "organisation": a.member.organisation.name,
        "text": a.text,
        "objectives": a.objectives,
        "rationale": a.rationale,
        "result": a.result.number if a.result_id else None,
        "created_at": a.created_at,
        "decided_at": a.decided_at,
    }


def _statement(tally) -> dict:
    s = tally.statement
    return {
        "id": s.pk,
        "text": s.text,
        "member_id": s.member_id,
        "organisation": s.member.organisation.name,
        "created_at": s.created_at,
        "shared": tally.shared,
        "diverges": tally.diverges,
        "colleges": [
            {
                "college": r["college"].name,
                "agree": r["agree"],
                "disagree": r["disagree"],
                "passes": r["pass"],
            }
            for r in tally.colleges
        ],
    }


# -- statements ---------------------------------------------------------------------------


@router.get("/cooperation/spaces/{slug}/statements", response={200: list[StatementOut], **READ})
def list_statements(request: HttpRequest, slug: str):
    """Each statement with its ratings counted per college (colleges that have voting
    members), and whether it is shared or divergent (docs/cooperation.md)."""
    space = load_space(slug)
    readable(request, space)
    return [_statement(t) for t in statement_tallies(space)]


@router.post("/cooperation/spaces/{slug}/statements", response={201: StatementOut, **WRITE})
def write_statement(request: HttpRequest, slug: str, payload: StatementIn):
    """Any active member (here or there) writes a short sentence for the others to rate."""
    space = load_space(slug)
    member = acting(request, space, payload.member_id)
    statement = do(services.write_statement, space, member, payload.text, request.user)
    tally = next(t for t in statement_tallies(space) if t.statement.pk == statement.pk)
    return Status(201, _statement(tally))


@router.put(
    "/cooperation/spaces/{slug}/statements/{statement_id}/rating",
    response={200: RatingOut, **WRITE},
)
def rate_statement(request: HttpRequest, slug: str, statement_id: int, payload: RatingIn):
    """A member's rating of a statement; rating again replaces it (a poll, not a decision)."""
    space = load_space(slug)
    statement = get_object_or_404(Statement, space=space, pk=statement_id)
    member = acting(request, space, payload.member_id)
    row = do(services.rate_statement, statement, member, payload.vote, request.user)
    return {
        "statement_id": statement.pk,
        "member_id": member.pk,
        "organisation": member.organisation.name,
        "vote": row.vote,
    }


# -- versions -----------------------------------------------------------------------------


@router.get("/cooperation/spaces/{slug}/versions", response={200: list[VersionOut], **READ})
def list_versions(request: HttpRequest, slug: str):
    space = load_space(slug)
    readable(request, space)
    return [version_out(v) for v in space.versions.select_related("parent")]


@router.post("/cooperation/spaces/{slug}/versions", response={201: VersionOut, **WRITE})
def create_version(request: HttpRequest, slug: str, payload: VersionIn):
    space = load_space(slug)
    member = acting(request, space, payload.member_id, lead=True)
    latest = space.versions.order_by("-number").first()
    version = do(
        services.new_version,
        space,
        payload.text,
        payload.objectives,
        request.user,
        member=member,
        parent=latest,
        note=payload.note,
    )
    return Status(201, version_out(version))


# -- amendments ---------------------------------------------------------------------------


@router.get(
    "/cooperation/spaces/{slug}/versions/{number}/amendments",
    response={200: list[AmendmentOut], **READ},
)
def list_amendments(request: HttpRequest, slug: str, number: int):
    space = load_space(slug)
    readable(request, space)
    version = get_object_or_404(space.versions, number=number)
    return [
        _amendment(a)
        for a in version.amendments.select_related("version", "member__organisation", "result")
    ]


@router.post(
    "/cooperation/spaces/{slug}/versions/{number}/amendments",
    response={201: AmendmentOut, **WRITE},
)
def propose_amendment(request: HttpRequest, slug: str, number: int, payload: AmendmentIn):
    space = load_space(slug)
    version = get_object_or_404(space.versions, number=number)
    member = acting(request, space, payload.member_id)
    amendment = do(
        services.propose_amendment,
        version,
        member,
        payload.text,
        payload.objectives,
        payload.rationale,
        request.user,
    )
    return Status(201, _amendment(amendment))


def _get_amendment(space, amendment_id) -> Amendment:
    return get_object_or_404(
        Amendment.objects.select_related("version__space", "member__organisation", "result"),
        version__space=space,
        pk=amendment_id,
    )


@router.post(
    "/cooperation/spaces/{slug}/amendments/{amendment_id}/integrate",
    response={201: VersionOut, **WRITE},
)
def integrate_amendment(request: HttpRequest, slug: str, amendment_id: int):
    """A lead integrates a proposed amendment: its text and objectives become a new version
    of the purpose (whose parent is the amended version); a round open on an older version
    is cancelled, as for any new version."""
    space = load_space(slug)
    amendment = _get_amendment(space, amendment_id)
    member = acting(request, space, None, lead=True)
    version = do(services.accept_amendment, amendment, request.user, member=member)
    return Status(201, version_out(version))


@router.post(
    "/cooperation/spaces/{slug}/amendments/{amendment_id}/set-aside",
    response={200: AmendmentOut, **WRITE},
)
def set_aside_amendment(request: HttpRequest, slug: str, amendment_id: int):
    """A lead sets a proposed amendment aside (it stays in the log)."""
    space = load_space(slug)
    amendment = _get_amendment(space, amendment_id)
    member = acting(request, space, None, lead=True)
    return _amendment(do(services.reject_amendment, amendment, request.user, member=member))
