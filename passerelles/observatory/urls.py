from django.urls import path, re_path

from passerelles.observatory import views, views_years

app_name = "observatory"
urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^indicateurs\.(?P<fmt>csv|xlsx|json)$", views.download, name="download"),
    re_path(
        r"^consolidation-(?P<year>[0-9]{4})\.(?P<fmt>csv|json)$",
        views.rollup_download,
        name="rollup",
    ),
    path("annees/", views_years.years, name="years"),
    path("annees/figer/", views_years.freeze, name="freeze"),
]
