from django.urls import path

from passerelles.actors import views

app_name = "actors"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("carte/", views.organisation_map, name="map"),
    path("proposer/", views.propose, name="propose"),
    path("moderation/", views.moderation, name="moderation"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
]
