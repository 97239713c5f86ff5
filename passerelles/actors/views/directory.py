# Skeleton module: filled in by the directory work.
from django.http import HttpResponse


def organisation_list(request):
    return HttpResponse("list")


def organisation_detail(request, slug):
    return HttpResponse(slug)
