"""The case pages. Staff: "Mes dossiers", every case with filters, opening a case, the case page
with its forms, the yearly count. The organisation's members: their cases, the shared part
only, and a message form. A case someone may not see answers 404, so nobody learns that it
exists; a page for staff only answers 403 to a signed-in member, sign-in to a visitor."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passerelles.accompaniment import actions, perms, queries
from passerelles.accompaniment.enums import CaseKind
from passerelles.accompaniment.forms import (
    CaseForm,
    CloseForm,
    DocumentForm,
    EntryForm,
    FilterForm,
    LinkForm,
    MessageForm,
    NextStepForm,
    YearForm,
)
from passerelles.accompaniment.models import Case, CaseDocument

PAGE_ROWS = 200


def _private(response):
    # Personal pages: never kept by a shared cache or the browser's back-forward copy.
    response["Cache-Control"] = "private, no-store"
    return response


def _signed_in(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return _private(view(request, *args, **kwargs))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _staff_only(view):
    @_signed_in
    def wrapped(request, *args, **kwargs):
        if not perms.can_work_on_cases(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


def _list_rows(cases):
    return cases.select_related("organisation", "organisation__department", "in_charge", "project")


@_signed_in
def index(request):
    """Staff: "Mes dossiers" (their active cases, overdue first). Members: their cases."""
    today = timezone.localdate()
    if perms.can_work_on_cases(request.user):
        cases = list(
            _list_rows(Case.objects.active().in_charge_of(request.user)).order_by(
                "next_step_due", "pk"
            )
        )
        # Overdue first, then due today, then the rest by date; undated steps last.
        cases.sort(key=lambda c: (not c.is_overdue(today), c.next_step_due is None))
        return render(
            request,
            "accompaniment/mine.html",
            {"cases": cases, "today": today, "section": "accompaniment"},
        )
    cases = _list_rows(Case.objects.for_member(request.user)).distinct()
    return render(
        request,
        "accompaniment/member_list.html",
        {"cases": cases, "section": "accompaniment"},
    )


@_staff_only
def all_cases(request):
    form = FilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "accompaniment/all.html",
            {"form": form, "cases": [], "section": "accompaniment"},
            status=400,
        )
    cases = Case.objects.all()
    cases = form.filter(cases) if form.is_bound else cases.active()
    total = cases.count()
    rows = _list_rows(cases).order_by("-opened_on", "-pk")[:PAGE_ROWS]
    return render(
        request,
        "accompaniment/all.html",
        {
            "form": form,
            "cases": rows,
            "total": total,
            "limited": total > PAGE_ROWS,
            "today": timezone.localdate(),
            "section": "accompaniment",
        },
    )


@_staff_only
def open_case(request):
    initial = {"organisation": request.GET.get("organisation", "")}
    form = CaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = actions.open_case(**data, by=request.user)
        except actions.ActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Le dossier est ouvert."))
            return redirect(case)
    return render(
        request,
        "accompaniment/open.html",
        {"form": form, "section": "accompaniment"},
        status=400 if form.is_bound else 200,
    )


def _case_for(request, pk) -> Case:
    case = get_object_or_404(
        Case.objects.select_related("organisation", "project", "in_charge", "next_step_set_by"),
        pk=pk,
    )
    if not perms.can_view_case(request.user, case):
        # Not 403: whether an organisation is accompanied is not for others to learn.
        raise Http404
    return case


def _case_context(request, case, **forms) -> dict:
    staff = perms.can_see_private(request.user, case)
    entries = case.entries.select_related("author")
    documents = case.documents.select_related("uploaded_by")
    links = case.links.select_related("organisation", "call", "issue", "proposed_by")
    if not staff:
        entries, documents, links = entries.shared(), documents.shared(), links.shared()
    context = {
        "case": case,
        "staff": staff,
        "entries": entries,
        "documents": documents,
        "links": links,
        "today": timezone.localdate(),
        "section": "accompaniment",
        "can_message": perms.can_write_message(request.user, case),
    }
    if staff:
        context.update(
            entry_form=forms.get("entry_form") or EntryForm(),
            step_form=forms.get("step_form")
            or NextStepForm(
                initial={
                    "next_step": case.next_step,
                    "due": case.next_step_due,
                    "status": case.status,
                    "in_charge": case.in_charge_id,
                }
            ),
            document_form=forms.get("document_form") or DocumentForm(),
            link_form=forms.get("link_form") or LinkForm(),
            close_form=forms.get("close_form") or CloseForm(),
        )
    elif context["can_message"]:
        context["message_form"] = forms.get("message_form") or MessageForm()
    return context


@_signed_in
def case_page(request, pk: int):
    case = _case_for(request, pk)
    return render(request, "accompaniment/case.html", _case_context(request, case))


def _staff_post(view):
    """A staff form posted on a case page: the case must exist and the person be staff."""

    @require_POST
    @_signed_in
    def wrapped(request, pk):
        case = _case_for(request, pk)
        if not perms.can_see_private(request.user, case):
            raise PermissionDenied
        return view(request, case)

    wrapped.__name__ = view.__name__
    return wrapped


def _invalid(request, case, **forms):
    return render(
        request, "accompaniment/case.html", _case_context(request, case, **forms), status=400
    )


@_staff_post
def add_entry(request, case):
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            actions.log_entry(case, **form.cleaned_data, by=request.user)
        except actions.ActionError as error:
            form.add_error(None, str(error))
    if not form.is_valid():
        if request.htmx:
            return render(
                request, "accompaniment/_log.html", _case_context(request, case, entry_form=form)
            )
        return _invalid(request, case, entry_form=form)
    if request.htmx:
        # The log and a fresh form, swapped in place; the message says it in words.
        context = _case_context(request, case)
        context["done"] = _("L'entrée est ajoutée au journal.")
        return render(request, "accompaniment/_log.html", context)
    messages.success(request, _("L'entrée est ajoutée au journal."))
    return redirect(case)


@_staff_post
def next_step(request, case):
    form = NextStepForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.set_next_step(
                case,
                text=data["next_step"],
                due=data["due"],
                status=data["status"],
                in_charge=data["in_charge"],
                by=request.user,
            )
        except actions.ActionError as error:
            form.add_error(None, str(error))
    if not form.is_valid():
        return _invalid(request, case, step_form=form)
    messages.success(request, _("La prochaine étape est enregistrée."))
    return redirect(case)


@_staff_post
def close(request, case):
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            actions.close_case(case, outcome=form.cleaned_data["outcome"], by=request.user)
        except actions.ActionError as error:
            form.add_error(None, str(error))
    if not form.is_valid():
        return _invalid(request, case, close_form=form)
    messages.success(request, _("Le dossier est clos."))
    return redirect(case)


@_staff_post
def reopen(request, case):
    actions.reopen_case(case, by=request.user)
    messages.success(request, _("Le dossier est rouvert."))
    return redirect(case)


@_staff_post
def add_document(request, case):
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.attach_document(
                case,
                upload=form.cleaned_data["file"],
                shared=form.cleaned_data["shared"],
                by=request.user,
            )
        except actions.ActionError as error:
            form.add_error("file", str(error))
    if not form.is_valid():
        return _invalid(request, case, document_form=form)
    messages.success(request, _("Le document est joint au dossier."))
    return redirect(case)


@_staff_post
def share_document(request, case):
    document = get_object_or_404(case.documents, pk=request.POST.get("document") or 0)
    shared = request.POST.get("shared") == "1"
    actions.share_document(document, shared=shared, by=request.user)
    messages.success(
        request,
        _("Le document est partagé avec l'organisation.")
        if shared
        else _("Le document n'est plus partagé avec l'organisation."),
    )
    return redirect(case)


@_staff_post
def add_link(request, case):
    form = LinkForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.propose_link(
                case,
                target=data["target"],
                note=data["note"],
                shared=data["shared"],
                by=request.user,
            )
        except actions.ActionError as error:
            form.add_error(None, str(error))
    if not form.is_valid():
        return _invalid(request, case, link_form=form)
    messages.success(request, _("La proposition est ajoutée au dossier."))
    return redirect(case)


@require_POST
@_signed_in
def message(request, pk: int):
    case = _case_for(request, pk)
    if not perms.can_write_message(request.user, case):
        raise PermissionDenied
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            actions.member_message(case, text=form.cleaned_data["text"], by=request.user)
        except actions.ActionError as error:
            form.add_error(None, str(error))
    if not form.is_valid():
        return _invalid(request, case, message_form=form)
    messages.success(request, _("Votre message est envoyé à l'équipe du réseau."))
    return redirect(case)


@_signed_in
def document(request, pk: int):
    """A document, to those who may have it only; never from MEDIA or static files."""
    doc = get_object_or_404(CaseDocument.objects.select_related("case"), pk=pk)
    if not perms.can_download(request.user, doc):
        raise Http404
    response = FileResponse(
        doc.file.open("rb"), as_attachment=True, filename=doc.name, content_type=doc.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@_staff_only
def yearly(request):
    today = timezone.localdate()
    form = YearForm(request.GET or {"year": today.year})
    if not form.is_valid():
        return render(
            request,
            "accompaniment/yearly.html",
            {"form": form, "rows": [], "section": "accompaniment"},
            status=400,
        )
    rows = queries.counts_by_department_and_kind(form.cleaned_data["year"])
    kinds = list(CaseKind)
    totals = queries.totals_by_kind(rows)
    for row in rows:
        row["cells"] = [row[kind.value] for kind in kinds]
    return render(
        request,
        "accompaniment/yearly.html",
        {
            "form": form,
            "year": form.cleaned_data["year"],
            "rows": rows,
            "kinds": kinds,
            "totals": totals,
            "total_cells": [totals[kind.value] for kind in kinds],
            "section": "accompaniment",
        },
    )
