from django.urls import path

from passerelles.surveys import views_answer, views_staff

app_name = "surveys"

urlpatterns = [
    path("enquetes/", views_staff.campaigns, name="campaigns"),
    path("enquetes/<int:year>/", views_staff.campaign, name="campaign"),
    path("enquetes/<int:year>/relancer/", views_staff.remind, name="remind"),
    path("enquetes/<int:year>/inviter/", views_staff.invite, name="invite"),
    path("enquetes/<int:year>/clore/", views_staff.close, name="close"),
    path("enquetes/<int:year>/rouvrir/", views_staff.reopen, name="reopen"),
    # The personal link: any text is accepted here and checked by the view, so that a
    # mangled link gets the page that explains, not a bare 404.
    path("enquete/<str:token>/", views_answer.answer, name="answer"),
]
