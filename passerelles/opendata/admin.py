from django.contrib import admin

from passerelles.opendata.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Read-only: runs are made and applied from the import page, which keeps the report."""

    list_display = ["file_name", "kind", "status", "created_by", "created_at", "applied_at"]
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "sha256"]
    exclude = ["content", "rows"]
    readonly_fields = [
        "kind",
        "file_name",
        "size",
        "sha256",
        "status",
        "counts",
        "error",
        "created_by",
        "created_at",
        "applied_by",
        "applied_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
