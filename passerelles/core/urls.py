from django.urls import path

from passerelles.core import views

app_name = "core"
urlpatterns = [
    path("guide-du-theme/", views.theme_guide, name="theme-guide"),
]
