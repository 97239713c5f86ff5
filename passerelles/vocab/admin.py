from django.contrib import admin

from passerelles.vocab.models import DacCategory, DacSector, SdgGoal, SdgTarget, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    """Themes belong to staff: names, synonyms used by search, order and activation."""

    list_display = ["name_fr", "name_en", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name_fr", "name_en", "slug", "synonyms"]
    prepopulated_fields = {"slug": ["name_fr"]}


@admin.register(SdgGoal)
class SdgGoalAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_en"]
    search_fields = ["name_fr", "name_en"]


@admin.register(SdgTarget)
class SdgTargetAdmin(admin.ModelAdmin):
    list_display = ["code", "goal", "name_fr"]
    list_filter = ["goal"]
    search_fields = ["code", "name_fr", "name_en"]
    list_select_related = ["goal"]


@admin.register(DacCategory)
class DacCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_en"]
    search_fields = ["code", "name_fr", "name_en"]


@admin.register(DacSector)
class DacSectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "category", "is_active"]
    list_filter = ["is_active", "category"]
    search_fields = ["code", "name_fr", "name_en"]
    list_select_related = ["category"]
