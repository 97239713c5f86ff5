from django.urls import path, re_path

from passerelles.projects.views import atlas

app_name = "atlas"

urlpatterns = [
    path("", atlas.index, name="index"),
    # ISO 3166 alpha-2 codes and INSEE department codes ("41", "2A", "976").
    re_path(r"^pays/(?P<code>[A-Za-z]{2})/$", atlas.country, name="country"),
    re_path(r"^departement/(?P<code>[0-9][0-9AaBb][0-9]?)/$", atlas.department, name="department"),
    path("liens/", atlas.map_links, name="links"),
]
