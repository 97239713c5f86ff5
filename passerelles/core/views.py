from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render

from passerelles.actors.enums import Side, Status
from passerelles.actors.models import Organisation
from passerelles.vocab.models import Theme


def home(request):
    published = Organisation.objects.published()
    stats = published.aggregate(
        total=Count("pk"),
        here=Count("pk", filter=Q(side=Side.HERE)),
        there=Count("pk", filter=Q(side=Side.THERE)),
        countries=Count("country", filter=Q(side=Side.THERE), distinct=True),
    )
    # Entry points into the directory: each theme with how many published organisations work on
    # it, in one query; themes nobody works on yet would only lead to empty pages.
    themes = (
        Theme.objects.active()
        .annotate(count=Count("organisations", filter=Q(organisations__status=Status.PUBLISHED)))
        .filter(count__gt=0)
    )
    latest = published.select_related("commune", "country").order_by("-created_at", "-pk")[:6]
    return render(request, "core/home.html", {"stats": stats, "themes": themes, "latest": latest})


def theme_guide(request):
    """Every component of the theme on one page, for developers: only with DEBUG on."""
    if not settings.DEBUG:
        raise Http404
    return render(request, "core/theme_guide.html")
