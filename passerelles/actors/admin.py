from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from passerelles.actors.history import record_change, snapshot
from passerelles.actors.models import (
    ChangeAction,
    ChangeRecord,
    NotDuplicate,
    Organisation,
    Proposal,
)
from passerelles.users.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role"]


class ChangeRecordInline(admin.TabularInline):
    model = ChangeRecord
    extra = 0
    fields = ["at", "action", "user", "comment", "changes"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False
    max_num = 0
    ordering = ["-at"]
    classes = ["collapse"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "acronym",
        "family",
        "status",
        "side",
        "department",
        "country",
        "updated_at",
    ]
    list_filter = ["status", "family", "side", "is_ess", "is_si", "source", "department"]
    search_fields = ["name", "acronym", "siren", "siret", "rna", "slug"]
    list_select_related = ["department", "country"]
    autocomplete_fields = ["commune", "country", "countries_of_action", "themes", "sdgs"]
    readonly_fields = ["side", "department", "created_at", "updated_at", "created_by"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "created_at"
    inlines = [MembershipInline, ChangeRecordInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "family", "status", "is_ess", "is_si"]}),
        (_("Identifiants"), {"fields": ["legal_form", "siren", "siret", "rna", "iati_ref"]}),
        (
            _("Présentation"),
            {
                "fields": [
                    "mission",
                    "description",
                    "offers",
                    "needs",
                    "themes",
                    "sdgs",
                    "countries_of_action",
                    "languages",
                    "size",
                ]
            },
        ),
        (
            _("Lieu"),
            {
                "fields": [
                    "country",
                    "address",
                    "postcode",
                    "commune",
                    "locality",
                    "lat",
                    "lon",
                    "side",
                    "department",
                ]
            },
        ),
        (_("Contact"), {"fields": ["website", "email", "phone", "logo"]}),
        (
            _("Provenance"),
            {
                "fields": [
                    "source",
                    "source_id",
                    "imported_at",
                    "last_verified_at",
                    "created_at",
                    "updated_at",
                    "created_by",
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        # The history compares with the stored record, taken before the admin overwrites it.
        request._history_before = snapshot(Organisation.objects.get(pk=obj.pk)) if change else {}
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_change(
            form.instance,
            getattr(request, "_history_before", {}),
            user=request.user,
            action=ChangeAction.UPDATED if change else ChangeAction.CREATED,
            comment=str(_("Administration")),
        )


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "kind",
        "status",
        "created_at",
        "proposer",
        "proposer_email",
        "reviewed_by",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["organisation__name", "proposer__email", "proposer_email"]
    list_select_related = ["organisation", "proposer", "reviewed_by"]
    autocomplete_fields = ["organisation", "proposer", "reviewed_by", "merged_into"]
    date_hierarchy = "created_at"


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    """Append-only: readable, never edited."""

    list_display = ["organisation", "action", "user", "at"]
    list_filter = ["action"]
    search_fields = ["organisation__name", "user__email", "comment"]
    list_select_related = ["organisation", "user"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NotDuplicate)
class NotDuplicateAdmin(admin.ModelAdmin):
    list_display = ["first", "second", "decided_by", "decided_at"]
    search_fields = ["first__name", "second__name"]
    autocomplete_fields = ["first", "second", "decided_by"]
    list_select_related = ["first", "second", "decided_by"]
