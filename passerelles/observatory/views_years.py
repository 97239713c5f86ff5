"""The years of the observatory (docs/decisions.md §33): the comparison of the frozen years and
the current one, for everyone, and the staff's screen to freeze a past year."""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from passerelles.core import progress
from passerelles.core.models import Job
from passerelles.observatory import actions, compare, tasks
from passerelles.observatory.forms import FIRST_YEAR, LAST_YEAR
from passerelles.observatory.models import Snapshot
from passerelles.observatory.perms import can_freeze_years, sees_staff_indicators


@require_GET
def years(request):
    staff = sees_staff_indicators(request.user)
    columns = compare.columns(staff=staff)
    context = {
        "section": "observatory",
        "years": columns,
        "lines": compare.lines(columns),
        "actors": compare.actors_line(columns),
        "can_freeze": can_freeze_years(request.user),
    }
    return render(request, "observatory/years.html", context)


class FreezeForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Année à figer"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "required": gettext_lazy("Indiquez l'année à figer, par exemple 2025."),
            "invalid": gettext_lazy("L'année doit être un nombre, par exemple 2025."),
            "min_value": gettext_lazy("L'année doit être %(limit_value)s ou après."),
            "max_value": gettext_lazy("L'année doit être %(limit_value)s ou avant."),
        },
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        try:
            actions.check_freezable(year)
        except actions.FreezeRefused as refused:
            raise forms.ValidationError(refused.messages) from None
        return year


def _job(request):
    """The freezing to follow: the one running, else the one the page was sent back to."""
    runs = Job.objects.filter(kind=tasks.FREEZE)
    job = runs.active().first()
    wanted = request.GET.get("job", "")
    if job is None and wanted.isdigit():
        job = runs.filter(pk=int(wanted)).first()
    return progress.live(progress.settle(job)) if job is not None else None


@require_http_methods(["GET", "POST"])
def freeze(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_freeze_years(request.user):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = FreezeForm(request.POST)
        if form.is_valid():
            try:
                job = tasks.start_freeze(form.cleaned_data["year"], request.user)
            except actions.FreezeRefused as refused:
                form.add_error("year", refused.messages)
            except progress.Busy as busy:
                when = date_format(timezone.localtime(busy.job.created_at), "TIME_FORMAT")
                messages.error(
                    request,
                    _(
                        "Une année est déjà en train d'être figée (depuis %(time)s) : "
                        "attendez la fin."
                    )
                    % {"time": when},
                )
                return redirect("observatory:freeze")
            else:
                return redirect("core:job", pk=job.pk)
        status = 400
    else:
        last = timezone.localdate().year - 1
        form = FreezeForm(initial={"year": last})
    context = {
        "section": "observatory",
        "form": form,
        "snapshots": Snapshot.objects.order_by("-year").select_related("frozen_by"),
        "job": _job(request),
        "last_year": timezone.localdate().year - 1,
    }
    return render(request, "observatory/freeze.html", context, status=status)
