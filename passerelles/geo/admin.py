"""Referentials are loaded from packaged data: the admin shows them, staff search them, and
only administrators may correct one by hand."""

from django.contrib import admin

from passerelles.geo.models import Commune, Country, Department, Region


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_en"]
    search_fields = ["code", "name_fr", "name_en"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]
    list_select_related = ["region"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["insee_code", "name", "department", "population"]
    list_filter = ["department__region", "department"]
    search_fields = ["insee_code", "name", "search_name"]
    list_select_related = ["department"]
    readonly_fields = ["search_name"]
