"""Staff pages to create and edit an event with its sessions, in the product rather than the
Django admin.

Saving locks the event row, as registrations do (services.py): the number of confirmed people
is counted again under the lock, so a registration arriving while staff lower the capacity
cannot overbook, and places added promote the waiting list at once (services.promote_waiting)."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passerelles.events import perms, services
from passerelles.events.forms_edit import EventEditForm, SessionFormSet, capacity_error
from passerelles.events.models import Event


class _CapacityTaken(Exception):
    """Raised inside the transaction to roll it back when places were taken meanwhile."""


def _deny(request):
    # Visitors are asked to log in; a logged-in member or partner simply may not.
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def event_create(request):
    if not perms.can_create_event(request.user):
        return _deny(request)
    return _edit(request, Event())


def event_edit(request, slug):
    if not request.user.is_authenticated:
        return _deny(request)
    event = get_object_or_404(Event, slug=slug)
    if not perms.can_edit_event(request.user, event):
        return _deny(request)
    return _edit(request, event)


def _edit(request, event: Event):
    creating = event.pk is None
    # The page's title and links name the event as saved, not as being typed.
    saved_title, saved_url = event.title, None if creating else event.get_absolute_url()
    data = request.POST if request.method == "POST" else None
    form = EventEditForm(data, instance=event)
    # The formset reads the event's new dates from form.instance, filled by form.is_valid().
    formset = SessionFormSet(data, instance=form.instance, prefix="sessions")
    if request.method == "POST":
        form_ok = form.is_valid()
        formset_ok = formset.is_valid()
        if form_ok and formset_ok:
            try:
                saved, promoted = _save(form, formset, request)
            except _CapacityTaken as taken:
                form.add_error("capacity", capacity_error(taken.args[0]))
            else:
                if creating:
                    messages.success(request, _("L'événement est créé."))
                else:
                    messages.success(request, _("L'événement est enregistré."))
                if promoted:
                    messages.info(
                        request,
                        ngettext(
                            "%(count)s personne sort de la liste d'attente et en est "
                            "informée par e-mail.",
                            "%(count)s personnes sortent de la liste d'attente et en sont "
                            "informées par e-mail.",
                            len(promoted),
                        )
                        % {"count": len(promoted)},
                    )
                return redirect(saved)
    errors = _error_list(form, formset) if request.method == "POST" else []
    status = 400 if errors else 200
    return render(
        request,
        "events/event_form.html",
        {
            "event": None if creating else event,
            "saved_title": saved_title,
            "saved_url": saved_url,
            "form": form,
            "formset": formset,
            "errors": errors,
        },
        status=status,
    )


def _save(form, formset, request):
    with transaction.atomic():
        event = form.instance
        creating = event.pk is None
        if not creating:
            # Lock first, then count: the same order as services.register.
            Event.objects.select_for_update().get(pk=event.pk)
            confirmed = event.confirmed_registrations_count()
            if event.capacity is not None and event.capacity < confirmed:
                raise _CapacityTaken(confirmed)
        event = form.save()
        formset.instance = event
        formset.save()
        promoted = [] if creating else services.promote_waiting(event, request=request)
    return event, promoted


def _error_list(form, formset) -> list[dict]:
    """Every error with the id of the field it belongs to, for the summary's links."""
    errors = []
    for name, field_errors in form.errors.items():
        anchor = form[name].id_for_label if name in form.fields else "event-form"
        label = form.fields[name].label if name in form.fields else ""
        errors.extend({"anchor": anchor, "label": label, "message": m} for m in field_errors)
    for message in formset.non_form_errors():
        errors.append({"anchor": "sessions", "label": _("Sessions"), "message": message})
    for index, row in enumerate(formset.forms, start=1):
        for name, field_errors in row.errors.items():
            if name in row.fields:
                anchor = row[name].id_for_label
                label = _("Session %(n)s : %(field)s") % {
                    "n": index,
                    "field": row.fields[name].label,
                }
            else:
                anchor = f"session-{index}"
                label = _("Session %(n)s") % {"n": index}
            errors.extend({"anchor": anchor, "label": label, "message": m} for m in field_errors)
    return errors
