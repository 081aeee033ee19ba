import functools
import itertools
from operator import itemgetter

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.base import ScopedSerializerMixin
from core.api.lean import LeanRows
from core.choices import Action, AreaLevel
from core.models import Area, ChangeRecord

from .. import selectors
from ..choices import MemberLeaveReason, Relation
from ..models import (
    HOUSEHOLD_EDITABLE_FIELDS,
    HOUSEHOLD_STATUS_FIELDS,
    INCOME_AMOUNT_FIELDS,
    MEMBER_EDITABLE_FIELDS,
    Household,
    Income,
    Member,
    PovertyCause,
    PovertyLine,
    health_labels,
)
from ..services._common import status_refused


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["code", "name", "level", "parent", "rural_population"]


class PovertyLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = PovertyLine
        fields = ["id", "year", "amount", "basis", "monitoring_threshold", "note"]


class MemberSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    """A member as a household shows it; ID numbers are masked for read-only roles."""

    id = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("修改户时用编号指明在册成员；新加入的成员不填。"),
    )
    version = serializers.IntegerField(required=False, help_text=_("修改时必须提供当前版本号。"))
    health = serializers.ListField(source="health_labels", read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            *MEMBER_EDITABLE_FIELDS,
            "health",
            "joined_on",
            "join_reason",
            "left_on",
            "leave_reason",
            "leave_note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["left_on", "leave_reason", "leave_note", "created_at", "updated_at"]
        validators = []  # the services check one-person-one-record and one head, with messages

    def to_representation(self, instance):
        return self.present(super().to_representation(instance), instance.household.village_id)


class MemberSummarySerializer(MemberSerializer):
    """The members of a household in a list: who they are; the rest is one request away."""

    class Meta(MemberSerializer.Meta):
        fields = [
            "id",
            "name",
            "id_number",
            "sex",
            "birth_date",
            "relation",
            "ethnicity",
            "health",
            "labour_skill",
            "dibao",
            "tekun",
            "version",
        ]


class MemberDetailSerializer(MemberSerializer):
    id = serializers.IntegerField(read_only=True)
    household = serializers.PrimaryKeyRelatedField(
        queryset=Household.objects.none(), label=_("户"), help_text=_("户的编号（id）。")
    )

    class Meta(MemberSerializer.Meta):
        fields = ["household", *MemberSerializer.Meta.fields]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["household"].queryset = Household.objects.restrict(request.user, Action.VIEW)
        return fields


class MemberLeaveSerializer(serializers.Serializer):
    version = serializers.IntegerField(label=_("版本号"), help_text=_("成员的当前版本号。"))
    reason = serializers.ChoiceField(choices=MemberLeaveReason.choices, label=_("减员原因"))
    left_on = serializers.DateField(required=False, label=_("减员日期"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("说明"))


class HouseholdSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    """A household with its live members. On create, the members come in the same request."""

    village = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.none(), label=_("行政村"), help_text=_("行政村的 12 位区划代码。")
    )
    village_name = serializers.CharField(source="village.name", read_only=True)
    other_causes = serializers.PrimaryKeyRelatedField(
        queryset=PovertyCause.objects.filter(active=True), many=True, required=False
    )
    members = MemberSerializer(
        many=True,
        source="live_members",
        required=False,
        help_text=_("在册成员；新增户时一并提交。"),
    )
    version = serializers.IntegerField(required=False, help_text=_("修改时必须提供当前版本号。"))

    class Meta:
        model = Household
        fields = [
            "id",
            "village_name",
            "head_name",
            "size",
            *HOUSEHOLD_EDITABLE_FIELDS,
            *HOUSEHOLD_STATUS_FIELDS,
            "members",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "head_name",
            "size",
            *HOUSEHOLD_STATUS_FIELDS,
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"number": {"validators": []}}
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["village"].queryset = Area.objects.restrict(request.user, Action.VIEW).filter(
                level=AreaLevel.VILLAGE
            )
        return fields

    def validate(self, attrs):
        """Status fields are read-only: one sent with a new value is refused, saying why (a
        PUT may repeat them unchanged)."""
        initial = self.initial_data if isinstance(self.initial_data, dict) else {}
        baseline = self.instance or Household()  # a new household is an applicant
        sent = {
            name: value
            for name, value in initial.items()
            if name in HOUSEHOLD_STATUS_FIELDS and value != getattr(baseline, name)
        }
        if sent:
            raise serializers.ValidationError(status_refused(sent))
        return super().validate(attrs)

    def to_representation(self, instance):
        return self.present(super().to_representation(instance), instance.village_id)


class HouseholdListSerializer(HouseholdSerializer):
    """Households in a list carry their members in summary: half the work and the bytes."""

    members = MemberSummarySerializer(many=True, source="live_members", read_only=True)


# --- lean lists (core.api.lean): the same output, from values rows ------------------------------

HEALTH = ("chronic_illness", "serious_illness", "disabled")
# Lean member rows carry their health labels under this key, from health_table(): one lookup a
# member instead of a translation call.
HEALTH_LABELS = "_health"


def health_table() -> dict[tuple, list[str]]:
    """(chronic, serious, disabled) -> the health labels, in the current language."""
    return {
        flags: health_labels(*flags)
        for flags in itertools.product((False, True), repeat=len(HEALTH))
    }


def _with_health(rows: list[dict], labels: dict) -> list[dict]:
    for row in rows:
        row[HEALTH_LABELS] = labels[tuple(bool(row[name]) for name in HEALTH)]
    return rows


@functools.cache
def _household_list_rows() -> tuple[LeanRows, LeanRows]:
    """Built once per process: a serializer's fields cost more than a page of rows."""
    members = LeanRows(
        MemberSummarySerializer(), given={"health": itemgetter(HEALTH_LABELS)}, also=HEALTH
    )
    households = LeanRows(
        HouseholdListSerializer(),
        given={"members": itemgetter("_members"), "other_causes": itemgetter("_causes")},
    )
    return households, members


def household_list_keys() -> list[str]:
    return _household_list_rows()[0].keys


def household_list_data(rows: list[dict], *, presenter) -> list[dict]:
    """What HouseholdListSerializer(many=True) gives for a page of households read as
    values(*household_list_keys()), masked alike, in three queries less per page."""
    households, members = _household_list_rows()
    ids = [row["id"] for row in rows]
    member_rows = selectors.live_members_of(ids, members.keys)
    causes = selectors.other_causes_of(ids)
    labels = health_table()
    data = []
    for row in rows:
        village = row["village_id"]
        row["_members"] = [
            presenter.data(members.build(member), village)
            for member in _with_health(member_rows[row["id"]], labels)
        ]
        row["_causes"] = causes[row["id"]]
        data.append(presenter.data(households.build(row), village))
    return data


@functools.cache
def _member_list_rows() -> LeanRows:
    return LeanRows(
        MemberDetailSerializer(),
        given={"health": itemgetter(HEALTH_LABELS)},
        also=(*HEALTH, "household__village_id"),
    )


def member_list_keys() -> list[str]:
    return _member_list_rows().keys


def member_list_data(rows: list[dict], *, presenter) -> list[dict]:
    """What MemberDetailSerializer(many=True) gives for a page of members read as
    values(*member_list_keys()), masked alike."""
    members = _member_list_rows()
    return [
        presenter.data(members.build(row), row["household__village_id"])
        for row in _with_health(rows, health_table())
    ]


class ChangeHeadSerializer(serializers.Serializer):
    version = serializers.IntegerField(label=_("版本号"), help_text=_("户的当前版本号。"))
    new_head = serializers.PrimaryKeyRelatedField(queryset=Member.objects.none(), label=_("新户主"))
    previous_head_relation = serializers.ChoiceField(
        choices=[c for c in Relation.choices if c[0] != Relation.HEAD],
        label=_("原户主与新户主的关系"),
    )

    def get_fields(self):
        fields = super().get_fields()
        household = self.context.get("household")
        if household is not None:
            fields["new_head"].queryset = household.members.live()
        return fields


class IncomeSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.none(), label=_("户"))
    household_size = serializers.IntegerField(
        required=False, min_value=1, max_value=99, help_text=_("默认取该户在册人数。")
    )
    net_income = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    per_capita_net_income = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, label=_("人均纯收入")
    )
    poverty_line = serializers.SerializerMethodField(label=_("当年扶贫标准"))
    below_line = serializers.SerializerMethodField(label=_("低于扶贫标准"))
    version = serializers.IntegerField(required=False, help_text=_("修改时必须提供当前版本号。"))

    class Meta:
        model = Income
        fields = [
            "id",
            "household",
            "year",
            *INCOME_AMOUNT_FIELDS,
            "household_size",
            "net_income",
            "per_capita_net_income",
            "poverty_line",
            "below_line",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["household"].queryset = Household.objects.restrict(request.user, Action.VIEW)
        return fields

    def _line(self, income):
        lines = self.context.get("poverty_lines")
        if lines is None:
            lines = self.context["poverty_lines"] = selectors.poverty_lines()
        return lines.get(income.year)

    def get_poverty_line(self, income) -> str | None:
        line = self._line(income)
        return None if line is None else str(line.amount)

    def get_below_line(self, income) -> bool | None:
        return selectors.below_line(income.net_income, income.household_size, self._line(income))


class ChangeRecordSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = ChangeRecord
        fields = [
            "id",
            "model",
            "object_id",
            "object_repr",
            "action",
            "changes",
            "version",
            "actor_name",
            "source",
            "batch",
            "at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["changes"] = self.present(dict(data["changes"]), instance.area_code)
        return data
