from django.urls import path

from passerelles.accompaniment import views

app_name = "accompaniment"

urlpatterns = [
    path("", views.index, name="index"),
    path("tous/", views.all_cases, name="all"),
    path("nouveau/", views.open_case, name="open"),
    path("bilan/", views.yearly, name="yearly"),
    path("<int:pk>/", views.case_page, name="case"),
    path("<int:pk>/journal/", views.add_entry, name="entry"),
    path("<int:pk>/etape/", views.next_step, name="next_step"),
    path("<int:pk>/clore/", views.close, name="close"),
    path("<int:pk>/rouvrir/", views.reopen, name="reopen"),
    path("<int:pk>/documents/", views.add_document, name="add_document"),
    path("<int:pk>/documents/partage/", views.share_document, name="share_document"),
    path("<int:pk>/propositions/", views.add_link, name="link"),
    path("<int:pk>/message/", views.message, name="message"),
    path("documents/<int:pk>/", views.document, name="document"),
]
