from django.urls import path, re_path

from passerelles.observatory import views, views_report, views_years

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
    # The year is checked by the view, which says in words what is wrong with it.
    path("rapport/<str:year>/", views_report.yearly_report, name="report"),
    path("rapport/<str:year>/pdf/", views_report.yearly_report_pdf, name="report-pdf"),
    path("rapport/pdf/<int:pk>/", views_report.report_pdf_job, name="report-pdf-job"),
    path(
        "rapport/pdf/<int:pk>/telecharger/",
        views_report.report_pdf_file,
        name="report-pdf-file",
    ),
]
