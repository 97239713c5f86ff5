from django.urls import path

from passerelles.practices import views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="list"),
    path("proposer/", views.practice_create, name="create"),
    path("moderation/", views.moderation, name="moderation"),
    path("export.jsonld", views.export_jsonld, name="export_jsonld"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("paires/", views.curate, name="curate"),
    path("<slug:slug>/", views.practice_detail, name="detail"),
    path("<slug:slug>/modifier/", views.practice_edit, name="edit"),
    path("<slug:slug>/decision/", views.decide, name="decide"),
]
