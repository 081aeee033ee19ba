"""FilterSets shared by the pages and the API (one per model)."""

import re

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core import idnumbers, ratelimit, scope
from core.access import log_access
from core.choices import Action, AreaLevel
from core.models import AccessLog, Area
from core.presenter import mask

from . import selectors
from .choices import HouseholdStatus, MonitoringCategory, Relation
from .models import Household, HouseholdAttribute, Income, Member, PovertyCause

# Six digits or more: a household number's prefix (numbers run to 19 digits), or an ID number.
_NUMBER_LIKE = re.compile(r"^\d{6,}X?$")


def area_code_or_none(value: str) -> str | None:
    """Accept 2/4/6/9/12 significant digits or a full 12-digit code (as a 12-digit code);
    anything else matches nothing."""
    code = idnumbers.normalize(value)
    if not code.isdigit() or len(code) not in set(scope.LEVEL_DIGITS.values()):
        return None
    return code.ljust(12, "0")


class AreaPrefixFilter(django_filters.CharFilter):
    """Rows inside an area the user chose (core.scope.within; the user's own scope is applied
    before any filter)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("地区代码"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        code = area_code_or_none(value)
        if code is None:
            return qs.none()
        return scope.within(qs, code)


def whole_id_number(text: str) -> str | None:
    """A search text that is a whole ID number (15 or 18 characters), as stored; else None.

    Only whole numbers are searched: a prefix search would let a reader who sees masked numbers
    find the hidden digits one by one."""
    if re.fullmatch(r"\d{15}", text):
        return idnumbers.upgrade_15(text)
    return text if re.fullmatch(r"\d{17}[\dX]", text) else None


def log_id_search(request, value: str, result) -> None:
    """A search by a whole ID number is recorded in the access log, the number masked; a
    reader who keeps no area (who sees numbers masked) has settings.ID_SEARCHES_PER_HOUR,
    or a masked number could be confirmed by trying its few candidates one by one."""
    number = whole_id_number(idnumbers.normalize(value))
    if request is not None and number:
        user = request.user
        limit = settings.ID_SEARCHES_PER_HOUR
        if not scope.reach(user, Action.EDIT) and not ratelimit.allow(
            f"id-search:{user.pk}", limit=limit, seconds=3600
        ):
            raise PermissionDenied(
                _("按证件号码查询过于频繁：每小时最多 %(n)d 次，请稍后再试。") % {"n": limit}
            )
        log_access(
            request,
            AccessLog.Kind.SEARCH,
            _("证件号码 %(number)s") % {"number": mask(number)},
            result.count(),
        )


def search_households(qs, value: str):
    """Name or number search: a live member's name prefix; or, for six digits or more, a
    household number prefix, and a live member's whole ID number when the digits are one (a
    15-digit number upgraded). The head is a live member too, so one member subquery covers
    户主 and family."""
    text = idnumbers.normalize(value)
    if not text:
        return qs
    if _NUMBER_LIKE.match(text):
        match = Q(number__startswith=text)
        number = whole_id_number(text)
        if number:
            by_id = Member.objects.live().filter(id_number=number).values("household_id")
            match |= Q(pk__in=by_id)
        return qs.filter(match)
    by_name = Member.objects.live().filter(name__startswith=text).values("household_id")
    return qs.filter(pk__in=by_name)


class HouseholdFilterSet(django_filters.FilterSet):
    area = AreaPrefixFilter()
    village = django_filters.CharFilter(field_name="village_id", label=_("行政村代码"))
    group = django_filters.CharFilter(label=_("村民小组"))
    status = django_filters.MultipleChoiceFilter(
        choices=HouseholdStatus.choices, label=_("状态"), widget=forms.CheckboxSelectMultiple
    )
    attribute = django_filters.ModelChoiceFilter(
        queryset=HouseholdAttribute.objects.all(), label=_("贫困户属性")
    )
    cause = django_filters.ChoiceFilter(
        choices=lambda: list(PovertyCause.objects.values_list("code", "name")),
        method="filter_cause",
        label=_("致贫原因（主要或其他）"),
    )
    main_cause = django_filters.ModelChoiceFilter(
        queryset=PovertyCause.objects.all(), label=_("主要致贫原因")
    )
    monitoring_category = django_filters.MultipleChoiceFilter(
        choices=MonitoringCategory.choices, label=_("监测类型"), widget=forms.CheckboxSelectMultiple
    )
    planned_exit_year = django_filters.NumberFilter(label=_("计划脱贫年度"))
    first_identified_year = django_filters.NumberFilter(label=_("识别年度"))
    exit_year = django_filters.NumberFilter(label=_("脱贫年度"))
    q = django_filters.CharFilter(method="filter_q", label=_("姓名或证件号码"))
    missing = django_filters.ChoiceFilter(
        choices=[
            ("phone", _("缺联系电话")),
            ("bank", _("缺银行账号")),
            ("income", _("缺本年度收入")),
        ],
        method="filter_missing",
        label=_("缺少信息"),
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("id", "id"),
            ("number", "number"),
            ("head_name", "head_name"),
            ("size", "size"),
            ("planned_exit_year", "planned_exit_year"),
            ("updated_at", "updated_at"),
        ),
        label=_("排序"),
    )

    class Meta:
        model = Household
        fields = []

    PAGE_ONLY_HIDDEN = ("village", "ordering", "q")

    def for_pages(self, user):
        """On the pages the area is picked from the user's own townships and villages by name;
        the API takes the code."""
        areas = Area.objects.restrict(user, Action.VIEW).filter(level__in=["township", "village"])
        choices = [("", _("全部"))] + [
            (area.code, ("　" if area.level == "village" else "") + area.name)
            for area in areas.order_by("code")
        ]
        self.form.fields["area"].widget = forms.Select(choices=choices)
        self.form.fields["area"].label = _("地区")
        return self

    def filter_cause(self, qs, name, value: str):
        """Main or other cause of poverty."""
        if not value:
            return qs
        other = Household.other_causes.through.objects.filter(
            household_id=OuterRef("pk"), povertycause_id=value
        )
        return qs.filter(Q(main_cause_id=value) | Exists(other))

    def filter_q(self, qs, name, value):
        result = search_households(qs, value)
        log_id_search(self.request, value, result)
        return result

    def filter_missing(self, qs, name, value):
        year = selectors.current_income_year()
        return selectors.kept_households(qs).filter(selectors.missing_data_q(value, year))


class MemberFilterSet(django_filters.FilterSet):
    area = AreaPrefixFilter()
    household = django_filters.NumberFilter(field_name="household_id", label=_("户"))
    live = django_filters.BooleanFilter(field_name="left_on", lookup_expr="isnull", label=_("在册"))
    relation = django_filters.ChoiceFilter(choices=Relation.choices, label=_("与户主关系"))
    dibao = django_filters.BooleanFilter(label=_("享受低保"))
    tekun = django_filters.BooleanFilter(label=_("特困供养"))
    q = django_filters.CharFilter(method="filter_q", label=_("姓名或证件号码"))

    class Meta:
        model = Member
        fields = []

    def filter_q(self, qs, name, value):
        text = idnumbers.normalize(value)
        number = whole_id_number(text)
        if number:
            result = qs.filter(id_number=number)
            log_id_search(self.request, value, result)
            return result
        return qs.filter(name__startswith=text)


class IncomeFilterSet(django_filters.FilterSet):
    area = AreaPrefixFilter()
    household = django_filters.NumberFilter(field_name="household_id", label=_("户"))
    year = django_filters.NumberFilter(label=_("年度"))

    class Meta:
        model = Income
        fields = []


class AreaFilterSet(django_filters.FilterSet):
    within = AreaPrefixFilter(label=_("所属地区代码"))
    level = django_filters.ChoiceFilter(choices=AreaLevel.choices, label=_("级别"))
    parent = django_filters.CharFilter(field_name="parent_id", label=_("上级区划代码"))

    class Meta:
        model = Area
        fields = []


def filtered_households(params, queryset, request=None):
    """The households through the shared FilterSet, in a stable order (ties by id). A filter
    that does not validate matches nothing: "exactly what is filtered", never more. `request`
    (a page's or the API's) logs an ID-number search; an export job has none to log."""
    filterset = HouseholdFilterSet(params, queryset=queryset, request=request)
    if not filterset.is_valid():
        return filterset, queryset.none()
    households = filterset.qs
    return filterset, households.order_by(*households.query.order_by, "id")
