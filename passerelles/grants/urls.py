from django.urls import path

from passerelles.grants import views

app_name = "grants"

urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("nouveau/", views.new_round, name="new"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/candidater/", views.apply, name="apply"),
    path("<int:pk>/publier/", views.publish, name="publish"),
    path("candidatures/<int:pk>/", views.application_detail, name="application"),
]
