"""The freshness campaign's pages (docs/decisions.md §31): the one-click answer page reached
from the "still current?" e-mail (no password; a GET only shows the question, the answer is a
POST with its CSRF token), and the staff page (freshness by department and family, the stale
records, the button that starts a campaign)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from passerelles.actors import actions, freshness, freshness_answers, perms
from passerelles.actors.enums import Family, Status
from passerelles.actors.models import FreshnessAnswer
from passerelles.core import progress
from passerelles.core.history import ChangeSource, Origin
from passerelles.core.richtext import plain_text
from passerelles.core.text_limits import SHORT_TEXT
from passerelles.geo.models import Department

PAGE = 50


class InactiveForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Un mot pour l'équipe du réseau (facultatif)"),
        help_text=gettext_lazy(
            "Par exemple : dissoute en 2025, remplacée par une autre structure…"
        ),
        required=False,
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# -- the answer page ------------------------------------------------------------------------


def _link_problem(request, error: freshness.LinkError):
    # 410 for a link that was good but is too old, 400 for one that never was: a page in
    # words either way, never an error page.
    return render(
        request,
        "actors/freshness/link_problem.html",
        {"expired": error.expired},
        status=410 if error.expired else 400,
    )


@require_http_methods(["GET", "POST"])
def answer(request, token):
    try:
        check = freshness.check_for(token)
    except freshness.LinkError as error:
        return _link_problem(request, error)
    org = check.organisation
    context = {
        "check": check,
        "organisation": org,
        "chosen": request.GET.get("reponse", ""),
        "form": InactiveForm(),
        "answers": FreshnessAnswer,
    }
    if org.status != Status.PUBLISHED:
        # Archived or merged since the question: nothing left to confirm here.
        return render(request, "actors/freshness/gone.html", context, status=410)
    if request.method == "POST" and not check.answer:
        return _record(request, check, context)
    return render(request, "actors/freshness/answer.html", context)


def _record(request, check, context):
    origin = Origin(request.user, ChangeSource.WEB, _("Réponse à « toujours à jour ? »"))
    choice = request.POST.get("answer")
    org = check.organisation
    try:
        if choice == FreshnessAnswer.CURRENT:
            check = freshness_answers.confirm_still_current(check, origin=origin)
        elif choice == FreshnessAnswer.CHANGE:
            freshness_answers.request_change(check, origin=origin)
            return redirect(_change_url(request, org))
        elif choice == FreshnessAnswer.INACTIVE:
            form = InactiveForm(request.POST)
            if not form.is_valid():
                context["form"] = form
                context["chosen"] = FreshnessAnswer.INACTIVE
                return render(request, "actors/freshness/answer.html", context, status=400)
            check = freshness_answers.propose_archive(
                check,
                origin=origin,
                message=plain_text(form.cleaned_data["message"], multiline=True),
                email=check.recipients[0] if check.recipients else "",
            )
        else:
            context["error"] = _("Choisissez une des trois réponses.")
            return render(request, "actors/freshness/answer.html", context, status=400)
    except actions.ActionError:
        check.refresh_from_db()  # answered meanwhile (a second click): show that answer
    context["check"] = check
    context["organisation"] = check.organisation
    context["thanks"] = True
    return render(request, "actors/freshness/answer.html", context)


def _change_url(request, org) -> str:
    """Members and staff edit directly (after signing in); others suggest a correction,
    which staff review."""
    edit = reverse("actors:edit", kwargs={"slug": org.slug})
    if perms.can_edit_organisation(request.user, org):
        return edit
    if not request.user.is_authenticated and org.memberships.exists():
        return redirect_to_login(edit).url
    return reverse("actors:correct", kwargs={"slug": org.slug})


# -- the staff page -------------------------------------------------------------------------


def _staff(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not perms.can_see_freshness(request.user):
        raise PermissionDenied
    return None


class StaleFilter(forms.Form):
    department = forms.ChoiceField(label=gettext_lazy("Département"), required=False)
    family = forms.ChoiceField(
        label=gettext_lazy("Famille"),
        required=False,
        choices=[("", gettext_lazy("Toutes"))] + list(Family.choices),
    )
    state = forms.ChoiceField(
        label=gettext_lazy("État"),
        required=False,
        choices=[
            ("", gettext_lazy("Anciennes ou jamais confirmées")),
            ("older", gettext_lazy("Confirmées il y a trop longtemps")),
            ("never", gettext_lazy("Jamais confirmées")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [
            ("", _("Tous")),
            *[(d.code, f"{d.name} ({d.code})") for d in Department.objects.order_by("code")],
            ("etranger", _("À l'étranger")),
            ("aucun", _("Sans commune")),
        ]


@require_http_methods(["GET"])
def staff_page(request):
    if denied := _staff(request):
        return denied
    now = timezone.now()
    form = StaleFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    stale = freshness.stale_list(
        department=filters.get("department", ""),
        family=filters.get("family", ""),
        state=filters.get("state", ""),
        now=now,
    )
    page = Paginator(stale, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    plan = freshness.plan(now)
    context = {
        "age_days": freshness.age_days(),
        "remind_days": settings.PASSERELLES_FRESHNESS_REMIND_DAYS,
        "cutoff": freshness.cutoff(now),
        "departments": freshness.by_department(now),
        "families": freshness.by_family(now),
        "totals": freshness.totals(now),
        "form": form,
        "page_obj": page,
        "querystring": query.urlencode(),
        "plan": {
            "due": plan["due"],
            "emails": len(plan["recipients"]),
            "without_address": plan["without_address"],
        },
        "recent": freshness.recent_answers(now),
    }
    return render(request, "actors/freshness/staff.html", context)


@require_POST
def start_campaign(request):
    if denied := _staff(request):
        return denied
    try:
        base = settings.PASSERELLES_SITE_URL or request.build_absolute_uri("/")
        job = freshness.start_campaign(request.user, base)
    except progress.Busy as busy:
        messages.error(
            request,
            _("Une campagne est déjà en cours (lancée à %(time)s) : attendez qu'elle se termine.")
            % {"time": date_format(timezone.localtime(busy.job.created_at), "TIME_FORMAT")},
        )
        return redirect("actors:freshness")
    return redirect("core:job", pk=job.pk)
