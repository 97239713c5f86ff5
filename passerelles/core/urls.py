from django.urls import path

from passerelles.core import views, views_jobs

app_name = "core"
urlpatterns = [
    path("guide-du-theme/", views.theme_guide, name="theme-guide"),
    path("taches/", views_jobs.jobs, name="jobs"),
    path("taches/<int:pk>/", views_jobs.job_detail, name="job"),
]
