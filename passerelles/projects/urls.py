from django.urls import path

from passerelles.projects.views import edit, pages

app_name = "projects"
urlpatterns = [
    path("", pages.project_list, name="list"),
    path("nouveau/", edit.create, name="create"),
    path("organisations/", edit.organisation_options, name="organisation-options"),
    path("<slug:slug>/", pages.project_detail, name="detail"),
    path("<slug:slug>/modifier/", edit.edit, name="edit"),
    path("<slug:slug>/historique/", pages.project_history, name="history"),
]
