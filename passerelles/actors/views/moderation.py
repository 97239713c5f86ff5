# Skeleton module: filled in by the moderation work.
from django.http import HttpResponse


def queue(request):
    return HttpResponse("queue")


def review(request, pk):
    return HttpResponse("review")


def duplicates(request):
    return HttpResponse("duplicates")
