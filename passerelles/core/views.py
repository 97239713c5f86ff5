from django.conf import settings
from django.http import Http404
from django.shortcuts import render


def theme_guide(request):
    """Every component of the theme on one page, for developers: only with DEBUG on."""
    if not settings.DEBUG:
        raise Http404
    return render(request, "core/theme_guide.html")
