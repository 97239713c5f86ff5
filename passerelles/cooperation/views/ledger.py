"""Actions, contributions, the decision log (printable page and CSV export)."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.cooperation import perms, services
from passerelles.cooperation.forms import ActionForm, ContributionForm
from passerelles.cooperation.models import DecisionLogEntry
from passerelles.cooperation.views.common import back, deny, load_space, run
from passerelles.core import csvfiles


def action_create(request, slug):
    space = load_space(slug)
    members = list(perms.acting_members(request.user, space))
    if not members:
        return deny(request)
    if space.adopted_version is None:
        # Not a 403: the person may act, the purpose is simply not adopted yet; say why.
        return render(
            request,
            "cooperation/action_locked.html",
            {"space": space, "message": services.ACTIONS_LOCKED},
            status=409,
        )
    form = ActionForm(request.POST or None, members=members, space=space)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if run(
            request,
            services.add_action,
            space,
            d["member"],
            d["lead"],
            d["objective"],
            d["title"],
            request.user,
            description=d["description"],
            due_on=d["due_on"],
            success=_("Action ajoutée."),
        ):
            return back(space, "actions")
    return render(
        request,
        "cooperation/form_page.html",
        {
            "space": space,
            "form": form,
            "title": _("Ajouter une action"),
            "intro": _("Chaque action sert un objectif de la raison d'être adoptée."),
            "submit": _("Ajouter l'action"),
        },
    )


def contribution_create(request, slug):
    space = load_space(slug)
    members = list(perms.acting_members(request.user, space))
    if not members:
        return deny(request)
    form = ContributionForm(
        request.POST or None, members=members, space=space, initial={"giver": members[0].pk}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if run(
            request,
            services.add_contribution,
            space,
            d["member"],
            d["giver"],
            d["receiver"],
            d["kind"],
            d["value_eur"],
            d["description"],
            request.user,
            learned=d["learned"],
            given_on=d["given_on"],
            success=_("Contribution enregistrée."),
        ):
            return back(space, "contributions")
    return render(
        request,
        "cooperation/form_page.html",
        {
            "space": space,
            "form": form,
            "title": _("Enregistrer une contribution"),
            "intro": _(
                "Ce que votre organisation donne ou reçoit, et ce qu'elle a appris des "
                "autres. Le sens (ici → là-bas, là-bas → ici) se déduit des organisations."
            ),
            "submit": _("Enregistrer"),
        },
    )


def log_page(request, slug):
    space = load_space(slug)
    if not perms.can_view_log(request.user, space):
        return deny(request)
    entries = DecisionLogEntry.objects.filter(space=space).order_by("at", "pk")
    return render(request, "cooperation/log.html", {"space": space, "entries": entries})


# The decision log uses the site's one CSV convention (core.csvfiles): `;`, UTF-8 with a BOM,
# formulas quoted. It used `,`, which French spreadsheets put in a single column.
csv_safe = csvfiles.safe_cell


def log_csv(request, slug):
    space = load_space(slug)
    if not perms.can_view_log(request.user, space):
        return deny(request)
    entries = DecisionLogEntry.objects.filter(space=space).order_by("at", "pk")
    stamp = timezone.localdate().isoformat()
    header = [
        _("n°"),
        _("date"),
        _("étape"),
        _("par"),
        _("au nom de"),
        _("version"),
        _("tour"),
        _("résumé"),
    ]
    rows = (
        [
            n,
            timezone.localtime(e.at).isoformat(timespec="seconds"),
            e.get_kind_display(),
            e.author_name,
            e.organisation_name,
            e.version_number or "",
            e.round_id_ref or "",
            e.summary,
        ]
        for n, e in enumerate(entries, start=1)
    )
    return csvfiles.response(f"journal-{space.project.slug}-{stamp}.csv", header, rows)
