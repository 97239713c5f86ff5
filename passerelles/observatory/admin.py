"""The snapshots in the admin: to read, never to change (models.Snapshot refuses it anyway)."""

from django.contrib import admin

from passerelles.observatory.models import Snapshot


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["year", "frozen_at", "frozen_by_name"]
    fields = ["year", "frozen_at", "frozen_by", "frozen_by_name", "tables"]
    readonly_fields = fields

    def has_add_permission(self, request):
        # A year is frozen from the observatory's screen, which computes its tables.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
