from django.urls import path, re_path

from passerelles.groups import views, views_manage

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("nouveau/", views_manage.create, name="create"),
    re_path(
        r"^fragment/pays/(?P<code>[A-Za-z]{2})/$", views.country_fragment, name="country-fragment"
    ),
    path("fragment/theme/<slug:slug>/", views.theme_fragment, name="theme-fragment"),
    # The e-mail's link: any text is accepted and checked by the view, so that a mangled link
    # gets a page that explains, not a bare 404.
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/modifier/", views_manage.edit, name="edit"),
    path("<slug:slug>/rejoindre/", views.join, name="join"),
    path("<slug:slug>/quitter/", views.leave, name="leave"),
    path("<slug:slug>/abonnement/", views.digest, name="digest"),
    path("<slug:slug>/nouvelles/", views.post, name="post"),
    path("<slug:slug>/nouvelles/<int:pk>/retirer/", views.remove_post, name="remove-post"),
    path("<slug:slug>/membres/", views_manage.manage, name="manage"),
    path("<slug:slug>/membres/<int:pk>/", views_manage.member, name="member"),
    path("<slug:slug>/demandes/<int:pk>/", views_manage.decide, name="decide"),
    path("<slug:slug>/reunions/nouvelle/", views_manage.plan_meeting, name="plan-meeting"),
    path("<slug:slug>/reunions/<int:pk>/", views.meeting, name="meeting"),
    path("<slug:slug>/calendrier.ics", views.calendar, name="ics"),
]
