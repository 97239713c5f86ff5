# Skeleton module: filled in by the map work.
from django.http import HttpResponse


def organisation_map(request):
    return HttpResponse("map")


def map_data(request):
    return HttpResponse("{}")
