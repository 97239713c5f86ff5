from django.urls import path, re_path

from passerelles.observatory import views, views_report

app_name = "observatory"
urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^indicateurs\.(?P<fmt>csv|xlsx|json)$", views.download, name="download"),
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
