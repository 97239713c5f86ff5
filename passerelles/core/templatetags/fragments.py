"""{% fragment %}: a part of a page from the shared page cache (passerelles.core.fragments).

    {% load fragments %}
    {% fragment "organisation_panel" "organisation calls" organisation.pk today %}
      … computed only when the cache has no copy for these values, language and versions …
    {% endfragment %}

The first argument names the fragment, the second lists the topics whose versions key it
(space-separated), the rest are the values that vary it: plain values (ids, strings,
booleans, dates), never a model instance. The language is always part of the key. Whatever
differs between two people must be among the values, or stay outside the block.

`when=<condition>` last: the block is cached only when the condition holds, and rendered
afresh otherwise (`when=public_view`: cached for visitors, live for people signed in)."""

from django import template
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.safestring import mark_safe

from passerelles.core import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, topics, vary, when=None):
        self.nodelist, self.name, self.topics, self.vary = nodelist, name, topics, vary
        self.when = when

    def render(self, context):
        if self.when is not None and not self.when.resolve(context):
            return self.nodelist.render(context)
        vary = tuple(value.resolve(context) for value in self.vary)
        html = fragments.get_or_build(
            self.name.resolve(context),
            self.topics.resolve(context),
            vary,
            lambda: str(self.nodelist.render(context)),
        )
        return mark_safe(html)  # rendered by this very template, escaped there


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes a name, its topics and the values that vary it"
        )
    when = None
    if bits[-1].startswith("when="):
        when = parser.compile_filter(bits.pop()[len("when=") :])
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    name, topics, *vary = (parser.compile_filter(bit) for bit in bits[1:])
    return FragmentNode(nodelist, name, topics, vary, when)


@register.simple_tag
def prefetch(instance, lookups: str) -> str:
    """`{% prefetch organisation "themes sdgs" %}`: fetch these relations of `instance` now,
    once for every part of the page that reads them (a no-op when already fetched). For views
    that leave relations to the blocks not served from the page cache, rather than prefetching
    them on every visit."""
    prefetch_related_objects([instance], *lookups.split())
    return ""


@register.simple_tag
def today():
    """`{% today as day %}`: the local date, as the code deciding what is open today reads it
    (`timezone.localdate()`), to key a fragment that changes with the day."""
    return timezone.localdate()
