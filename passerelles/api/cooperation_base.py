"""What the co-construction endpoints share: their router, the declared errors, loading a
space, checking who reads and who acts (passerelles.cooperation.perms, as the pages do), and
turning the cooperation app's French refusals into answers.

The endpoints are split by subject: cooperation.py (spaces, rounds, actions, contributions,
indicators), cooperation_purpose.py (statements, versions, amendments) and
cooperation_members.py (invitations, governance rules)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from passerelles.api.errors import errors
from passerelles.cooperation import perms, services
from passerelles.cooperation.models import CooperationSpace, SpaceMember

router = Router(tags=["cooperation"])

# Reading a space's rows: 401/403 for a space one may not read, 404 for an unknown space or row,
# 422 for a path parameter of the wrong kind. Writing: also 409 when the space's state refuses
# the change (services.CooperationError), 422 for a body that breaks the schema or a rule of
# the data itself (services.InvalidInput).
READ = errors(403, 404, 422)
WRITE = errors(403, 404, 409, 422, write=True)


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


def load_space(slug) -> CooperationSpace:
    return get_object_or_404(
        CooperationSpace.objects.select_related("project", "adopted_version"), project__slug=slug
    )


def readable(request, space):
    if not perms.can_view_space(request.user, space):
        raise HttpError(
            403 if request.user.is_authenticated else 401,
            "Cet espace n'est lisible que par ses membres et l'équipe du réseau.",
        )


def signed_in(request):
    if not request.user.is_authenticated:
        raise HttpError(401, "Connectez-vous (jeton personnel ou session).")


def acting(request, space, member_id, lead=False) -> SpaceMember:
    """The member organisation the person acts for (`member_id` when given): an active member
    (`lead`: an active lead). Staff and admins act on nothing: decisions belong to members."""
    signed_in(request)
    qs = (perms.lead_members if lead else perms.acting_members)(request.user, space)
    members = list(qs)
    if member_id is not None:
        members = [m for m in members if m.pk == member_id]
    if not members:
        raise HttpError(403, "Vous n'agissez pour aucune organisation membre habilitée ici.")
    return members[0]


def do(fn, *args, **kwargs):
    """Run a write of the cooperation app; its refusal becomes 422 (the data breaks a rule) or
    409 (the space's state refuses the step), with its sentence."""
    try:
        return fn(*args, **kwargs)
    except services.InvalidInput as error:
        raise HttpError(422, " ".join(error.messages)) from error
    except services.CooperationError as error:
        raise HttpError(409, " ".join(error.messages)) from error


def version_out(v):
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


def member_out(m):
    return {
        "id": m.pk,
        "organisation_id": m.organisation_id,
        "organisation": m.organisation.name,
        "college_id": m.college_id,
        "side": m.side,
        "role": m.role,
        "status": m.status,
    }
