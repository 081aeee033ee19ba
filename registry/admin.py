"""Django admin, scoped like everything else: a staff user sees only the areas of their posts,
another area's object is a 404, ID and bank numbers are masked for read-only roles, and every
save goes through the services (validation, optimistic locking, history)."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import idnumbers, services
from .choices import HouseholdStatus, MonitoringCategory, Role
from .models import (
    Area,
    ChangeRecord,
    Household,
    HouseholdAttribute,
    ImportRun,
    Income,
    Member,
    Post,
    PovertyCause,
    PovertyLine,
)
from .scope import EDITOR_ROLES, area_prefixes, can_edit, covers, prefix_q


class VersionedForm(forms.ModelForm):
    """Carries the version the user opened, so that a stale save is refused at the form."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            stored = (
                type(self.instance)
                .objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
            )
            if cleaned.get("opened_version") != stored.first():
                raise forms.ValidationError(
                    gettext("该记录已被他人修改，请重新打开页面查看最新内容后再修改。"),
                    code="conflict",
                )
        return cleaned


class ScopedAdmin(admin.ModelAdmin):
    """Rows come through visible_to(user); changing one needs an editing post over its area."""

    def area_code(self, obj) -> str:
        return obj.household.village_id

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(gettext("记录不存在，或不在您负责的地区内。"))
        if not can_edit(request.user, self.area_code(obj)):
            self.mask(obj)
        return obj

    def mask(self, obj) -> None:
        """Hide what a read-only role does not need in full. The instance is never saved."""

    def lookup_allowed(self, lookup, value, request=None):
        # A URL filter such as ?id_number__startswith=6206231984 would reveal masked digits.
        if lookup.split("__")[0] in idnumbers.MASKERS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit(request.user, self.area_code(obj)))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_edit(request.user, self.area_code(obj)))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # nothing leaves the registry silently
        return actions

    def changed(self, form) -> dict:
        return {
            name: form.cleaned_data[name] for name in form.changed_data if name != "opened_version"
        }


class SuperuserEditsMixin:
    """Shared structure (areas): every post may read its part, superusers change it."""

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class ReferenceAdmin(admin.ModelAdmin):
    """Global reference lists: readable by every post, edited by system administrators."""

    list_display = ["code", "name", "sort_order", "active"]
    list_editable = ["sort_order", "active"]


admin.site.register(PovertyCause, ReferenceAdmin)
admin.site.register(HouseholdAttribute, ReferenceAdmin)


@admin.register(PovertyLine)
class PovertyLineAdmin(admin.ModelAdmin):
    list_display = ["year", "amount", "basis", "monitoring_threshold", "note"]


@admin.register(Area)
class AreaAdmin(SuperuserEditsMixin, ScopedAdmin):
    list_display = ["code", "name", "level", "parent", "rural_population"]
    list_select_related = ["parent"]
    list_filter = ["level"]
    search_fields = ["^code", "name"]
    readonly_fields = ["level"]
    autocomplete_fields = ["parent"]

    def area_code(self, obj) -> str:
        return obj.code


class BirthYearMixin:
    """Read-only lists show the birth year: the full date is part of the masked ID number."""

    @admin.display(description=_("出生年份"))
    def birth_year(self, obj):
        return obj.birth_year


class MemberInline(BirthYearMixin, admin.TabularInline):
    model = Member
    fields = ["name", "relation", "sex", "birth_year", "ethnicity", "left_on", "leave_reason"]
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
            households=queryset.editable_by(request.user),
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
    readonly_fields = ["head_name", "size", "version", "created_at", "updated_at"]
    autocomplete_fields = ["village"]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    inlines = [MemberInline, IncomeInline]
    actions = [_monitoring_action(category) for category in MonitoringCategory]
    show_full_result_count = False

    def area_code(self, obj) -> str:
        return obj.village_id

    def mask(self, obj) -> None:
        idnumbers.mask_household(obj)

    def has_add_permission(self, request):
        # A household is registered with its members in one step: on the pages, the API or import.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "village":
            kwargs["queryset"] = Area.objects.filter(level="village").filter(
                prefix_q(area_prefixes(request.user, EDITOR_ROLES), "code")
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
        """The service saved the causes; the inlines are read-only."""

    def delete_model(self, request, obj):
        services.household_delete(actor=request.user, household=obj)

    def history_view(self, request, object_id, extra_context=None):
        """The household's own change records (members and incomes too), not the admin log."""
        household = self.get_object(request, object_id)
        url = reverse("admin:registry_changerecord_changelist")
        return redirect(f"{url}?household_id={household.pk}")


@admin.register(Member)
class MemberAdmin(BirthYearMixin, ScopedAdmin):
    form = VersionedForm
    list_display = ["name", "relation", "sex", "birth_year", "household", "left_on"]
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

    def mask(self, obj) -> None:
        idnumbers.mask_member(obj)

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
            kwargs["queryset"] = Household.objects.editable_by(request.user)
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


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ScopedAdmin):
    list_display = ["at", "model", "object_id", "household_id", "action", "actor_name", "version"]
    list_filter = ["model", "action"]
    search_fields = ["=household_id", "^actor_name"]
    show_full_result_count = False

    def area_code(self, obj) -> str:
        return obj.village_code

    def mask(self, obj) -> None:
        idnumbers.mask_fields(obj.changes)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PostForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") and cleaned.get("area"):
            # The role must fit the area's level, as the grant command checks.
            services.post_check_level(role=cleaned["role"], area=cleaned["area"])
        return cleaned


@admin.register(Post)
class PostAdmin(ScopedAdmin):
    """Superusers manage every post; an area's admin manages the posts inside its area."""

    form = PostForm

    list_display = ["user", "role", "area", "phone", "created_at"]
    list_select_related = ["user", "area"]
    list_filter = ["role"]
    search_fields = ["^user__username", "^area__code", "area__name"]
    autocomplete_fields = ["area"]
    raw_id_fields = ["user"]

    def area_code(self, obj) -> str:
        return obj.area_id

    def _manages(self, request, obj=None) -> bool:
        prefixes = area_prefixes(request.user, [Role.ADMIN])
        return prefixes is None or (
            bool(prefixes) and (obj is None or covers(prefixes, obj.area_id))
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._manages(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._manages(request, obj)

    def has_add_permission(self, request):
        return self._manages(request)

    def has_delete_permission(self, request, obj=None):
        return self._manages(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "area":
            kwargs["queryset"] = Area.objects.filter(
                prefix_q(area_prefixes(request.user, [Role.ADMIN]), "code")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.post_user_prepare(obj)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Who imported which file, and what came of it. Read-only; superusers see every run, others
    their own."""

    list_display = ["created_at", "file_name", "user", "dry_run", "applied"]
    list_filter = ["applied", "dry_run"]
    readonly_fields = [
        "created_at",
        "file_name",
        "file_hash",
        "user",
        "dry_run",
        "applied",
        "result",
    ]

    def get_queryset(self, request):
        runs = super().get_queryset(request)
        return runs if request.user.is_superuser else runs.filter(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
