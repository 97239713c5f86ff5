"""Funding calls: the list of open calls, a call's page, staff forms, the iCalendar feed."""

from datetime import timedelta

import icalendar
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.models import Organisation
from passerelles.bridges import calls as funding
from passerelles.bridges.forms import FundingCallForm
from passerelles.bridges.models import FundingCall
from passerelles.bridges.perms import can_manage_calls, can_see_call_candidates, can_view_call
from passerelles.bridges.views.access import allowed_or_refuse, requires
from passerelles.core.richtext import plain_text

CANDIDATES_SHOWN = 100


def call_list(request):
    today = timezone.localdate()
    calls = FundingCall.objects.upcoming_or_open().for_eligibility()
    if not can_manage_calls(request.user):
        calls = calls.published()
    mine = []
    if request.user.is_authenticated:
        orgs = (
            Organisation.objects.filter(memberships__user=request.user)
            .prefetch_related("themes", "countries_of_action")
            .select_related("country")
        )
        for org in orgs:
            mine.append((org, funding.eligible_calls(funding.organisation_subject(org), today)))
    calls = list(calls)
    for call in calls:
        call.deadline = funding.deadline_words(call, today)
    return render(
        request,
        "bridges/calls/list.html",
        {
            "open_calls": [c for c in calls if c.is_open(today)],
            "later_calls": [c for c in calls if c.opens_on > today],
            "mine": mine,
            "can_manage": can_manage_calls(request.user),
            "today": today,
        },
    )


def call_detail(request, slug):
    call = get_object_or_404(FundingCall.objects.for_eligibility(), slug=slug)
    refused = allowed_or_refuse(request, can_view_call(request.user, call))
    if refused:
        return refused
    candidates, total = [], 0
    if can_see_call_candidates(request.user):
        qs = funding.eligible_organisations(call).select_related("commune", "country")
        total = qs.count()
        candidates = list(qs.order_by("sort_name", "name")[:CANDIDATES_SHOWN])
    return render(
        request,
        "bridges/calls/detail.html",
        {
            "call": call,
            "deadline": funding.deadline_words(call),
            "candidates": candidates,
            "candidates_total": total,
            "can_manage": can_manage_calls(request.user),
            "can_see_candidates": can_see_call_candidates(request.user),
        },
    )


def _edit(request, call=None):
    form = FundingCallForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        call = form.save()
        messages.success(request, _("L'appel à projets est enregistré."))
        return redirect(call)
    return render(request, "bridges/calls/form.html", {"form": form, "call": call})


@requires(can_manage_calls)
def call_create(request):
    return _edit(request)


@requires(can_manage_calls)
def call_edit(request, slug):
    return _edit(request, get_object_or_404(FundingCall, slug=slug))


def calls_ical(request):
    """Deadlines of published calls as an iCalendar feed (one all-day event per closing)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Passerelles//appels a projets//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Échéances des appels à projets"))
    stamp = timezone.now()
    since = timezone.localdate() - timedelta(days=90)
    for call in FundingCall.objects.published().filter(closes_on__gte=since):
        event = icalendar.Event()
        event.add("uid", f"appel-{call.pk}@passerelles")
        event.add("dtstamp", stamp)
        event.add("dtstart", call.closes_on)
        event.add("dtend", call.closes_on + timedelta(days=1))
        # Plain text in calendars: no tag, no HTML entity.
        event.add("summary", _("Clôture : %(title)s") % {"title": plain_text(call.title)})
        event.add(
            "description",
            f"{plain_text(call.funder_label)}\n"
            f"{request.build_absolute_uri(call.get_absolute_url())}",
        )
        event.add("url", request.build_absolute_uri(call.get_absolute_url()))
        cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appels-a-projets.ics"'
    return response
