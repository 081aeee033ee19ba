"""Django admin for the registry, scoped like everything else (core.admin.ScopedAdmin): every
save goes through the services. A household's status is shown, never edited here."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedAdmin, VersionedForm
from core.choices import Action, AreaLevel
from core.models import Area

from . import services
from .choices import HouseholdStatus, MonitoringCategory
from .models import (
    HOUSEHOLD_STATUS_FIELDS,
    Household,
    HouseholdAttribute,
    Income,
    Member,
    PovertyCause,
    PovertyLine,
)


class ReferenceAdmin(admin.ModelAdmin):
    """Global reference lists: readable by every post, edited by system administrators."""

    list_display = ["code", "name", "sort_order", "active"]
    list_editable = ["sort_order", "active"]


admin.site.register(PovertyCause, ReferenceAdmin)
admin.site.register(HouseholdAttribute, ReferenceAdmin)


@admin.register(PovertyLine)
class PovertyLineAdmin(admin.ModelAdmin):
    list_display = ["year", "amount", "basis", "monitoring_threshold", "note"]

    def has_delete_permission(self, request, obj=None):
        """A year's incomes are judged against its line: the line stays while they exist."""
        if obj is not None and Income.objects.filter(year=obj.year).exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # would bypass the check above
        return actions


class MemberInline(admin.TabularInline):
    model = Member
    # No birth date or year in lists: with the masked ID number it would give the number back.
    fields = ["name", "relation", "sex", "ethnicity", "left_on", "leave_reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class IncomeInline(admin.TabularInline):
    model = Income
    fields = ["year", "household_size", "net_income", "per_capita_net_income"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("纯收入"))
    def net_income(self, obj):
        return obj.net_income

    @admin.display(description=_("人均纯收入"))
    def per_capita_net_income(self, obj):
        return obj.per_capita_net_income


def _monitoring_action(category: MonitoringCategory):
    @admin.action(description=_("批量设为：%s") % category.label, permissions=["change"])
    def set_category(modeladmin, request, queryset):
        count = services.households_bulk_update(
            actor=request.user,
            households=queryset.restrict(request.user, Action.EDIT),
            data={"monitoring_category": category.value},
        )
        modeladmin.message_user(
            request, gettext("已修改 %(count)d 户。") % {"count": count}, messages.SUCCESS
        )

    set_category.__name__ = f"set_monitoring_{category.value}"
    return set_category


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    form = VersionedForm
    list_display = [
        "number",
        "head_name",
        "village",
        "group",
        "size",
        "status",
        "monitoring_category",
    ]
    list_filter = ["status", "monitoring_category", "attribute", "standard"]
    search_fields = ["^number", "^head_name"]
    list_select_related = ["village"]
    readonly_fields = [
        "head_name",
        "size",
        *HOUSEHOLD_STATUS_FIELDS,
        "version",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["village"]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    inlines = [MemberInline, IncomeInline]
    actions = [_monitoring_action(category) for category in MonitoringCategory]
    show_full_result_count = False

    def area_code(self, obj) -> str:
        return obj.village_id

    def has_add_permission(self, request):
        # A household is registered with its members in one step: on the pages, the API or import.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "village":
            kwargs["queryset"] = Area.objects.restrict(request.user, Action.EDIT).filter(
                level=AreaLevel.VILLAGE
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # Only an application entered by mistake is ever deleted (see services.household_delete).
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == HouseholdStatus.APPLICANT)

    def get_deleted_objects(self, objs, request):
        """An applicant is deleted with its members and incomes by the service, which checks the
        rules and keeps the history; the admin's own check would call them protected, or ask for
        permissions to delete members, which nobody has."""
        deleted, counts, _perms, _protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), []

    def save_model(self, request, obj, form, change):
        services.household_update(
            actor=request.user,
            household=obj,
            version=form.cleaned_data["opened_version"],
            data=self.changed(form),
        )

    def save_related(self, request, form, formsets, change):
        """The service saved the causes; the inlines are read-only and save nothing (the
        admin's change message still asks each formset what it saved)."""
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        services.household_delete(actor=request.user, household=obj)

    def history_view(self, request, object_id, extra_context=None):
        """The household's own change records (members and incomes too), not the admin log."""
        household = self.get_object(request, object_id)
        url = reverse("admin:core_changerecord_changelist")
        return redirect(f"{url}?household_id={household.pk}")


@admin.register(Member)
class MemberAdmin(ScopedAdmin):
    form = VersionedForm
    list_display = ["name", "relation", "sex", "household", "left_on"]
    list_filter = ["relation", "sex", "dibao", "tekun", "labour_skill"]
    search_fields = ["^name", "=id_number"]  # a whole ID number only: a prefix would unmask it
    list_select_related = ["household"]
    readonly_fields = [
        "household",
        "relation",
        "joined_on",
        "join_reason",
        "left_on",
        "leave_reason",
        "leave_note",
        "version",
    ]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.member_update(
            actor=request.user,
            member=obj,
            version=form.cleaned_data["opened_version"],
            data=self.changed(form),
        )


@admin.register(Income)
class IncomeAdmin(ScopedAdmin):
    form = VersionedForm
    list_display = ["household", "year", "household_size", "net_income", "per_capita_net_income"]
    list_filter = ["year"]
    search_fields = ["^household__number", "^household__head_name"]
    list_select_related = ["household"]
    readonly_fields = ["version"]
    autocomplete_fields = ["household"]

    @admin.display(description=_("纯收入"))
    def net_income(self, obj):
        return obj.net_income

    @admin.display(description=_("人均纯收入"))
    def per_capita_net_income(self, obj):
        return obj.per_capita_net_income

    def get_readonly_fields(self, request, obj=None):
        return ["household", "year", "version"] if obj else ["version"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "household":
            kwargs["queryset"] = Household.objects.restrict(request.user, Action.EDIT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = self.changed(form)
        if change:
            services.income_update(
                actor=request.user,
                income=obj,
                version=form.cleaned_data["opened_version"],
                data=data,
            )
        else:
            household, year = data.pop("household"), data.pop("year")
            saved = services.income_record(
                actor=request.user, household=household, year=year, data=data
            )
            obj.pk = saved.pk
