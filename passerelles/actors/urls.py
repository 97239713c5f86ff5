from django.urls import path

from passerelles.actors.views import directory, edit, families, freshness, map, moderation

app_name = "actors"
urlpatterns = [
    path("", directory.organisation_list, name="list"),
    path("carte/", map.organisation_map, name="map"),
    path("carte/donnees/", map.map_data, name="map-data"),
    path("proposer/", edit.propose, name="propose"),
    path("moderation/", moderation.queue, name="moderation"),
    path("moderation/<int:pk>/", moderation.review, name="review"),
    path("moderation/doublons/", moderation.duplicates, name="duplicates"),
    path("moderation/familles/", families.review_families, name="families"),
    path("fraicheur/", freshness.staff_page, name="freshness"),
    path("fraicheur/campagne/", freshness.start_campaign, name="freshness-campaign"),
    path("fraicheur/reponse/<str:token>/", freshness.answer, name="freshness-answer"),
    path("<slug:slug>/", directory.organisation_detail, name="detail"),
    path("<slug:slug>/modifier/", edit.edit, name="edit"),
    path("<slug:slug>/corriger/", edit.suggest_correction, name="correct"),
    path("<slug:slug>/historique/", edit.history, name="history"),
]
