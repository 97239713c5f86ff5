from django.urls import path

from passerelles.opendata import views, views_exports

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("exports/<str:kind>.<str:fmt>", views_exports.download, name="download"),
    path("murmurations/<slug:slug>.json", views.murmurations_profile, name="murmurations"),
    path("modeles/<str:kind>/", views.template_doc, name="template_doc"),
    path("modeles/<str:kind>.<str:fmt>", views.template_file, name="template_file"),
    path("importer/", views.import_page, name="import"),
    path("importer/<int:pk>/", views.run_detail, name="run"),
    path("importer/<int:pk>/appliquer/", views.run_apply, name="apply"),
    path("importer/<int:pk>/abandonner/", views.run_abandon, name="abandon"),
    path("importer/<int:pk>/publier/", views.run_publish, name="publish"),
]
