from django.contrib import admin

from passerelles.bridges.models import CommonIssue, FundingCall, PinnedPair, Zone
from passerelles.core.richtext import TextFieldsAdmin


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    filter_horizontal = ["countries"]


@admin.register(FundingCall)
class FundingCallAdmin(TextFieldsAdmin, admin.ModelAdmin):
    list_display = ["title", "funder_name", "opens_on", "closes_on", "is_published"]
    list_filter = ["is_published", "closes_on"]
    search_fields = ["title", "funder_name"]
    autocomplete_fields = ["funder"]
    filter_horizontal = ["themes", "countries", "zones"]
    date_hierarchy = "closes_on"


class PinnedPairInline(admin.TabularInline):
    model = PinnedPair
    raw_id_fields = ["here", "there"]
    extra = 0


@admin.register(CommonIssue)
class CommonIssueAdmin(TextFieldsAdmin, admin.ModelAdmin):
    list_display = ["title", "position", "is_published"]
    search_fields = ["title"]
    filter_horizontal = ["themes", "sdg_targets"]
    inlines = [PinnedPairInline]
