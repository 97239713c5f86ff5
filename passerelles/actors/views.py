# Skeleton views: replaced by the directory, map and moderation work.
from django.http import HttpResponse


def organisation_list(request):
    return HttpResponse("list")


def organisation_map(request):
    return HttpResponse("map")


def propose(request):
    return HttpResponse("propose")


def moderation(request):
    return HttpResponse("moderation")


def organisation_detail(request, slug):
    return HttpResponse(slug)
