from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from passerelles.core.richtext import TextFieldsAdmin
from passerelles.events import services
from passerelles.events.models import (
    Event,
    Meeting,
    MeetingProfile,
    MeetingRequest,
    Registration,
    ScheduleRun,
    Session,
    Slot,
    Table,
)


class SessionInline(TextFieldsAdmin, admin.TabularInline):
    model = Session
    extra = 0
    fields = ["title", "starts_at", "ends_at", "room", "capacity"]


class SlotInline(admin.TabularInline):
    model = Slot
    extra = 0


class TableInline(admin.TabularInline):
    model = Table
    extra = 0


@admin.register(Event)
class EventAdmin(TextFieldsAdmin, admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "place", "capacity", "is_published"]
    list_filter = ["kind", "is_published", "meetings_enabled"]
    search_fields = ["title", "slug", "place"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["commune"]
    date_hierarchy = "starts_at"
    inlines = [SessionInline, SlotInline, TableInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "description", "is_published"]}),
        (
            _("Quand et où"),
            {"fields": ["starts_at", "ends_at", "place", "address", "commune", "online_url"]},
        ),
        (
            _("Inscriptions"),
            {"fields": ["capacity", "registration_opens_at", "registration_closes_at"]},
        ),
        (_("Rencontres one-to-one"), {"fields": ["meetings_enabled", "max_meetings"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # More places (or no limit any more) confirm people from the waiting list at once,
        # with the same e-mail as a cancellation would send.
        if change and "capacity" in form.changed_data:
            services.set_capacity(obj, obj.capacity, request=request)


@admin.register(Registration)
class RegistrationAdmin(TextFieldsAdmin, admin.ModelAdmin):
    list_display = ["name", "event", "organisation", "status", "created_at", "checked_in_at"]
    list_filter = ["status", "event"]
    search_fields = ["name", "email", "organisation__name", "organisation_name"]
    list_select_related = ["event", "organisation"]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["token", "created_at", "promoted_at", "cancelled_at", "reminder_sent_at"]
    filter_horizontal = ["sessions"]


@admin.register(MeetingProfile)
class MeetingProfileAdmin(TextFieldsAdmin, admin.ModelAdmin):
    list_display = ["registration", "limited_availability", "updated_at"]
    search_fields = ["registration__name", "registration__email"]
    raw_id_fields = ["registration"]


@admin.register(MeetingRequest)
class MeetingRequestAdmin(admin.ModelAdmin):
    list_display = ["requester", "target", "priority", "created_at"]
    list_filter = ["priority", "requester__event"]
    raw_id_fields = ["requester", "target"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["event", "a", "b", "slot", "table", "status", "locked"]
    list_filter = ["status", "locked", "event"]
    raw_id_fields = ["a", "b", "slot", "table"]
    list_select_related = ["event", "a", "b", "slot", "table"]


@admin.register(ScheduleRun)
class ScheduleRunAdmin(admin.ModelAdmin):
    list_display = ["event", "started_at", "status", "objective", "upper_bound", "seconds"]
    readonly_fields = [f.name for f in ScheduleRun._meta.fields]
