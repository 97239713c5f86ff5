from django.contrib import admin

from passerelles.cooperation.models import (
    Action,
    Amendment,
    College,
    CollegeTemplate,
    ConsentRound,
    Contribution,
    CooperationSpace,
    DecisionLogEntry,
    JoinRequest,
    PurposeVersion,
    Response,
    SpaceMember,
)


@admin.register(CollegeTemplate)
class CollegeTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "required_by_default", "order"]
    list_editable = ["order"]


class CollegeInline(admin.TabularInline):
    model = College
    extra = 0
    can_delete = False  # deleting a college would take its members along


class MemberInline(admin.TabularInline):
    model = SpaceMember
    extra = 0
    raw_id_fields = ["organisation", "invited_by"]
    readonly_fields = ["side"]


@admin.register(CooperationSpace)
class CooperationSpaceAdmin(admin.ModelAdmin):
    list_display = ["project", "created_at", "adopted_version", "review_date"]
    raw_id_fields = ["project", "created_by"]
    readonly_fields = ["adopted_version", "adopted_at", "review_date"]
    inlines = [CollegeInline, MemberInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Decisions are made in the space, by its members, not in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PurposeVersion)
class PurposeVersionAdmin(ReadOnlyAdmin):
    list_display = ["space", "number", "created_at", "author"]


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ["version", "member", "status", "created_at"]


@admin.register(ConsentRound)
class ConsentRoundAdmin(ReadOnlyAdmin):
    list_display = ["space", "version", "status", "opened_at", "closed_at"]
    list_filter = ["status"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["round", "member", "answer", "created_at"]


@admin.register(DecisionLogEntry)
class DecisionLogEntryAdmin(ReadOnlyAdmin):
    """Append-only: the admin shows the log and never changes it."""

    list_display = ["at", "space", "kind", "author_name", "organisation_name", "summary"]
    list_filter = ["kind"]
    search_fields = ["summary", "organisation_name"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "space", "lead", "status"]
    raw_id_fields = ["space", "version", "lead", "created_by"]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["space", "giver", "receiver", "kind", "value_eur", "direction"]
    list_filter = ["kind", "direction"]
    raw_id_fields = ["space", "giver", "receiver", "created_by"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    """Read-only: requests are decided by the space's leads on the space page (the service
    adds the member, writes the log and tells the organisation)."""

    list_display = ["organisation", "space", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["organisation", "space__project"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
