"""What the API shows of exit verification and what it takes to move an assessment. The rules
are the services'; these only read and type the request."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import VERSION_HELP, VersionSerializer
from core.choices import Action
from core.models import Area
from identification.models import Finding
from registry.models import Household

from .. import selectors
from ..choices import ExitLevel
from ..models import (
    Assessment,
    AssessmentItem,
    Evidence,
    ExitStandard,
    Signature,
    StandardItem,
)


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class StandardItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = StandardItem
        fields = ["position", "code", "label", "source", "threshold", "comparison"]


class ExitStandardSerializer(serializers.ModelSerializer):
    items = StandardItemSerializer(many=True, read_only=True)

    class Meta:
        model = ExitStandard
        fields = ["id", "code", "level", "area_prefix", "year_from", "name", "note", "items"]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "name", "content_type", "size", "digest"]


class AssessmentItemSerializer(serializers.ModelSerializer):
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = AssessmentItem
        fields = [
            "position",
            "code",
            "label",
            "source",
            "threshold",
            "comparison",
            "value",
            "number",
            "passed",
            "note",
            "evidence",
        ]


class SignatureSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="snapshot.round", read_only=True)

    class Meta:
        model = Signature
        fields = [
            "id",
            "round",
            "position",
            "role",
            "signer",
            "signer_name",
            "post",
            "decision",
            "statement",
            "reason",
            "signed_at",
            "previous",
            "digest",
        ]


class AssessmentActionsSerializer(serializers.Serializer):
    """What the reader may do with the assessment now."""

    enter = serializers.BooleanField()
    submit = serializers.BooleanField()
    sign = serializers.BooleanField()
    revoke = serializers.BooleanField()


class AssessmentSerializer(serializers.ModelSerializer):
    head_name = serializers.CharField(source="household.head_name", read_only=True, default=None)
    standard_name = serializers.CharField(source="standard.name", read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "level",
            "area",
            "household",
            "head_name",
            "year",
            "standard",
            "standard_name",
            "state",
            "returned_reason",
            "decided_at",
            "revoked_at",
            "revoke_reason",
            "revoke_finding",
            "version",
        ]
        read_only_fields = fields


class SnapshotSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    digest = serializers.CharField()
    taken_at = serializers.DateTimeField()
    data = serializers.JSONField()


class AssessmentDetailSerializer(AssessmentSerializer):
    items = AssessmentItemSerializer(many=True, read_only=True)
    signatures = SignatureSerializer(many=True, read_only=True)
    snapshot = serializers.SerializerMethodField()
    waiting_for = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(AssessmentSerializer.Meta):
        fields = [
            *AssessmentSerializer.Meta.fields,
            "items",
            "signatures",
            "snapshot",
            "waiting_for",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(SnapshotSerializer(allow_null=True))
    def get_snapshot(self, assessment) -> dict | None:
        snapshot = assessment.snapshots.order_by("-round").first()
        return SnapshotSerializer(snapshot).data if snapshot else None

    @extend_schema_field(serializers.CharField(allow_null=True, help_text=_("等待签字的角色")))
    def get_waiting_for(self, assessment) -> str | None:
        return assessment.next_role_id

    @extend_schema_field(AssessmentActionsSerializer)
    def get_actions(self, assessment) -> dict:
        return selectors.assessment_actions(_user(self), assessment)


class AssessmentStartSerializer(serializers.Serializer):
    """A registered household (`household`), or an area (`level` and `area`)."""

    year = serializers.IntegerField(min_value=2014, max_value=2100)
    household = serializers.PrimaryKeyRelatedField(
        queryset=Household.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("户不存在，或不在您负责的地区内。")},
    )
    level = serializers.ChoiceField(choices=ExitLevel.choices, required=False)
    area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("地区不存在，或不在您负责的地区内。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        self.fields["household"].queryset = Household.objects.restrict(user, Action.VIEW)
        self.fields["area"].queryset = Area.objects.restrict(user, Action.VIEW)

    def validate(self, data):
        if data.get("household") is None:
            if data.get("area") is None:
                raise serializers.ValidationError({"household": _("请指明要验收的户或地区。")})
            if data.get("level") in (None, ExitLevel.HOUSEHOLD):
                raise serializers.ValidationError({"level": _("地区的验收请选择村、乡镇或县。")})
        return data


class PlannedQuerySerializer(serializers.Serializer):
    village = serializers.CharField(max_length=12, help_text=_("行政村代码。"))
    year = serializers.IntegerField(min_value=2014, max_value=2100)


class BatchSerializer(serializers.Serializer):
    village = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.none(),
        error_messages={"does_not_exist": _("地区不存在，或不在您负责的地区内。")},
    )
    year = serializers.IntegerField(min_value=2014, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Area.objects.restrict(_user(self), Action.VIEW).filter(
            level="village"
        )


class SkippedSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    reason = serializers.CharField()


class BatchResultSerializer(serializers.Serializer):
    started = AssessmentSerializer(many=True)
    skipped = SkippedSerializer(many=True, help_text=_("未能开始验收的户及原因。"))


class ItemEnterSerializer(serializers.Serializer):
    """What the check found: `passed` (a yes/no item) or `number` (a rate, in percent), with a
    note and, for a passing item, its evidence (multipart `files`)."""

    version = serializers.IntegerField(help_text=VERSION_HELP)
    passed = serializers.BooleanField(required=False, allow_null=True, default=None)
    number = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, allow_null=True, default=None
    )
    value = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class SignSerializer(VersionSerializer):
    affirmed = serializers.BooleanField(help_text=_("签字人确认承诺：已逐项核实，对其真实性负责。"))


class ReasonSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=2000)


class RevokeSerializer(ReasonSerializer):
    finding = serializers.PrimaryKeyRelatedField(
        queryset=Finding.objects.none(),
        required=False,
        allow_null=True,
        help_text=_("据以撤销的问题（核查问题或信访举报登记的问题）。"),
        error_messages={"does_not_exist": _("问题不存在，或不在您负责的地区内。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = Finding.objects.restrict(_user(self), Action.VIEW)


class ExitNoticeSerializer(serializers.Serializer):
    village = serializers.CharField(max_length=12)
    year = serializers.IntegerField(min_value=2014, max_value=2100)
    assessments = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=1000
    )
    starts_on = serializers.DateField(required=False)
    where_to_object = serializers.CharField(max_length=200)


class PlannedItemSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class PlannedRowSerializer(serializers.Serializer):
    household = serializers.IntegerField(source="household.pk")
    number = serializers.CharField(source="household.number")
    head_name = serializers.CharField(source="household.head_name")
    status = serializers.CharField(source="household.status")
    failing = PlannedItemSerializer(many=True)
    assessment = serializers.IntegerField(source="assessment.pk", allow_null=True, default=None)


class PlannedSerializer(serializers.Serializer):
    village = serializers.CharField()
    year = serializers.IntegerField()
    planned = serializers.IntegerField()
    planned_exited = serializers.IntegerField()
    exited = serializers.IntegerField()
    households = PlannedRowSerializer(many=True)


class IncidenceQuerySerializer(serializers.Serializer):
    area = serializers.CharField(max_length=12, help_text=_("地区代码：县、乡镇或村。"))
    year = serializers.IntegerField(
        min_value=2014, max_value=2100, required=False, help_text=_("年度，默认当前收入年度。")
    )


class IncidenceRowSerializer(serializers.Serializer):
    area = serializers.CharField(source="incidence.area.code")
    name = serializers.CharField(source="incidence.area.name")
    poor = serializers.IntegerField(source="incidence.poor")
    population = serializers.IntegerField(source="incidence.population", allow_null=True)
    rate = serializers.DecimalField(
        source="incidence.rate", max_digits=7, decimal_places=2, allow_null=True
    )
    threshold = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    meets = serializers.BooleanField(allow_null=True)
    exited = serializers.BooleanField()


class IncidenceSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    area = IncidenceRowSerializer()
    below = IncidenceRowSerializer(many=True)


class BrokenSerializer(serializers.Serializer):
    assessment = serializers.IntegerField()
    signature = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()


class ChainReportSerializer(serializers.Serializer):
    assessments = serializers.IntegerField()
    signatures = serializers.IntegerField()
    broken = BrokenSerializer(many=True)
