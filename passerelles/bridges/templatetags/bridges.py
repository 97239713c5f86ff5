"""Panels other apps include (bridges/_organisation_panels.html, _project_panels.html):
computed here so the pages that include them need no view change and no JavaScript."""

from django import template
from django.db.models import prefetch_related_objects

from passerelles.bridges import calls as funding
from passerelles.bridges import perms
from passerelles.bridges.suggest import (
    suggestions_for_organisation,
    suggestions_for_project,
)

register = template.Library()
PANEL_SUGGESTIONS = 5
PANEL_CALLS = 3


@register.simple_tag
def organisation_bridges(organisation):
    if organisation.status != "published":
        return {"suggestions": [], "calls": []}
    # Read by the suggestions and the calls; once, whether or not the page prefetched them.
    prefetch_related_objects([organisation], "themes", "sdgs", "countries_of_action")
    return {
        "suggestions": suggestions_for_organisation(organisation, limit=PANEL_SUGGESTIONS),
        "calls": funding.eligible_calls(funding.organisation_subject(organisation))[:PANEL_CALLS],
    }


@register.simple_tag
def project_bridges(project):
    return {
        "suggestions": suggestions_for_project(project, limit=PANEL_SUGGESTIONS),
        "calls": funding.eligible_calls(funding.project_subject(project))[:PANEL_CALLS],
    }


@register.simple_tag
def member_bridges(organisation, user):
    """The panels as a member of `organisation` sees them (its own marks at work, buttons to
    mark), or None for everyone else, who get the shared cached panels."""
    if organisation.status != "published" or not perms.can_give_feedback(user, organisation):
        return None
    from passerelles.bridges.views.feedback import annotate

    prefetch_related_objects([organisation], "themes", "sdgs", "countries_of_action")
    suggestions = suggestions_for_organisation(
        organisation, limit=PANEL_SUGGESTIONS, own_marks=True
    )
    annotate(suggestions, organisation)
    return {
        "suggestions": suggestions,
        "calls": funding.eligible_calls(funding.organisation_subject(organisation))[:PANEL_CALLS],
    }
