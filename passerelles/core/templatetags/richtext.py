"""The text layer in templates (`{% load richtext %}`):

- `{{ value|rich_text }}`: a rich-text field shown as HTML, sanitised again on the way out
  (what was stored before the text layer, or written by a path that forgot, cannot inject
  anything); a value that holds no markup at all is plain text and gets paragraphs;
- `{{ value|plain }}`: a history value as plain text (never a tag);
- `{{ value|markdown }}`: Markdown rendered and sanitised (the formatting example);
- `{% word_diff old new as diff %}`: the word-level difference of two long texts, or "" when
  the page should show "before" and "after" (passerelles.core.textdiff)."""

from django import template
from django.utils.safestring import mark_safe

from passerelles.core.richtext import has_markup, markdown_to_html, sanitise_html, text_to_html
from passerelles.core.textdiff import readable, word_diff_html

register = template.Library()


@register.filter
def rich_text(value):
    value = value or ""
    if not has_markup(value):
        return mark_safe(text_to_html(value))  # noqa: S308 - text_to_html escapes
    return mark_safe(sanitise_html(value))  # noqa: S308 - sanitised by nh3


@register.filter
def markdown(value):
    return mark_safe(markdown_to_html(value))  # noqa: S308 - sanitised by nh3


@register.filter
def plain(value):
    return readable(value)


@register.simple_tag
def word_diff(old, new):
    return word_diff_html(old, new)
