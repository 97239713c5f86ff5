"""The partner suggestions of the personal home, through the bridges app's own read path
(the one its organisation panel uses), a few at a time. The home lists only the
organisations the person acts for, so their own marks on suggestions apply."""

from django import template
from django.db.models import prefetch_related_objects

from passerelles.bridges.suggest import suggestions_for_organisation

register = template.Library()
SUGGESTIONS = 3


@register.simple_tag
def partner_suggestions(organisation):
    if organisation.status != "published":
        return []
    prefetch_related_objects([organisation], "themes", "sdgs", "countries_of_action")
    return suggestions_for_organisation(organisation, limit=SUGGESTIONS, own_marks=True)
