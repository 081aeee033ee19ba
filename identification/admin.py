"""The admin: roster types are data an administrator adds to; rosters and findings are read
here (rosters come by import, findings change through their lifecycle service)."""

from django.contrib import admin

from core.admin import ScopedAdmin

from .models import Finding, Roster, RosterType


@admin.register(RosterType)
class RosterTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department", "matching", "attribute", "heads_only", "active"]
    list_editable = ["active"]


@admin.register(Roster)
class RosterAdmin(ScopedAdmin):
    list_display = ["type", "area", "as_of", "heads_only", "entry_count", "imported_by"]
    list_filter = ["type"]
    readonly_fields = [f.name for f in Roster._meta.fields]

    def area_code(self, obj) -> str:
        return obj.area_id

    def has_add_permission(self, request):
        return False


@admin.register(Finding)
class FindingAdmin(ScopedAdmin):
    list_display = ["kind", "state", "name", "area_code", "deadline", "created_at"]
    list_filter = ["state", "kind", "source"]
    readonly_fields = [f.name for f in Finding._meta.fields]

    def area_code(self, obj) -> str:
        return obj.area_code

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
