"""Accounts: sign-up, the account page. Log-in, log-out and password reset are Django's views
with our templates (see urls.py)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import (
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passerelles.users import throttling
from passerelles.users.forms import ApiTokenForm, SignupForm
from passerelles.users.models import ApiToken

MAX_ACTIVE_TOKENS = 20
# The limit that held a password reset message back, from the form to the page after it.
RESET_REFUSED = "password_reset_refused"


def signup(request):
    if request.user.is_authenticated:
        return redirect("users:account")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Bienvenue ! Votre compte est créé."))
        return redirect("users:account")
    return render(request, "users/signup.html", {"form": form})


@login_required
def account(request, token_form=None, new_key="", status=200):
    memberships = request.user.memberships.select_related("organisation").order_by(
        "organisation__name"
    )
    proposals = request.user.proposals.select_related("organisation").order_by("-created_at")[:50]
    return render(
        request,
        "users/account.html",
        {
            "memberships": memberships,
            "proposals": proposals,
            "tokens": request.user.api_tokens.active(),
            "token_form": token_form or ApiTokenForm(),
            "new_key": new_key,
        },
        status=status,
    )


@login_required
@require_POST
def token_create(request):
    """A personal API token; its key is shown once, in this response only (never stored in
    clear, nor put in a message cookie or the session)."""
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        if request.user.api_tokens.active().count() >= MAX_ACTIVE_TOKENS:
            form.add_error(
                None,
                _("Vous avez déjà %(n)s jetons actifs : révoquez-en un avant d'en créer un autre.")
                % {"n": MAX_ACTIVE_TOKENS},
            )
        else:
            _token, key = ApiToken.issue(request.user, form.cleaned_data["name"])
            return account(request, new_key=key)
    return account(request, token_form=form, status=400)


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(request.user.api_tokens.active(), pk=pk)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    messages.success(
        request,
        _("Jeton « %(name)s » révoqué : il ne donne plus accès à l'API.") % {"name": token.name},
    )
    return redirect("users:account")


class UnlockingPasswordResetConfirmView(PasswordResetConfirmView):
    """Django's "choose a new password" page, which also lifts a sign-in refusal: a member
    locked out after forgetting their password can sign in with the new one at once."""

    def form_valid(self, form):
        response = super().form_valid(form)
        throttling.unlock(form.user.email)
        return response


class LimitedPasswordResetView(PasswordResetView):
    """Django's "forgot your password" page. When the limits on outgoing mail (core.mail_limits)
    hold the message back (a sixth request for one address within the hour), the next page
    says so instead of "a message has just left"."""

    def form_valid(self, form):
        response = super().form_valid(form)
        refused = [outcome.refused for outcome in form.mail_outcomes if not outcome.queued]
        if refused:
            self.request.session[RESET_REFUSED] = refused[0]
        return response


class LimitedPasswordResetDoneView(PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "refused": self.request.session.pop(RESET_REFUSED, ""),
        }
