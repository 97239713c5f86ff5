"""Working groups' pages for everyone: the list, a group's page (news, meetings, members,
joining and leaving, one's digest choice), a meeting with its notes, the group's calendar, the
atlas fragments and the unsubscribe link. Coordinators' pages are in views_manage.

A members-only group is a 404 for visitors (its existence is not shown); its content is
absent, not hidden, for signed-in people who are not its members (perms.can_see_content)."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from passerelles.core.richtext import html_to_text, plain_text
from passerelles.events.exports import calendar_domain
from passerelles.geo.models import Country
from passerelles.groups import actions, perms
from passerelles.groups.forms import DigestForm, JoinForm, NotesForm, PostForm
from passerelles.groups.models import GroupMeeting, Post, WorkingGroup
from passerelles.vocab.models import Theme

NEWS_SHOWN = 30


def visible_group(request, slug) -> WorkingGroup:
    group = get_object_or_404(WorkingGroup.objects.select_related("country", "theme"), slug=slug)
    if not perms.can_see_group(request.user, group):
        raise Http404
    return group


def _content_or_404(request, group):
    if not perms.can_see_content(request.user, group):
        raise Http404


@require_GET
def group_list(request):
    groups = WorkingGroup.objects.visible_to(request.user).select_related("country", "theme")
    country = theme = None
    if code := request.GET.get("pays", "").strip():
        country = Country.objects.filter(code=code.upper()[:2]).first()
        groups = groups.for_country(code[:2]) if country else groups.none()
    if slug := request.GET.get("theme", "").strip():
        theme = Theme.objects.filter(slug=slug[:60]).first()
        groups = groups.for_theme(slug[:60]) if theme else groups.none()
    mine = set()
    if request.user.is_authenticated:
        mine = set(request.user.group_memberships.values_list("group_id", flat=True))
    context = {
        "groups": groups,
        "mine": mine,
        "country": country,
        "theme": theme,
        "can_create": perms.can_create_group(request.user),
    }
    return render(request, "groups/list.html", context)


@require_GET
def detail(request, slug):
    group = visible_group(request, slug)
    user = request.user
    membership = perms.membership_of(user, group)
    content = perms.can_see_content(user, group)
    context = {
        "group": group,
        "membership": membership,
        "content": content,
        "coordinators": group.memberships.coordinators().select_related("user", "organisation"),
        "can_manage": perms.can_manage(user, group),
        "can_join": perms.can_join(user, group),
        "can_post": perms.can_post(user, group),
        "pending": (user.is_authenticated and group.requests.pending().filter(user=user).exists()),
    }
    if content:
        context["members"] = group.memberships.select_related("user", "organisation").order_by(
            "user__full_name", "user__email"
        )
        context["meetings"] = group.meetings.select_related("event").order_by("-event__starts_at")
        context["posts"] = [
            (post, perms.can_remove_post(user, post))
            for post in group.posts.shown().select_related("author", "group")[:NEWS_SHOWN]
        ]
    if membership:
        context["digest_form"] = DigestForm(initial={"digest": membership.digest})
    if context["can_post"]:
        context["post_form"] = PostForm()
    if context["can_join"] and not context["pending"]:
        context["join_form"] = JoinForm(user=user)
    return render(request, "groups/detail.html", context)


@require_POST
def join(request, slug):
    group = visible_group(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(group.get_absolute_url())
    form = JoinForm(request.POST, user=request.user)
    if not perms.can_join(request.user, group) or not form.is_valid():
        messages.error(request, _("Vous ne pouvez pas rejoindre ce groupe."))
        return redirect(group)
    try:
        result = actions.join(
            group,
            request.user,
            organisation=form.cleaned_data["organisation"],
            message=form.cleaned_data["message"],
        )
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        if group.is_public:
            messages.success(
                request, _("Bienvenue dans le groupe « %(group)s ».") % {"group": group}
            )
        else:
            messages.success(
                request,
                _(
                    "Votre demande est envoyée aux coordinateur·rices du groupe ; vous recevrez "
                    "leur réponse par e-mail."
                ),
            )
        del result
    return redirect(group)


@require_POST
def leave(request, slug):
    group = visible_group(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(group.get_absolute_url())
    try:
        actions.leave(group, request.user)
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Vous avez quitté le groupe « %(group)s ».") % {"group": group})
    return redirect(group)


@require_POST
def digest(request, slug):
    group = visible_group(request, slug)
    membership = perms.membership_of(request.user, group)
    if membership is None:
        raise Http404
    form = DigestForm(request.POST)
    if form.is_valid():
        actions.set_digest(membership, form.cleaned_data["digest"])
        messages.success(request, _("Votre choix est enregistré."))
    else:
        messages.error(request, _("Choisissez une fréquence dans la liste."))
    return redirect(group)


@require_POST
def post(request, slug):
    group = visible_group(request, slug)
    if not perms.can_post(request.user, group):
        raise Http404
    form = PostForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("body", []):
            messages.error(request, error)
        return redirect(group)
    try:
        actions.create_post(group, request.user, form.cleaned_data["body"])
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Votre message est publié."))
    return redirect(f"{group.get_absolute_url()}#nouvelles")


@require_POST
def remove_post(request, slug, pk):
    group = visible_group(request, slug)
    item = get_object_or_404(Post.objects.select_related("group"), pk=pk, group=group)
    if not perms.can_remove_post(request.user, item):
        raise Http404
    actions.remove_post(item, by=request.user)
    messages.success(request, _("Le message est retiré."))
    return redirect(f"{group.get_absolute_url()}#nouvelles")


def meeting(request, slug, pk):
    group = visible_group(request, slug)
    _content_or_404(request, group)
    item = get_object_or_404(
        GroupMeeting.objects.select_related("event", "notes_updated_by"), pk=pk, group=group
    )
    can_edit = perms.can_edit_notes(request.user, group)
    form = NotesForm(initial={"notes": item.notes})
    if request.method == "POST":
        if not can_edit:
            raise Http404
        form = NotesForm(request.POST)
        if form.is_valid():
            actions.save_notes(item, form.cleaned_data["notes"], by=request.user)
            messages.success(request, _("Les notes sont enregistrées."))
            return redirect(item)
    context = {
        "group": group,
        "meeting": item,
        "event": item.event,
        "form": form if can_edit else None,
    }
    return render(request, "groups/meeting.html", context)


@require_GET
def calendar(request, slug):
    """The group's meetings as an iCalendar feed (past ones too: a calendar keeps them)."""
    group = visible_group(request, slug)
    _content_or_404(request, group)
    ical = Calendar()
    ical.add("prodid", "-//Passerelles//groups//FR")
    ical.add("version", "2.0")
    ical.add("x-wr-calname", plain_text(group.name))
    domain = calendar_domain()
    for item in group.meetings.select_related("event"):
        event = item.event
        vevent = CalendarEvent()
        vevent.add("uid", f"group-meeting-{item.pk}@{domain}")
        vevent.add("dtstamp", event.updated_at)
        vevent.add("dtstart", event.starts_at)
        vevent.add("dtend", event.ends_at)
        vevent.add("summary", plain_text(f"{event.title} — {group.name}"))
        if location := plain_text(event.online_url or event.place_label):
            vevent.add("location", location)
        if description := plain_text(event.summary or html_to_text(event.description)):
            vevent.add("description", description)
        vevent.add("url", request.build_absolute_uri(item.get_absolute_url()))
        ical.add_component(vevent)
    response = HttpResponse(ical.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="groupe-{group.slug}.ics"'
    return response


@require_GET
def country_fragment(request, code):
    """The groups working on a country, for the atlas's country page (hx-get)."""
    country = get_object_or_404(Country, code=code.upper())
    groups = WorkingGroup.objects.visible_to(request.user).for_country(country.code)
    return render(
        request,
        "groups/_fragment.html",
        {"groups": groups, "list_url_query": f"pays={country.code}"},
    )


@require_GET
def theme_fragment(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    groups = WorkingGroup.objects.visible_to(request.user).for_theme(theme.slug)
    return render(
        request,
        "groups/_fragment.html",
        {"groups": groups, "list_url_query": f"theme={theme.slug}"},
    )


def unsubscribe(request, token):
    """The e-mail's link: no sign-in, no JavaScript. Reading the page changes nothing (mail
    scanners follow links); its one button does."""
    membership = actions.membership_for_token(token)
    if membership is None:
        return render(request, "groups/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        actions.unsubscribe(membership)
        done = True
    return render(
        request,
        "groups/unsubscribe.html",
        {"membership": membership, "group": membership.group, "done": done},
    )
