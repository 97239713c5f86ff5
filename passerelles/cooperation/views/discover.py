"""The public page of co-construction spaces (what a space is, the listed spaces) and the
requests to join one: asked by a member for their organisation, decided by the space's leads."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.cooperation import perms, services
from passerelles.cooperation.enums import JoinRequestStatus, MemberStatus
from passerelles.cooperation.forms import JoinDecisionForm, JoinRefusalForm, JoinRequestForm
from passerelles.cooperation.models import CooperationSpace, JoinRequest, SpaceMember
from passerelles.cooperation.views.common import back, deny, load_space, run
from passerelles.projects.enums import PlaceSide
from passerelles.projects.models import ProjectPlace

PAGE_SIZE = 20


def _countries(project) -> list[str]:
    """Where the project works, France first when it has a place here: public facts."""
    names, seen = [], set()
    for place in project.places.all():
        if place.side == PlaceSide.THERE and place.country_id and place.country_id not in seen:
            seen.add(place.country_id)
            names.append(place.country.name)
    names.sort()
    if any(p.side == PlaceSide.HERE for p in project.places.all()):
        names.insert(0, _("France"))
    return names


def _states(user, spaces) -> dict:
    """For a signed-in person, where each of their organisations stands in each space:
    three queries for the whole page."""
    if not user.is_authenticated:
        return {}
    ids = [s.pk for s in spaces]
    mine = list(
        Organisation.objects.filter(memberships__user=user, status=Status.PUBLISHED).order_by(
            "name"
        )
    )
    org_ids = [o.pk for o in mine]
    inside = {}
    for space_id, org_id, status in SpaceMember.objects.filter(
        space_id__in=ids,
        organisation_id__in=org_ids,
        status__in=[MemberStatus.INVITED, MemberStatus.ACTIVE],
    ).values_list("space_id", "organisation_id", "status"):
        inside.setdefault(space_id, {})[org_id] = status
    waiting = {}
    for space_id, org_id in JoinRequest.objects.filter(
        space_id__in=ids, organisation_id__in=org_ids, status=JoinRequestStatus.PENDING
    ).values_list("space_id", "organisation_id"):
        waiting.setdefault(space_id, set()).add(org_id)
    states = {}
    for space in spaces:
        here, asked = inside.get(space.pk, {}), waiting.get(space.pk, set())
        states[space.pk] = {
            "member": [o for o in mine if here.get(o.pk) == MemberStatus.ACTIVE],
            "invited": [o for o in mine if here.get(o.pk) == MemberStatus.INVITED],
            "waiting": [o for o in mine if o.pk in asked],
            "may_ask": [o for o in mine if o.pk not in here and o.pk not in asked],
        }
    return states


def discover(request):
    """Everyone: what a space is, and the listed spaces with public facts only."""
    spaces = (
        CooperationSpace.objects.listed()
        .select_related("project", "adopted_version")
        .annotate(member_count=Count("members", filter=Q(members__status=MemberStatus.ACTIVE)))
        .prefetch_related(
            "project__themes",
            Prefetch("project__places", queryset=ProjectPlace.objects.select_related("country")),
        )
        .order_by("project__sort_title", "pk")
    )
    page = Paginator(spaces, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    states = _states(request.user, rows)
    cards = []
    for space in rows:
        state = states.get(space.pk)
        form = None
        if state and state["may_ask"]:
            form = JoinRequestForm(organisations=state["may_ask"], prefix=f"s{space.pk}")
        cards.append(
            {
                "space": space,
                "countries": _countries(space.project),
                "themes": list(space.project.themes.all()),
                "state": state,
                "form": form,
            }
        )
    has_organisation = (
        request.user.is_authenticated
        and request.user.memberships.filter(organisation__status=Status.PUBLISHED).exists()
    )
    return render(
        request,
        "cooperation/discover.html",
        {"cards": cards, "page": page, "has_organisation": has_organisation},
    )


def _listed_space(slug) -> CooperationSpace:
    space = load_space(slug)
    if not space.listed or space.project.status != Status.PUBLISHED:
        raise Http404
    return space


@require_POST
def ask_to_join(request, slug):
    space = _listed_space(slug)
    if not request.user.is_authenticated:
        return deny(request)
    mine = Organisation.objects.filter(
        memberships__user=request.user, status=Status.PUBLISHED
    ).order_by("name")
    if not mine.exists():
        return deny(request)
    form = JoinRequestForm(request.POST, organisations=mine, prefix=f"s{space.pk}")
    if not form.is_valid():
        messages.error(
            request,
            _("La demande n'est pas partie : %(errors)s")
            % {"errors": " ".join(e for errors in form.errors.values() for e in errors)},
        )
        return redirect("cooperation:discover")
    organisation = form.cleaned_data["organisation"]
    result = run(
        request,
        services.request_to_join,
        space,
        organisation,
        request.user,
        form.cleaned_data["message"],
    )
    if result:
        _request, created = result
        if created:
            messages.success(
                request,
                _(
                    "Votre demande pour %(org)s est envoyée aux organisations qui animent "
                    "« %(space)s ». Vous serez prévenu·e de leur réponse."
                )
                % {"org": organisation, "space": space},
            )
        else:
            messages.info(
                request,
                _("La demande de %(org)s est déjà enregistrée : elle attend une réponse.")
                % {"org": organisation},
            )
    return redirect("cooperation:discover")


@require_POST
def decide_join(request, slug, pk, decision):
    space = load_space(slug)
    if not perms.can_decide_join_request(request.user, space):
        return deny(request)
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("organisation"), space=space, pk=pk
    )
    lead = perms.lead_members(request.user, space).first()
    if decision == "accepter":
        form = JoinDecisionForm(request.POST, space=space, prefix=f"j{join_request.pk}")
        if not form.is_valid():
            messages.error(request, _("Choisissez un collège et un rôle pour cette organisation."))
            return back(space, "join-requests")
        run(
            request,
            services.accept_join_request,
            join_request,
            form.cleaned_data["college"],
            request.user,
            role=form.cleaned_data["role"],
            member=lead,
            success=_("%(org)s est membre de l'espace.") % {"org": join_request.organisation},
        )
    else:
        form = JoinRefusalForm(request.POST, prefix=f"j{join_request.pk}")
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return back(space, "join-requests")
        run(
            request,
            services.refuse_join_request,
            join_request,
            request.user,
            form.cleaned_data["reason"],
            member=lead,
            success=_("La demande de %(org)s est déclinée ; elle en est prévenue.")
            % {"org": join_request.organisation},
        )
    return back(space, "join-requests")
