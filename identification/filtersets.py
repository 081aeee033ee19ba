"""The findings list's filters (django-filter), for the page and its export."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import scope
from core.choices import AreaLevel
from core.models import Area

from . import selectors
from .choices import (
    FINDING_ACTIVE,
    ApplicationKind,
    ComplaintConcern,
    ComplaintState,
    FindingKind,
    FindingSource,
    FindingState,
    Step,
)
from .models import Application, Complaint, Finding

YES_NO = [("", _("不限")), ("true", _("是")), ("false", _("否"))]


class VillagesInScope(django_filters.FilterSet):
    """The village filter offers the villages the user may see: the page passes `user`, the
    API the request."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user = user or getattr(self.request, "user", None)
        if user is not None:
            self.filters["village"].queryset = scope.restrict(
                Area.objects.filter(level=AreaLevel.VILLAGE), user, "view"
            )


class FindingFilterSet(VillagesInScope):
    kind = django_filters.ChoiceFilter(label=_("问题类型"), choices=FindingKind.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=FindingState.choices)
    source = django_filters.ChoiceFilter(label=_("来源"), choices=FindingSource.choices)
    village = django_filters.ModelChoiceFilter(
        label=_("行政村"),
        queryset=Area.objects.filter(level=AreaLevel.VILLAGE),
        method="filter_village",
    )
    overdue = django_filters.BooleanFilter(
        label=_("已超期"), method="filter_overdue", widget=forms.Select(choices=YES_NO)
    )
    gone = django_filters.BooleanFilter(
        label=_("问题已消失"), method="filter_gone", widget=forms.Select(choices=YES_NO)
    )
    open = django_filters.BooleanFilter(
        label=_("未销号"), method="filter_open", widget=forms.Select(choices=YES_NO)
    )

    class Meta:
        model = Finding
        fields = ["kind", "state", "source", "village", "overdue", "gone", "open"]

    def filter_village(self, qs, name, value):
        return qs.filter(area_code=value.code)

    def filter_overdue(self, qs, name, value):
        overdue = Q(state__in=FINDING_ACTIVE, deadline__lt=timezone.localdate())
        return qs.filter(overdue) if value else qs.exclude(overdue)

    def filter_gone(self, qs, name, value):
        return qs.filter(cause_gone_at__isnull=not value)

    def filter_open(self, qs, name, value):
        active = Q(state__in=FINDING_ACTIVE)
        return qs.filter(active) if value else qs.exclude(active)


class ApplicationFilterSet(VillagesInScope):
    step = django_filters.ChoiceFilter(label=_("当前环节"), choices=Step.choices)
    kind = django_filters.ChoiceFilter(label=_("申请类型"), choices=ApplicationKind.choices)
    year = django_filters.NumberFilter(label=_("年度"))
    village = django_filters.ModelChoiceFilter(
        label=_("行政村"), queryset=Area.objects.filter(level=AreaLevel.VILLAGE)
    )
    open = django_filters.BooleanFilter(
        label=_("正在办理"), method="filter_open", widget=forms.Select(choices=YES_NO)
    )
    waiting = django_filters.BooleanFilter(
        label=_("等我办理"), method="filter_waiting", widget=forms.Select(choices=YES_NO)
    )

    class Meta:
        model = Application
        fields = ["step", "kind", "year", "village", "open", "waiting"]

    def filter_open(self, qs, name, value):
        return qs.open() if value else qs.exclude(pk__in=qs.open().values("pk"))

    def filter_waiting(self, qs, name, value):
        waiting = selectors.waiting_for(self.user, qs).values("pk")
        return qs.filter(pk__in=waiting) if value else qs.exclude(pk__in=waiting)


class ComplaintFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("办理状态"), choices=ComplaintState.choices)
    concern = django_filters.ChoiceFilter(label=_("反映类别"), choices=ComplaintConcern.choices)
    open = django_filters.BooleanFilter(
        label=_("未答复"), method="filter_open", widget=forms.Select(choices=YES_NO)
    )

    class Meta:
        model = Complaint
        fields = ["state", "concern", "open"]

    def filter_open(self, qs, name, value):
        return qs.open() if value else qs.exclude(pk__in=qs.open().values("pk"))
