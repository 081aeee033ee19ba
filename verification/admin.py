"""The admin: exit standards and the sign-off chain are data a county's administrator edits;
assessments, snapshots and signatures are read here only (they change through their services,
and the chain must not be touched)."""

from django.contrib import admin

from core.admin import ReadOnlyMixin, ScopedAdmin

from .models import Assessment, ExitStandard, SignOffRole, StandardItem


class StandardItemInline(admin.TabularInline):
    model = StandardItem
    extra = 0


@admin.register(ExitStandard)
class ExitStandardAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "area_prefix", "year_from", "code", "active"]
    list_filter = ["level", "active"]
    search_fields = ["name", "code", "^area_prefix"]
    inlines = [StandardItemInline]


@admin.register(SignOffRole)
class SignOffRoleAdmin(admin.ModelAdmin):
    list_display = ["level", "position", "role"]
    list_filter = ["level"]
    ordering = ["level", "position"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["__str__", "level", "year", "state", "created_at"]
    list_filter = ["state", "level", "year"]
    readonly_fields = [f.name for f in Assessment._meta.fields]

    def area_code(self, obj) -> str:
        return obj.area_id
