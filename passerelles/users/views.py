"""Accounts: sign-up, the account page. Log-in, log-out and password reset are Django's views
with our templates (see urls.py)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from passerelles.users.forms import SignupForm


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
def account(request):
    memberships = request.user.memberships.select_related("organisation").order_by(
        "organisation__name"
    )
    proposals = request.user.proposals.select_related("organisation").order_by("-created_at")[:50]
    return render(
        request,
        "users/account.html",
        {"memberships": memberships, "proposals": proposals},
    )
