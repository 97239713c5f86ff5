"""Members mark the partners suggested to their organisation (htmx, with a plain form that
works without JavaScript), and staff read the counts (docs/decisions.md §40)."""

import datetime

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.bridges import actions, perms
from passerelles.bridges.models import FeedbackWeight, SuggestionMark, SuggestionMarkLog, Verdict
from passerelles.bridges.suggest import feedback
from passerelles.bridges.views.access import allowed_or_refuse, requires

DONE = {
    Verdict.USEFUL: gettext_lazy("Merci : cette suggestion est marquée utile."),
    Verdict.NOT_RELEVANT: gettext_lazy(
        "Merci : cette suggestion est marquée pas pertinente, elle ne vous sera plus proposée "
        "en tête de liste."
    ),
    Verdict.PARTNERSHIP: gettext_lazy(
        "Merci : ce contact est marqué comme ayant mené à un partenariat."
    ),
    "": gettext_lazy("Votre avis est retiré."),
}


def annotate(suggestions, organisation) -> None:
    """Each suggestion's current mark by `organisation` (only for its own members)."""
    marks = feedback.marks_of(organisation)
    for suggestion in suggestions:
        suggestion.mark = marks.get(suggestion.organisation.pk, "")


def _back(request, organisation) -> str:
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("bridges:partners") + f"?organisation={organisation.slug}"


@require_POST
def mark(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug, status=Status.PUBLISHED)
    refused = allowed_or_refuse(request, perms.can_give_feedback(request.user, organisation))
    if refused:
        return refused
    verdict = request.POST.get("verdict", "")
    candidate_id = request.POST.get("candidate", "")
    candidate = (
        Organisation.objects.filter(pk=int(candidate_id)).first()
        if candidate_id.isdigit() and len(candidate_id) < 12
        else None
    )
    if candidate is None:
        message = _("Cette organisation n'existe pas ou plus.")
    else:
        try:
            current = actions.mark_suggestion(organisation, candidate, verdict, by=request.user)
            message = None
        except actions.ActionError as error:
            message = str(error)
    if message:
        if request.htmx and candidate is not None:
            # htmx swaps only successful answers: the message comes in the buttons' place.
            context = {
                "feedback_source": organisation,
                "candidate": candidate,
                "mark": feedback.marks_of(organisation).get(candidate.pk, ""),
                "next": request.POST.get("next", ""),
                "error": message,
            }
            return render(request, "bridges/feedback/_buttons.html", context)
        if request.htmx:
            # The organisation is gone: its buttons give way to the message.
            return HttpResponse(format_html('<p role="alert" class="error">{}</p>', message))
        messages.error(request, message)
        return redirect(_back(request, organisation))
    state = current.verdict if current else ""
    if not request.htmx:
        messages.success(request, DONE[state])
        return redirect(_back(request, organisation))
    context = {
        "feedback_source": organisation,
        "candidate": candidate,
        "mark": state,
        "next": request.POST.get("next", ""),
        "announce": DONE[state],
    }
    if state == Verdict.NOT_RELEVANT:
        # The suggestion leaves the list: its whole card gives way to a short line that keeps
        # the undo buttons.
        response = render(request, "bridges/feedback/_hidden.html", context)
        response["HX-Retarget"] = f"#suggestion-{organisation.pk}-{candidate.pk}"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "bridges/feedback/_buttons.html", context)


RECENT_DAYS = 30


@require_GET
@requires(perms.can_see_feedback_stats)
def stats(request):
    """Counts only: never who marked what (docs/decisions.md §40)."""
    by_verdict = dict(
        SuggestionMark.objects.values_list("verdict")
        .annotate(n=Count("pk"))
        .values_list("verdict", "n")
        .order_by()
    )
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    recent = dict(
        SuggestionMarkLog.objects.filter(at__gte=since)
        .exclude(verdict="")
        .values_list("verdict")
        .annotate(n=Count("pk"))
        .values_list("verdict", "n")
        .order_by()
    )
    rows = [
        {
            "label": label,
            "count": by_verdict.get(value, 0),
            "recent": recent.get(value, 0),
        }
        for value, label in Verdict.choices
    ]
    context = {
        "rows": rows,
        "total": sum(by_verdict.values()),
        "organisations": SuggestionMark.objects.values("organisation_id").distinct().count(),
        "weights": list(FeedbackWeight.objects.all()),
        "recent_days": RECENT_DAYS,
        "min_marks": feedback.MIN_MARKS,
        "min_organisations": feedback.MIN_ORGANISATIONS,
    }
    return render(request, "bridges/feedback/stats.html", context)
