"""Django admin for what core keeps, and the base every app's admin derives from: a staff user
sees only the areas of their posts (another area's object is a 404), reads personal data as
the presenter allows, and saves through the services (validation, optimistic locking,
history)."""

from django import forms
from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy

from . import locking, scope
from .choices import Action
from .errors import ConflictError
from .history import tracked_model, tracked_models
from .models import AccessLog, Area, ChangeRecord, ImportJob, ImportRun, Post, Role, RoleAction
from .posts import post_check_level, post_revoke, post_user_prepare, role_group
from .presenter import MASKERS, Presenter, mask_data


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
            try:
                locking.check(self.instance, cleaned.get("opened_version"))
            except ConflictError:
                raise forms.ValidationError(
                    gettext("该记录已被他人修改，请重新打开页面查看最新内容后再修改。"),
                    code="conflict",
                ) from None
        return cleaned


class ScopedAdmin(admin.ModelAdmin):
    """Rows come through the user's scope (view); changing one needs the edit action over its
    area; a reader who does not keep the area gets a masked copy (core.presenter)."""

    def area_code(self, obj) -> str:
        return obj.household.village_id

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, Action.VIEW)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(gettext("记录不存在，或不在您负责的地区内。"))
        return Presenter(request.user).row(obj, self.area_code(obj))

    def lookup_allowed(self, lookup, value, request=None):
        # A URL filter such as ?id_number__startswith=6206231984 would reveal masked digits.
        if lookup.split("__")[0] in MASKERS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def _may_edit(self, request, obj) -> bool:
        return obj is None or scope.allows(request.user, Action.EDIT, self.area_code(obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # nothing leaves the registry silently
        return actions

    def changed(self, form) -> dict:
        return {
            name: form.cleaned_data[name] for name in form.changed_data if name != "opened_version"
        }


class ReadOnlyMixin:
    """Rows that change only through their services (or never): read in the admin, not added,
    changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuperuserEditsMixin:
    """Shared structure (areas): every post may read its part, superusers change it."""

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


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


class RoleActionInline(admin.TabularInline):
    model = RoleAction
    extra = 1


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """The role → action table: what each role's holders may do inside their posts' areas.
    Readable by every post, changed by system administrators."""

    list_display = ["name", "code", "level", "granted"]
    inlines = [RoleActionInline]

    @admin.display(description=gettext_lazy("权限"))
    def granted(self, obj):
        return "、".join(str(action.get_action_display()) for action in obj.actions.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("actions")

    def save_related(self, request, form, formsets, change):
        """The holders' admin permissions follow the role's actions at once."""
        super().save_related(request, form, formsets, change)
        role_group(form.instance)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class TrackedModelFilter(admin.SimpleListFilter):
    """The kinds of record by their names (家庭成员), not their labels (registry.member)."""

    title = gettext_lazy("对象类型")
    parameter_name = "model"

    def lookups(self, request, model_admin):
        return [(label, model._meta.verbose_name) for label, model in tracked_models().items()]

    def queryset(self, request, queryset):
        return queryset.filter(model=self.value()) if self.value() else queryset


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ScopedAdmin):
    list_display = [
        "at",
        "subject",
        "object_repr",
        "household_id",
        "action",
        "actor_name",
        "source",
        "version",
    ]
    list_filter = [TrackedModelFilter, "action"]
    search_fields = ["=household_id", "^actor_name"]
    show_full_result_count = False

    def area_code(self, obj) -> str:
        return obj.area_code

    @admin.display(description=gettext_lazy("对象类型"), ordering="model")
    def subject(self, obj) -> str:
        model = tracked_model(obj.model)
        return str(model._meta.verbose_name) if model else obj.model

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if not Presenter(request.user).in_full(obj.area_code):
            obj.changes = mask_data(obj.changes)  # obj is already a copy, never saved
        return obj

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PostForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") and cleaned.get("area"):
            # The role must fit the area's level, as the grant command checks.
            post_check_level(role=cleaned["role"], area=cleaned["area"])
        return cleaned


@admin.register(Post)
class PostAdmin(ScopedAdmin):
    """Superusers manage every post; whoever holds the manage action over an area manages the
    posts inside it."""

    form = PostForm

    list_display = ["user", "role", "area", "phone", "created_at"]
    list_select_related = ["user", "area", "role"]
    list_filter = ["role"]
    search_fields = ["^user__username", "^area__code", "area__name"]
    autocomplete_fields = ["area"]
    raw_id_fields = ["user"]

    def area_code(self, obj) -> str:
        return obj.area_id

    def _manages(self, request, obj=None) -> bool:
        reach = scope.reach(request.user, Action.MANAGE)
        return bool(reach) and (obj is None or reach.covers(obj.area_id))

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
            kwargs["queryset"] = Area.objects.restrict(request.user, Action.MANAGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        post_user_prepare(obj)

    def delete_model(self, request, obj):
        post_revoke(obj)


class OwnRunsMixin:
    """Read-only; superusers see every import, others their own."""

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        return rows if request.user.is_superuser else rows.filter(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(OwnRunsMixin, admin.ModelAdmin):
    """Who imported which file, and what came of it."""

    list_display = ["created_at", "kind", "file_name", "user", "dry_run", "applied"]
    list_filter = ["kind", "applied", "dry_run"]
    readonly_fields = [
        "created_at",
        "kind",
        "file_name",
        "file_hash",
        "user",
        "dry_run",
        "applied",
        "result",
    ]


@admin.register(ImportJob)
class ImportJobAdmin(OwnRunsMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "original_name", "user", "status", "progress"]
    list_filter = ["kind", "status"]
    readonly_fields = ["created_at", "kind", "original_name", "user", "status", "progress"]
    exclude = ["file", "report", "options"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Who viewed, searched or exported personal data: read by system administrators."""

    list_display = ["at", "username", "kind", "what", "count", "address"]
    list_filter = ["kind", "at"]
    search_fields = ["^username"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
