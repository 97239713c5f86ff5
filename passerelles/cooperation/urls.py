from django.urls import path

from passerelles.cooperation.views import discover, inbox, ledger, purpose, rounds, space

app_name = "cooperation"

urlpatterns = [
    path("", space.index, name="index"),
    # "-" never starts a project slug (slugify strips it), so these never shadow a space.
    path("-/notifications/", inbox.inbox, name="inbox"),
    path("-/notifications/lues/", inbox.mark_read, name="mark_all_read"),
    path("-/notifications/<int:pk>/", inbox.mark_read, name="mark_read"),
    path("-/ouvrir/<slug:project_slug>/", space.open_space, name="open"),
    path("-/decouvrir/", discover.discover, name="discover"),
    path("<slug:slug>/", space.detail, name="space"),
    path("<slug:slug>/gouvernance/", space.governance, name="governance"),
    path("<slug:slug>/membres/inviter/", space.invite, name="invite"),
    path("<slug:slug>/membres/<int:pk>/accepter/", space.accept, name="accept"),
    path("<slug:slug>/membres/<int:pk>/decliner/", space.decline, name="decline"),
    path("<slug:slug>/membres/<int:pk>/quitter/", space.leave, name="leave"),
    path("<slug:slug>/rejoindre/", discover.ask_to_join, name="ask_to_join"),
    path(
        "<slug:slug>/demandes/<int:pk>/accepter/",
        discover.decide_join,
        {"decision": "accepter"},
        name="join_accept",
    ),
    path(
        "<slug:slug>/demandes/<int:pk>/decliner/",
        discover.decide_join,
        {"decision": "decliner"},
        name="join_refuse",
    ),
    path("<slug:slug>/enonces/", purpose.statement_create, name="statement_create"),
    path("<slug:slug>/enonces/<int:pk>/avis/", purpose.statement_vote, name="statement_vote"),
    path("<slug:slug>/raison-d-etre/", purpose.purpose, name="purpose"),
    path("<slug:slug>/raison-d-etre/nouvelle/", purpose.version_create, name="version_create"),
    path("<slug:slug>/raison-d-etre/v<int:number>/", purpose.purpose, name="version"),
    path("<slug:slug>/raison-d-etre/v<int:number>/amender/", purpose.amend, name="amend"),
    path("<slug:slug>/raison-d-etre/v<int:number>/commenter/", purpose.comment, name="comment"),
    path("<slug:slug>/raison-d-etre/v<int:number>/tour/", rounds.open_round, name="open_round"),
    path(
        "<slug:slug>/amendements/<int:pk>/integrer/",
        purpose.amendment_decide,
        {"decision": "integrer"},
        name="amendment_accept",
    ),
    path(
        "<slug:slug>/amendements/<int:pk>/ecarter/",
        purpose.amendment_decide,
        {"decision": "ecarter"},
        name="amendment_reject",
    ),
    path("<slug:slug>/tours/<int:pk>/", rounds.consent, name="round"),
    path("<slug:slug>/tours/<int:pk>/clore/", rounds.close, {"how": "clore"}, name="round_close"),
    path(
        "<slug:slug>/tours/<int:pk>/annuler/", rounds.close, {"how": "annuler"}, name="round_cancel"
    ),
    path("<slug:slug>/actions/nouvelle/", ledger.action_create, name="action_create"),
    path(
        "<slug:slug>/contributions/nouvelle/",
        ledger.contribution_create,
        name="contribution_create",
    ),
    path("<slug:slug>/journal/", ledger.log_page, name="log"),
    path("<slug:slug>/journal.csv", ledger.log_csv, name="log_csv"),
]
