# Skeleton module: filled in by the edit work.
from django.http import HttpResponse


def propose(request):
    return HttpResponse("propose")


def edit(request, slug):
    return HttpResponse("edit")


def suggest_correction(request, slug):
    return HttpResponse("correct")


def history(request, slug):
    return HttpResponse("history")
