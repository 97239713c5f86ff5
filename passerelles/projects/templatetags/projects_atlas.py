"""`{% organisation_projects organisation as links %}`: an organisation's projects (with its
roles) and its partners, for the organisation page, whose view belongs to the actors app.

Two queries whatever the organisation's size (one more per list that reaches its limit, to
count the rest): its participations with their projects, and its partners with the number of
projects they share, counted by the database."""

from dataclasses import dataclass, field

from django import template
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q

from passerelles.actors.enums import Side
from passerelles.actors.models import Organisation
from passerelles.projects.models import Participation, Project

register = template.Library()

PROJECTS_LIMIT = 50
PARTNERS_LIMIT = 40


@dataclass
class OrganisationProjects:
    # (project, [role labels]) in title order.
    projects: list = field(default_factory=list)
    projects_total: int = 0
    partners_here: list = field(default_factory=list)
    partners_there: list = field(default_factory=list)
    partners_here_total: int = 0
    partners_there_total: int = 0


def organisation_projects_for(organisation, user) -> OrganisationProjects:
    """The projects `user` may see that `organisation` takes part in, and their published
    participants other than `organisation` (its partners), most shared projects first."""
    visible = Project.objects.visible_to(user).values("pk")
    mine = Participation.objects.filter(organisation=organisation, project__in=visible)
    out = OrganisationProjects()
    # An organisation has one row per role in a project: fetch a few more rows than projects.
    ordered = mine.select_related("project").order_by("project__title", "project_id", "role")
    rows = list(ordered[: PROJECTS_LIMIT * 3])
    by_project: dict[int, tuple] = {}
    for participation in rows:
        entry = by_project.setdefault(participation.project_id, (participation.project, []))
        entry[1].append(participation.get_role_display())
    out.projects = list(by_project.values())[:PROJECTS_LIMIT]
    out.projects_total = len(out.projects)
    if len(by_project) > PROJECTS_LIMIT or len(rows) == PROJECTS_LIMIT * 3:
        out.projects_total = mine.values("project_id").distinct().count()
    if not out.projects:
        return out
    # filter() before annotate(): the count runs over the shared projects only.
    partners = (
        Organisation.objects.published()
        .exclude(pk=organisation.pk)
        .filter(participations__project__in=mine.values("project_id"))
        .annotate(shared=Count("participations__project", distinct=True))
        .select_related("commune", "country")
        .order_by("-shared", "sort_name", "name")
    )
    listed = list(partners[: 2 * PARTNERS_LIMIT])
    out.partners_here = [o for o in listed if o.side == Side.HERE][:PARTNERS_LIMIT]
    out.partners_there = [o for o in listed if o.side == Side.THERE][:PARTNERS_LIMIT]
    out.partners_here_total, out.partners_there_total = (
        len(out.partners_here),
        len(out.partners_there),
    )
    if len(listed) == 2 * PARTNERS_LIMIT:
        totals = (
            Organisation.objects.published()
            .exclude(pk=organisation.pk)
            .filter(participations__project__in=mine.values("project_id"))
            .aggregate(
                here=Count("pk", filter=Q(side=Side.HERE), distinct=True),
                there=Count("pk", filter=Q(side=Side.THERE), distinct=True),
            )
        )
        out.partners_here_total, out.partners_there_total = totals["here"], totals["there"]
    return out


@register.simple_tag(takes_context=True)
def organisation_projects(context, organisation):
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    return organisation_projects_for(organisation, user)
