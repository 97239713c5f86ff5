"""Trouver des partenaires: a need in French or an organisation, filters, explained results."""

from django.shortcuts import get_object_or_404, render

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.bridges import perms
from passerelles.bridges.forms import PartnerSearchForm
from passerelles.bridges.suggest import (
    Filters,
    suggestions_for_need,
    suggestions_for_organisation,
)
from passerelles.bridges.suggest.need import read_need
from passerelles.bridges.suggest.need import understood as describe_need
from passerelles.bridges.views.feedback import annotate
from passerelles.projects.models import Project

RESULTS = 10


def find_partners(request):
    form = PartnerSearchForm(request.GET or None)
    suggestions, source, searched, understood, feedback_source = [], None, False, [], None
    my_orgs = []
    if request.user.is_authenticated:
        my_orgs = list(
            Organisation.objects.filter(memberships__user=request.user, status=Status.PUBLISHED)
        )
    if form.is_valid():
        data = form.cleaned_data
        filters = Filters(
            other_world=data["other_world"],
            side=data["side"] or None,
            department=data["department"].code if data["department"] else None,
            family=data["family"] or None,
        )
        if data["organisation"]:
            source = Organisation.objects.filter(
                slug=data["organisation"], status=Status.PUBLISHED
            ).first()
        if source is not None:
            searched = True
            # A member of the organisation sees its own marks at work and can mark more.
            if perms.can_give_feedback(request.user, source):
                feedback_source = source
            suggestions = suggestions_for_organisation(
                source, filters, RESULTS, own_marks=feedback_source is not None
            )
            if feedback_source:
                annotate(suggestions, feedback_source)
        elif data["need"].strip():
            searched = True
            # Who asks: the member's organisation is never suggested to them (nor any other
            # they act for), and where it is counts as for its own suggestions.
            suggestions = suggestions_for_need(
                data["need"],
                filters,
                RESULTS,
                asker=my_orgs[0] if len(my_orgs) == 1 else None,
                exclude={o.pk for o in my_orgs},
            )
            understood = describe_need(read_need(data["need"]))
    context = {
        "form": form,
        "suggestions": suggestions,
        "source": source,
        "searched": searched,
        "my_orgs": my_orgs,
        "understood": understood,
        "feedback_source": feedback_source,
        "can_see_feedback_stats": perms.can_see_feedback_stats(request.user),
    }
    template = "bridges/_suggestions.html" if request.htmx else "bridges/partners.html"
    return render(request, template, context)


def organisation_panel(request, slug):
    """The organisation page's panel on its own (a direct link, and for tests)."""
    organisation = get_object_or_404(Organisation, slug=slug, status=Status.PUBLISHED)
    return render(request, "bridges/organisation_panel.html", {"organisation": organisation})


def project_panel(request, slug):
    project = get_object_or_404(Project.objects.published(), slug=slug)
    return render(request, "bridges/project_panel.html", {"project": project})
