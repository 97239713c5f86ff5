from django.urls import path

from passerelles.events.views import (
    meetings,
    meetings_staff,
    public,
    schedule_preview,
    staff,
    staff_edit,
)

app_name = "events"

urlpatterns = [
    path("", public.event_list, name="list"),
    path("calendrier.ics", public.all_events_ics, name="all-ics"),
    path("mes-inscriptions/", public.my_registrations, name="mine"),
    path("equipe/nouvel-evenement/", staff_edit.event_create, name="create"),
    # A person's registration, reached by the secret link of the confirmation e-mail.
    path("inscription/<uuid:token>/", public.manage_registration, name="manage"),
    path("inscription/<uuid:token>/annuler/", public.cancel_registration, name="cancel"),
    path("inscription/<uuid:token>/rencontres/", meetings.meetings_home, name="meetings"),
    path(
        "inscription/<uuid:token>/rencontres/<int:pk>/",
        meetings.set_request,
        name="meeting-request",
    ),
    path("inscription/<uuid:token>/agenda/", meetings.agenda, name="agenda"),
    path("inscription/<uuid:token>/agenda.ics", meetings.agenda_ics, name="agenda-ics"),
    path("<slug:slug>/", public.event_detail, name="detail"),
    path(
        "<slug:slug>/inscription/<int:pk>/annuler/",
        public.cancel_own_registration,
        name="registration-cancel",
    ),
    path("<slug:slug>/calendrier.ics", public.event_ics, name="ics"),
    path("<slug:slug>/sessions/<int:pk>.ics", public.session_ics, name="session-ics"),
    # Staff
    path("<slug:slug>/modifier/", staff_edit.event_edit, name="edit"),
    path("<slug:slug>/accueil/", staff.checkin_list, name="checkin"),
    path("<slug:slug>/accueil/<int:pk>/", staff.checkin_toggle, name="checkin-toggle"),
    path(
        "<slug:slug>/presences.<str:fmt>",
        staff.attendance_export,
        name="export",
    ),
    path("<slug:slug>/rencontres/", meetings_staff.dashboard, name="meetings-staff"),
    path("<slug:slug>/rencontres/creneaux/", meetings_staff.generate_slots, name="slots"),
    path("<slug:slug>/rencontres/tables/", meetings_staff.set_tables, name="tables"),
    path("<slug:slug>/rencontres/planifier/", meetings_staff.run_scheduler, name="schedule"),
    path(
        "<slug:slug>/rencontres/calcul/<int:pk>/",
        schedule_preview.preview,
        name="schedule-preview",
    ),
    path(
        "<slug:slug>/rencontres/calcul/<int:pk>/appliquer/",
        schedule_preview.apply,
        name="schedule-apply",
    ),
    path(
        "<slug:slug>/rencontres/<int:pk>/statut/",
        meetings_staff.meeting_status,
        name="meeting-status",
    ),
    path(
        "<slug:slug>/rencontres/<int:pk>/verrou/", meetings_staff.meeting_lock, name="meeting-lock"
    ),
    path(
        "<slug:slug>/rencontres/tables/<int:pk>/",
        meetings_staff.table_sheet,
        name="table-sheet",
    ),
]
