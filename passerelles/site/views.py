"""Pages that bring several apps together; they live above every app so that core, at the
bottom of the layers, imports none of them."""

from django.db.models import Count, Q
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
    return render(request, "site/home.html", {"stats": stats, "themes": themes, "latest": latest})
