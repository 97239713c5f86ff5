"""Pages that bring several apps together; they live above every app so that core, at the
bottom of the layers, imports none of them."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import render

from passerelles.actors.enums import Side, Status
from passerelles.actors.models import Organisation
from passerelles.site import my_space as data
from passerelles.site import perms
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


def my_space(request):
    """The personal home: what concerns the signed-in person and what waits for them."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not perms.can_view_my_space(request.user):
        raise PermissionDenied
    response = render(request, "site/my_space.html", data.context(request.user))
    # Personal: never kept by a shared cache or the browser's back-forward copy for another.
    response["Cache-Control"] = "private, no-store"
    return response
