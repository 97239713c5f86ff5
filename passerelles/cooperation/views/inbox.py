"""The in-app inbox of cooperation notifications."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from passerelles.cooperation.models import Notification


@login_required
def inbox(request):
    items = Notification.objects.filter(user=request.user).select_related("space__project")[:100]
    return render(
        request,
        "cooperation/inbox.html",
        {
            "items": items,
            "unread": Notification.objects.filter(user=request.user).unread().count(),
        },
    )


@login_required
@require_POST
def mark_read(request, pk=None):
    qs = Notification.objects.filter(user=request.user).unread()
    if pk is not None:
        item = get_object_or_404(Notification, user=request.user, pk=pk)
        qs.filter(pk=pk).update(read_at=timezone.now())
        if url_has_allowed_host_and_scheme(item.url, allowed_hosts={request.get_host()}):
            return redirect(item.url)
        return redirect("cooperation:inbox")
    qs.update(read_at=timezone.now())
    return redirect("cooperation:inbox")
