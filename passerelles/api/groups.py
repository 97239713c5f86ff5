"""Working groups in the API: the list and one group. The rules are the web's
(passerelles.groups.perms): a members-only group is absent for visitors (404 for its address),
and its content (meetings, member list, news) is given only to its members and staff."""

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from passerelles.api.errors import errors
from passerelles.groups import perms
from passerelles.groups.models import WorkingGroup

router = Router(tags=["groups"])
NEWS_SHOWN = 20


class WorkingGroupOut(Schema):
    slug: str
    name: str
    kind: str = Field(description="country (pays), theme (thème) ou free (libre).")
    visibility: str = Field(description="public ou members_only (réservé aux membres).")
    country: str | None = Field(description="Code ISO 3166 du pays d'un groupe pays.")
    theme: str | None = Field(description="Identifiant du thème d'un groupe thématique.")
    summary: str
    url: str


class GroupMeetingOut(Schema):
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    url: str


class GroupMemberOut(Schema):
    name: str
    organisation: str
    coordinator: bool


class GroupPostOut(Schema):
    author: str
    created_at: datetime
    body: str


class GroupDetail(WorkingGroupOut):
    description: str = Field(description="HTML assaini (balises simples uniquement).")
    coordinators: list[str]
    content_visible: bool = Field(
        description="Faux pour un groupe réservé dont vous n'êtes pas membre : les listes "
        "suivantes sont alors vides."
    )
    ical_url: str | None
    meetings: list[GroupMeetingOut]
    members: list[GroupMemberOut]
    news: list[GroupPostOut]


def _item(request: HttpRequest, group: WorkingGroup) -> dict:
    return {
        "slug": group.slug,
        "name": group.name,
        "kind": group.kind,
        "visibility": group.visibility,
        "country": group.country_id,
        "theme": group.theme.slug if group.theme_id else None,
        "summary": group.summary,
        "url": request.build_absolute_uri(group.get_absolute_url()),
    }


@router.get(
    "/groups",
    response={200: list[WorkingGroupOut], **errors()},
    summary="Lister les groupes de travail",
)
def list_groups(request: HttpRequest):
    """Les groupes que vous pouvez voir : publics, et réservés aux membres une fois connecté."""
    groups = WorkingGroup.objects.visible_to(request.user).select_related("theme")
    return [_item(request, group) for group in groups.order_by("name", "pk")]


@router.get(
    "/groups/{slug}",
    response={200: GroupDetail, **errors(404)},
    summary="Un groupe de travail, ses réunions, ses membres et ses nouvelles",
)
def group_detail(request: HttpRequest, slug: str):
    group = WorkingGroup.objects.select_related("theme").filter(slug=slug).first()
    if group is None or not perms.can_see_group(request.user, group):
        raise HttpError(404, _("Ressource introuvable."))
    item = _item(request, group)
    content = perms.can_see_content(request.user, group)
    item.update(
        description=group.description,
        coordinators=[str(m.user) for m in group.memberships.coordinators().select_related("user")],
        content_visible=content,
        ical_url=None,
        meetings=[],
        members=[],
        news=[],
    )
    if not content:
        return item
    item["ical_url"] = request.build_absolute_uri(f"{group.get_absolute_url()}calendrier.ics")
    item["meetings"] = [
        {
            "title": m.event.title,
            "starts_at": m.event.starts_at,
            "ends_at": m.event.ends_at,
            "place": m.event.place_label,
            "url": request.build_absolute_uri(m.get_absolute_url()),
        }
        for m in group.meetings.select_related("event", "event__commune", "group")
    ]
    item["members"] = [
        {
            "name": str(m.user),
            "organisation": m.organisation.name if m.organisation else "",
            "coordinator": m.is_coordinator,
        }
        for m in group.memberships.select_related("user", "organisation")
    ]
    item["news"] = [
        {
            "author": str(p.author) if p.author else "",
            "created_at": p.created_at,
            "body": p.body,
        }
        for p in group.posts.shown().select_related("author")[:NEWS_SHOWN]
    ]
    return item
