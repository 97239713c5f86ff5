from django.urls import path

from passerelles.site import views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("mon-espace/", views.my_space, name="my_space"),
]
