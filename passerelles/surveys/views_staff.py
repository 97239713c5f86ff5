"""Staff pages of the yearly survey: open a campaign, follow the response rates per department
and family, list the non-respondents, remind them, close (or reopen) the campaign."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from passerelles.surveys import actions, perms, queries
from passerelles.surveys.forms import CampaignForm, ReopenForm
from passerelles.surveys.models import Campaign


def _staff_only(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not perms.can_run_surveys(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_staff_only
def campaigns(request):
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = actions.open_campaign(**form.cleaned_data, by=request.user)
        except actions.ActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "L'enquête %(year)s est ouverte : les invitations partent par lots, "
                    "en quelques minutes."
                )
                % {"year": campaign.year},
            )
            return redirect("surveys:campaign", year=campaign.year)
    rows = [(c, queries.totals(c)) for c in Campaign.objects.all()]
    return render(
        request,
        "surveys/campaigns.html",
        {"form": form, "rows": rows, "section": "surveys"},
        status=400 if form.is_bound else 200,
    )


@_staff_only
def campaign(request, year: int):
    campaign = get_object_or_404(Campaign, year=year)
    return render(
        request,
        "surveys/campaign.html",
        {
            "campaign": campaign,
            "total": queries.totals(campaign),
            "departments": queries.by_department(campaign),
            "families": queries.by_family(campaign),
            "non_respondents": queries.non_respondents(campaign),
            "figures": queries.figures(campaign),
            "eligible": actions.eligible_organisations().count(),
            "reopen_form": ReopenForm(),
            "section": "surveys",
        },
    )


@require_POST
@_staff_only
def remind(request, year: int):
    campaign = get_object_or_404(Campaign, year=year)
    try:
        count = actions.send_reminders(campaign)
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)s relance part vers une organisation qui n'a pas répondu.",
                    "%(count)s relances partent vers les organisations qui n'ont pas répondu.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(
                request,
                ngettext(
                    "Personne à relancer : chaque organisation sans réponse a reçu un "
                    "message il y a moins de %(days)s jour.",
                    "Personne à relancer : chaque organisation sans réponse a reçu un "
                    "message il y a moins de %(days)s jours.",
                    campaign.reminder_days,
                )
                % {"days": campaign.reminder_days},
            )
    return redirect("surveys:campaign", year=year)


@require_POST
@_staff_only
def invite(request, year: int):
    campaign = get_object_or_404(Campaign, year=year)
    try:
        actions.invite_newcomers(campaign)
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Les organisations pas encore invitées vont recevoir leur lien.")
        )
    return redirect("surveys:campaign", year=year)


@require_POST
@_staff_only
def close(request, year: int):
    campaign = get_object_or_404(Campaign, year=year)
    actions.close_campaign(campaign)
    messages.success(request, _("L'enquête %(year)s est close.") % {"year": year})
    return redirect("surveys:campaign", year=year)


@require_POST
@_staff_only
def reopen(request, year: int):
    campaign = get_object_or_404(Campaign, year=year)
    form = ReopenForm(request.POST)
    if form.is_valid():
        actions.reopen_campaign(campaign, deadline=form.cleaned_data["deadline"])
        messages.success(request, _("L'enquête %(year)s est rouverte.") % {"year": year})
    else:
        messages.error(request, " ".join(form.errors["deadline"]))
    return redirect("surveys:campaign", year=year)
