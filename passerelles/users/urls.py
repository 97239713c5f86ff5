from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from passerelles.users import views
from passerelles.users.forms import EmailAuthenticationForm, PasswordResetForm

app_name = "users"
# Templates live under users/: django.contrib.admin comes first in INSTALLED_APPS and ships its
# own registration/password_reset_*.html, which would otherwise win.
urlpatterns = [
    path("", views.account, name="account"),
    path("inscription/", views.signup, name="signup"),
    path("jetons/", views.token_create, name="token_create"),
    path("jetons/<int:pk>/revoquer/", views.token_revoke, name="token_revoke"),
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            template_name="users/login.html",
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/",
        views.LimitedPasswordResetView.as_view(
            form_class=PasswordResetForm,
            template_name="users/password_reset_form.html",
            email_template_name="users/email/password_reset.txt",
            subject_template_name="users/email/password_reset_subject.txt",
            success_url=reverse_lazy("users:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/envoye/",
        views.LimitedPasswordResetDoneView.as_view(template_name="users/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        views.UnlockingPasswordResetConfirmView.as_view(
            template_name="users/password_reset_confirm.html",
            success_url=reverse_lazy("users:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/termine/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="users/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
