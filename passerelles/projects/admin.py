from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Status
from passerelles.core.history import ChangeSource, Origin
from passerelles.projects import actions
from passerelles.projects.models import (
    FundingLine,
    Participation,
    Project,
    ProjectChangeRecord,
    ProjectPlace,
)


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
    readonly_fields = [
        "source",
        "source_id",
        "imported_at",
        "created_at",
        "updated_at",
        "created_by",
    ]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "created_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
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
                    "iati_reporting_ref",
                    "iati_reporting_name",
                    "iati_reporting_type",
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
        # Written with its inlines in one action (save_related): one change record.
        pass

    def save_related(self, request, form, formsets, change):
        data = {
            name: form.cleaned_data[name]
            for name in (*actions.DATA_FIELDS, *actions.M2M_FIELDS, "status", "slug")
            if name in form.cleaned_data
        }
        for formset in formsets:
            rows = _inline_rows(formset)
            if rows is not None:
                data[rows[0]] = rows[1]
            # The admin's change message reads what formset.save() would have set.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        origin = Origin(request.user, ChangeSource.ADMIN, _("Administration"))
        project = form.instance
        if change:
            stored = Project.objects.get(pk=project.pk)
            actions.update_project(stored, data, origin=origin)
        else:
            stored = actions.create_project(
                data, origin=origin, status=data.pop("status", None) or Status.PUBLISHED
            )
        # The admin goes on with its own instance (its log entry, the redirect).
        for field in Project._meta.concrete_fields:
            setattr(project, field.attname, getattr(stored, field.attname))
        project._state.adding = False


_ROW_FIELDS = {
    Participation: ("participations", ("organisation", "role", "note")),
    ProjectPlace: (
        "places",
        ("side", "commune", "department", "country", "locality", "lat", "lon"),
    ),
    FundingLine: (
        "funding_lines",
        ("funder", "funder_name", "amount", "currency", "year", "instrument"),
    ),
}


def _inline_rows(formset):
    """(list name, rows) of an inline of the project's rows; None for the history."""
    if formset.model not in _ROW_FIELDS:
        return None
    name, fields = _ROW_FIELDS[formset.model]
    rows = [
        {field: f.cleaned_data.get(field) for field in fields}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]
    return name, rows


@admin.register(ProjectChangeRecord)
class ProjectChangeRecordAdmin(admin.ModelAdmin):
    list_display = ["project", "action", "user", "at"]
    list_filter = ["action"]
    search_fields = ["project__title"]
    readonly_fields = ["project", "user", "at", "action", "changes", "comment"]

    def has_add_permission(self, request):
        return False
