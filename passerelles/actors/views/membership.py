"""Membership requests: a person asks to act for an organisation ("Je représente cette
organisation"), may withdraw the request, and network staff approve it (choosing the role) or
reject it (with a reason). Decisions are e-mailed to the requester once committed.

The requests are rows of the users app, but asking is about an organisation (is it published?),
so the pages live here, above both (docs/decisions.md §18); URLs in actors/urls_membership.py."""

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.core.mail import send_on_commit
from passerelles.core.mail_limits import DECISION
from passerelles.core.richtext import PlainTextField
from passerelles.core.text_limits import field_limit
from passerelles.users import perms as user_perms
from passerelles.users.enums import MembershipRequestStatus, MembershipRole
from passerelles.users.models import Membership, MembershipRequest, MembershipRequestError

QUEUE_PAGE = 100


# -- forms --------------------------------------------------------------------------------


class MembershipRequestForm(forms.ModelForm):
    class Meta:
        model = MembershipRequest
        fields = ["message"]
        labels = {"message": gettext_lazy("Votre fonction dans l'organisation (facultatif)")}
        help_texts = {
            "message": gettext_lazy(
                "Par exemple : « trésorière », « chargé de projets ». L'équipe du réseau "
                "s'en sert pour vérifier votre demande. 1 000 caractères au plus."
            )
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4, "maxlength": 1000})}
        formfield_callback = MembershipRequest.text_fields.formfield

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ApproveForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Rôle accordé"), choices=MembershipRole.choices)

    def __init__(self, *args, request_pk=None, **kwargs):
        # One form per request on the same page: ids must stay unique.
        kwargs.setdefault("auto_id", f"id_%s_{request_pk}")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class RejectForm(forms.Form):
    # Plain text: it is sent by e-mail as typed.
    reason = PlainTextField(
        multiline=True,
        label=gettext_lazy("Motif du refus (envoyé par e-mail à la personne)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=field_limit(MembershipRequest, "reason"),
        error_messages={
            "required": gettext_lazy("Indiquez le motif du refus : il sera envoyé par e-mail.")
        },
    )

    def __init__(self, *args, request_pk=None, **kwargs):
        kwargs.setdefault("auto_id", f"id_%s_{request_pk}")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


# -- helpers ------------------------------------------------------------------------------


def reviewer_required(view):
    """Visitors are sent to log in; people logged in without the staff role get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_perms.can_review_membership_requests(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _notify(membership_request: MembershipRequest, template: str) -> None:
    """E-mail the requester about a decision, in their language, once the transaction has
    committed: nobody is told about a decision that was rolled back."""
    user = membership_request.user
    context = {
        "membership_request": membership_request,
        "organisation": membership_request.organisation,
        "user": user,
        "network_name": settings.PASSERELLES_NETWORK_NAME,
        "site_url": getattr(settings, "PASSERELLES_SITE_URL", "").rstrip("/"),
    }
    # A staff decision on their own request: never held back by the limits on outgoing mail.
    send_on_commit(
        user.email, f"users/email/{template}", context, user.preferred_language, policy=DECISION
    )


# -- the requester ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_membership(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if organisation.status != Status.PUBLISHED:
        # Not public: a 404 hides even that it exists (as the organisation page does).
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    membership = organisation.memberships.filter(user=request.user).first()
    pending = organisation.membership_requests.pending().filter(user=request.user).first()
    form = MembershipRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if membership or pending:
        # Explained on the page; a POST (double submit, stale tab) creates nothing.
        status = 409 if request.method == "POST" else 200
    elif request.method == "POST" and form.is_valid():
        try:
            # A savepoint: a POST runs inside the request's transaction (core.transactions),
            # and a lost race on the unique constraint must not break it.
            with transaction.atomic():
                MembershipRequest.objects.create(
                    user=request.user,
                    organisation=organisation,
                    message=form.cleaned_data["message"].strip(),
                )
        except IntegrityError:
            messages.info(request, _("Votre demande est déjà enregistrée."))
            return redirect("users:account")
        messages.success(
            request,
            _(
                "Votre demande de rattachement à « %(name)s » est envoyée. L'équipe du réseau "
                "vous répondra par e-mail."
            )
            % {"name": organisation.name},
        )
        return redirect("users:account")
    elif request.method == "POST":
        status = 400
    context = {
        "organisation": organisation,
        "form": form,
        "membership": membership,
        "pending": pending,
    }
    return render(request, "users/membership_request.html", context, status=status)


@require_POST
def withdraw_membership_request(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # Only one's own requests: anybody else's is a 404, which says nothing about it.
    membership_request = get_object_or_404(
        request.user.membership_requests.select_related("organisation"), pk=pk
    )
    try:
        membership_request.withdraw()
    except MembershipRequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Votre demande de rattachement à « %(name)s » est retirée.")
            % {"name": membership_request.organisation.name},
        )
    return redirect("users:account")


# -- network staff ------------------------------------------------------------------------


def _queue_context(bound_pk=None, approve_form=None, reject_form=None):
    pending = (
        MembershipRequest.objects.pending()
        .select_related("user", "organisation")
        .prefetch_related(
            Prefetch(
                "organisation__memberships",
                queryset=Membership.objects.select_related("user").order_by("user__email"),
            )
        )
    )
    rows = []
    for membership_request in pending[:QUEUE_PAGE]:
        pk = membership_request.pk
        members = list(membership_request.organisation.memberships.all())
        # The one request whose decision failed keeps its bound form (and its errors).
        rows.append(
            {
                "request": membership_request,
                "members": members,
                "approve_form": approve_form
                if pk == bound_pk and approve_form
                else ApproveForm(
                    request_pk=pk,
                    initial={"role": MembershipRole.EDITOR if members else MembershipRole.ADMIN},
                ),
                "reject_form": reject_form
                if pk == bound_pk and reject_form
                else RejectForm(request_pk=pk),
            }
        )
    recent = (
        MembershipRequest.objects.exclude(status=MembershipRequestStatus.PENDING)
        .select_related("user", "organisation", "decided_by")
        .order_by("-decided_at", "-pk")[:10]
    )
    return {"rows": rows, "pending_count": pending.count(), "recent": recent}


@reviewer_required
@require_http_methods(["GET"])
def membership_queue(request):
    return render(request, "users/membership_queue.html", _queue_context())


def _decided_twice(request, error):
    messages.error(request, str(error))
    return redirect("membership:queue")


@reviewer_required
@require_POST
def approve_membership_request(request, pk):
    membership_request = get_object_or_404(
        MembershipRequest.objects.select_related("user", "organisation"), pk=pk
    )
    if not membership_request.is_pending:
        return _decided_twice(request, membership_request.already_decided_error())
    form = ApproveForm(request.POST, request_pk=pk)
    if not form.is_valid():
        messages.error(request, _("Choisissez le rôle à accorder."))
        context = _queue_context(bound_pk=pk, approve_form=form)
        return render(request, "users/membership_queue.html", context, status=400)
    try:
        decided_now = membership_request.approve(request.user, form.cleaned_data["role"])
    except MembershipRequestError as error:
        return _decided_twice(request, error)
    if not decided_now:
        # Another member of staff approved it a moment ago: they already sent the e-mail.
        return _decided_twice(request, membership_request.already_decided_error())
    _notify(membership_request, "membership_approved")
    messages.success(
        request,
        _("%(person)s est rattaché·e à « %(name)s » (%(role)s) ; un e-mail l'en informe.")
        % {
            "person": membership_request.user,
            "name": membership_request.organisation.name,
            "role": membership_request.get_role_display(),
        },
    )
    return redirect("membership:queue")


@reviewer_required
@require_POST
def reject_membership_request(request, pk):
    membership_request = get_object_or_404(
        MembershipRequest.objects.select_related("user", "organisation"), pk=pk
    )
    if not membership_request.is_pending:
        return _decided_twice(request, membership_request.already_decided_error())
    form = RejectForm(request.POST, request_pk=pk)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif du refus : il sera envoyé par e-mail."))
        context = _queue_context(bound_pk=pk, reject_form=form)
        return render(request, "users/membership_queue.html", context, status=400)
    try:
        membership_request.reject(request.user, form.cleaned_data["reason"])
    except MembershipRequestError as error:
        return _decided_twice(request, error)
    _notify(membership_request, "membership_rejected")
    messages.success(
        request,
        _("Demande de %(person)s refusée ; le motif lui est envoyé par e-mail.")
        % {"person": membership_request.user},
    )
    return redirect("membership:queue")
