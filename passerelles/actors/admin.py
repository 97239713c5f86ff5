from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from passerelles.actors import actions
from passerelles.actors.history import M2M_FIELDS
from passerelles.actors.models import (
    ChangeRecord,
    NotDuplicate,
    Organisation,
    Proposal,
)
from passerelles.core.history import ChangeSource, Origin
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
    # Derived by the actions (Organisation.derive), never typed.
    readonly_fields = [
        "slug",
        "side",
        "department",
        "imported_at",
        "created_at",
        "updated_at",
        "created_by",
    ]
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
        """Through the actions, like every other write: derived fields, history (source
        "admin"), moderation and re-indexing."""
        origin = Origin(request.user, ChangeSource.ADMIN, str(_("Administration")))
        writable = set(actions.DATA_FIELDS) | set(M2M_FIELDS)
        names = form.changed_data if change else list(form.cleaned_data)
        data = {name: form.cleaned_data[name] for name in names if name in writable}
        status = form.cleaned_data.get("status")
        if change:
            saved = actions.update_organisation(
                Organisation.objects.get(pk=obj.pk), data, origin=origin
            )
            if "status" in form.changed_data:
                saved = actions.set_status(saved, status, origin=origin)
        else:
            saved = actions.create_organisation(data, origin=origin, status=status)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # The many-to-many fields were written by the action; the inlines (memberships) are
        # saved as usual.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


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
