"""The personal link: no account, no password. Holding the link is the permission; it expires
(`Invitation.expires_at`, extended by each reminder). A link that does not exist (mistyped,
tampered with) or has expired gets a page that says so and what to do, never an error page;
after the deadline the page says the survey is closed. Answering again updates the answer."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from passerelles.surveys import actions, prefill
from passerelles.surveys.forms import AnswerForm
from passerelles.surveys.models import Answer, Invitation


def _refusal(request, template: str, status: int, **context):
    response = render(request, template, {"section": "surveys", **context}, status=status)
    # A personal link must not end up in a shared cache or a search engine.
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def answer(request, token: str):
    try:
        key = uuid.UUID(token)
    except ValueError:
        key = None
    invitation = (
        Invitation.objects.select_related("campaign", "organisation").filter(token=key).first()
        if key
        else None
    )
    if invitation is None:
        return _refusal(request, "surveys/link_unknown.html", 404)
    campaign, organisation = invitation.campaign, invitation.organisation
    saved = Answer.objects.filter(invitation=invitation).first()
    if not campaign.is_open:
        return _refusal(
            request,
            "surveys/closed.html",
            410,
            campaign=campaign,
            organisation=organisation,
            answer=saved,
        )
    if invitation.is_expired:
        return _refusal(
            request, "surveys/link_expired.html", 410, campaign=campaign, organisation=organisation
        )
    known = prefill.known_for(organisation, campaign.year)
    form = AnswerForm(request.POST or None, known=known, answer=saved)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.record_answer(
                    invitation,
                    form.cleaned_data,
                    projects=form.chosen_projects(),
                    countries=form.chosen_countries(),
                    partners=form.chosen_partners(),
                )
            except actions.ActionError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Merci ! Votre réponse est enregistrée. Vous pouvez la corriger avec "
                        "le même lien jusqu'au %(deadline)s."
                    )
                    % {"deadline": _date(campaign.deadline)},
                )
                return redirect("surveys:answer", token=str(invitation.token))
        else:
            messages.error(request, _("Certaines réponses sont à corriger : voir ci-dessous."))
    response = render(
        request,
        "surveys/answer.html",
        {
            "form": form,
            "campaign": campaign,
            "organisation": organisation,
            "invitation": invitation,
            "answer": saved,
            "known": known,
            "section": "surveys",
        },
        status=400 if form.is_bound and form.errors else 200,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def _date(value) -> str:
    return date_format(value, "j F Y")
