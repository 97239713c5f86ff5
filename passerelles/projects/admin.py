from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from passerelles.actors.models import ChangeAction
from passerelles.projects.history import record_change, snapshot
from passerelles.projects.models import (
    FundingLine,
    Participation,
    Project,
    ProjectChangeRecord,
    ProjectPlace,
)
from passerelles.projects.search import index_projects


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "note"]


class ProjectPlaceInline(admin.TabularInline):
    model = ProjectPlace
    extra = 0
    autocomplete_fields = ["commune", "country"]
    fields = ["side", "commune", "department", "country", "locality", "lat", "lon"]


class FundingLineInline(admin.TabularInline):
    model = FundingLine
    extra = 0
    autocomplete_fields = ["funder"]
    fields = ["funder", "funder_name", "amount", "currency", "year", "instrument"]


class ProjectChangeRecordInline(admin.TabularInline):
    model = ProjectChangeRecord
    extra = 0
    fields = ["at", "action", "user", "comment", "changes"]
    readonly_fields = fields
    can_delete = False
    max_num = 0
    classes = ["collapse"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "acronym", "project_status", "status", "start_date", "updated_at"]
    list_filter = ["status", "project_status", "source"]
    search_fields = ["title", "acronym", "slug", "iati_identifier"]
    autocomplete_fields = ["themes", "sdg_targets", "dac_sectors"]
    readonly_fields = ["created_at", "updated_at", "created_by"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "created_at"
    inlines = [
        ParticipationInline,
        ProjectPlaceInline,
        FundingLineInline,
        ProjectChangeRecordInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "acronym", "slug", "status", "project_status"]}),
        (_("Présentation"), {"fields": ["summary", "description", "website"]}),
        (_("Dates"), {"fields": ["start_date", "end_date"]}),
        (_("Vocabulaires"), {"fields": ["themes", "sdg_targets", "dac_sectors"]}),
        (
            _("Provenance"),
            {
                "fields": [
                    "iati_identifier",
                    "source",
                    "source_id",
                    "imported_at",
                    "created_at",
                    "updated_at",
                    "created_by",
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        # The snapshot is taken before anything is written; the record after the inlines.
        request._project_before = snapshot(Project.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        project = form.instance
        record_change(
            project,
            getattr(request, "_project_before", {}),
            user=request.user,
            action=ChangeAction.UPDATED if change else ChangeAction.CREATED,
            comment=_("Administration"),
        )
        # Participants and places changed through inlines: reindex once, after all of them.
        index_projects([project.pk])


@admin.register(ProjectChangeRecord)
class ProjectChangeRecordAdmin(admin.ModelAdmin):
    list_display = ["project", "action", "user", "at"]
    list_filter = ["action"]
    search_fields = ["project__title"]
    readonly_fields = ["project", "user", "at", "action", "changes", "comment"]

    def has_add_permission(self, request):
        return False
