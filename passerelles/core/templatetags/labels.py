"""{% load labels %}: codes shown as words ({{ organisation.languages|language_names }},
{{ organisation.source|source_label }})."""

from django import template

from passerelles.core import labels

register = template.Library()


@register.filter
def language_names(codes) -> str:
    return ", ".join(labels.language_name(c) for c in codes or ())


@register.filter
def source_label(code) -> str:
    return labels.source_label(code or "")
