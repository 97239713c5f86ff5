from django.db.models import Count, Q
from django.shortcuts import render

from passerelles.actors.enums import Side
from passerelles.actors.models import Organisation


def home(request):
    stats = Organisation.objects.published().aggregate(
        total=Count("pk"),
        here=Count("pk", filter=Q(side=Side.HERE)),
        there=Count("pk", filter=Q(side=Side.THERE)),
        countries=Count("country", filter=Q(side=Side.THERE), distinct=True),
    )
    return render(request, "core/home.html", {"stats": stats})
