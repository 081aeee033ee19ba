"""API views: thin. They look objects up through the user's scope and call services."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.access import log_access
from core.api.base import LeanListMixin, ScopedViewMixin
from core.models import AccessLog, Area

from .. import selectors, services
from ..filtersets import AreaFilterSet, HouseholdFilterSet, IncomeFilterSet, MemberFilterSet
from ..models import Income, Member, PovertyLine
from .serializers import (
    AreaSerializer,
    ChangeHeadSerializer,
    ChangeRecordSerializer,
    HouseholdListSerializer,
    HouseholdSerializer,
    IncomeSerializer,
    MemberDetailSerializer,
    MemberLeaveSerializer,
    PovertyLineSerializer,
    household_list_data,
    household_list_keys,
    member_list_data,
    member_list_keys,
)


def _keep_unchanged(data: dict, instance, *names: str) -> None:
    """A PUT repeats fields that may not change; drop them when unchanged, refuse otherwise."""
    for name in names:
        if name not in data:
            continue
        value = data.pop(name)
        current = getattr(instance, name)
        if getattr(value, "pk", value) != getattr(current, "pk", current):
            raise ValidationError({name: [_("该字段不能修改。")]})


@extend_schema(tags=["行政区划"])
class AreaViewSet(ScopedViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Area.objects.all()
    serializer_class = AreaSerializer
    filterset_class = AreaFilterSet


class IsSuperuserOrReadOnly(permissions.BasePermission):
    """Poverty lines are the same for everyone; only a system administrator changes them."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or request.user.is_superuser


@extend_schema(tags=["扶贫标准"])
class PovertyLineViewSet(viewsets.ModelViewSet):
    queryset = PovertyLine.objects.all()
    serializer_class = PovertyLineSerializer
    permission_classes = [permissions.IsAuthenticated, IsSuperuserOrReadOnly]
    filterset_fields = ["year", "basis"]


@extend_schema(tags=["贫困户"])
class HouseholdViewSet(LeanListMixin, ScopedViewMixin, viewsets.ModelViewSet):
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet
    conflict_serializers = [MemberDetailSerializer]  # a stale member in an edit: conflict_data
    lean_keys = staticmethod(household_list_keys)
    lean_data = staticmethod(household_list_data)

    def get_queryset(self):
        return selectors.households_for(self.request.user)

    def lean_queryset(self):
        return selectors.households_seen(self.request.user)

    def get_serializer_class(self):
        return HouseholdListSerializer if self.action == "list" else HouseholdSerializer

    def _fresh(self, household):
        return self.get_serializer(self.get_queryset().get(pk=household.pk)).data

    def create(self, request, *args, **kwargs):
        data, _version = self.read_input()
        household = services.household_register(
            actor=request.user,
            applying=True,
            village=data.pop("village"),
            members=[
                {k: v for k, v in m.items() if k not in ("id", "version")}
                for m in data.pop("live_members", [])
            ],
            **data,
        )
        return Response(self._fresh(household), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        """The household's fields and, under `members`, its members' changes in one edit (the
        same service as the edit page): a member on record is named by its id and version, a
        member without an id joins the household."""
        household = self.get_object()
        data, version = self.read_input(household, partial=kwargs.pop("partial", False))
        members = self._member_changes(household, data.pop("live_members", None))
        household = services.household_save_with_members(
            actor=request.user, household=household, version=version, data=data, members=members
        )
        return Response(self._fresh(household))

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        log_access(request, AccessLog.Kind.VIEW, f"/api/households/{kwargs['pk']}/")
        return response

    def conflict_data(self, current) -> dict:
        """A stale member in a household edit comes back as the member it is now."""
        if isinstance(current, Member):
            return MemberDetailSerializer(current, context=self.get_serializer_context()).data
        return self._fresh(current)

    def _member_changes(self, household, validated) -> list[dict]:
        if validated is None:
            return []
        stored = {m.pk: m for m in household.members.live()}
        changes, errors = [], {}
        for index, data in enumerate(validated):
            data = dict(data)
            version = data.pop("version", None)
            member_id = data.pop("id", None)
            if member_id is None:
                changes.append({"data": data})
                continue
            member = stored.get(member_id)
            if member is None:
                errors[f"members.{index}.id"] = [_("该成员不是本户的在册成员。")]
                continue
            try:
                _keep_unchanged(data, member, "joined_on", "join_reason")
            except ValidationError as error:
                errors.update({f"members.{index}.{k}": v for k, v in error.detail.items()})
                continue
            unchanged = {
                name for name, value in data.items() if getattr(member, name, object()) == value
            }
            changes.append(
                {
                    "id": member.pk,
                    "version": version,
                    "data": {k: v for k, v in data.items() if k not in unchanged},
                }
            )
        if errors:
            raise ValidationError(errors)
        return changes

    def destroy(self, request, *args, **kwargs):
        services.household_delete(actor=request.user, household=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ChangeHeadSerializer, responses=HouseholdSerializer)
    @action(detail=True, methods=["post"], url_path="change-head")
    def change_head(self, request, pk=None):
        household = self.get_object()
        serializer = ChangeHeadSerializer(data=request.data, context={"household": household})
        serializer.is_valid(raise_exception=True)
        services.household_change_head(
            actor=request.user, household=household, **serializer.validated_data
        )  # the serializer carries the household's version
        return Response(self._fresh(household))

    @extend_schema(responses=ChangeRecordSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        records = selectors.household_history(self.get_object())
        log_access(request, AccessLog.Kind.VIEW, f"/api/households/{pk}/history/")
        page = self.paginate_queryset(records)
        serializer = ChangeRecordSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)


@extend_schema(tags=["家庭成员"])
class MemberViewSet(
    LeanListMixin,
    ScopedViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Members are never deleted: a member who leaves is recorded with POST .../leave/."""

    queryset = Member.objects.select_related("household")
    serializer_class = MemberDetailSerializer
    filterset_class = MemberFilterSet
    lean_keys = staticmethod(member_list_keys)
    lean_data = staticmethod(member_list_data)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        log_access(request, AccessLog.Kind.VIEW, f"/api/members/{kwargs['pk']}/")
        return response

    def create(self, request, *args, **kwargs):
        data, _version = self.read_input()
        household = data.pop("household")
        member = services.member_add(actor=request.user, household=household, data=data)
        return Response(self.get_serializer(member).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        member = self.get_object()
        data, version = self.read_input(member, partial=kwargs.pop("partial", False))
        _keep_unchanged(data, member, "household", "joined_on", "join_reason")
        member = services.member_update(
            actor=request.user, member=member, version=version, data=data
        )
        return Response(self.get_serializer(member).data)

    @extend_schema(request=MemberLeaveSerializer, responses=MemberDetailSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        serializer = MemberLeaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.member_leave(
            actor=request.user, member=self.get_object(), **serializer.validated_data
        )
        return Response(self.get_serializer(member).data)


@extend_schema(tags=["年度收入"])
class IncomeViewSet(
    ScopedViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Income.objects.select_related("household")
    serializer_class = IncomeSerializer
    filterset_class = IncomeFilterSet

    def create(self, request, *args, **kwargs):
        data, _version = self.read_input()
        income = services.income_record(
            actor=request.user, household=data.pop("household"), year=data.pop("year"), data=data
        )
        return Response(self.get_serializer(income).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        income = self.get_object()
        data, version = self.read_input(income, partial=kwargs.pop("partial", False))
        _keep_unchanged(data, income, "household", "year")
        income = services.income_update(
            actor=request.user, income=income, version=version, data=data
        )
        return Response(self.get_serializer(income).data)
