from django.urls import path

from passerelles.bridges.views import calls, feedback, issues, partners

app_name = "bridges"

urlpatterns = [
    path("partenaires/", partners.find_partners, name="partners"),
    path(
        "partenaires/organisation/<slug:slug>/",
        partners.organisation_panel,
        name="organisation_panel",
    ),
    path("partenaires/projet/<slug:slug>/", partners.project_panel, name="project_panel"),
    path("partenaires/avis/", feedback.stats, name="feedback_stats"),
    path("partenaires/avis/<slug:slug>/", feedback.mark, name="feedback_mark"),
    path("enjeux/", issues.issue_list, name="issues"),
    path("enjeux/nouveau/", issues.issue_create, name="issue_create"),
    path("enjeux/theme/<slug:slug>/", issues.theme_issue, name="theme_issue"),
    path("enjeux/<slug:slug>/", issues.issue_detail, name="issue"),
    path("enjeux/<slug:slug>/modifier/", issues.issue_edit, name="issue_edit"),
    path("enjeux/<slug:slug>/epingler/", issues.pin_pair, name="issue_pin"),
    path("appels/", calls.call_list, name="calls"),
    path("appels/nouveau/", calls.call_create, name="call_create"),
    path("appels/echeances.ics", calls.calls_ical, name="calls_ical"),
    path("appels/<slug:slug>/", calls.call_detail, name="call"),
    path("appels/<slug:slug>/modifier/", calls.call_edit, name="call_edit"),
]
