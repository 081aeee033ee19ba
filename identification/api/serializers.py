"""What the API shows of the 12345 procedure, notices, objections and complaints, and what it
takes to move them: applications with their record, notices with their lines (never an ID or
bank number). The rules are the services'; these only read and type the request."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import VERSION_HELP
from core.choices import Action
from core.models import Area
from registry.choices import MonitoringCategory
from registry.models import Household

from .. import selectors
from ..choices import (
    ApplicationKind,
    ComplaintConcern,
    Condition,
    NoticeLevel,
    ObjectionChannel,
    Outcome,
    Step,
)
from ..models import Application, Attachment, Complaint, Notice, NoticeItem, Objection, StepRecord
from ..services import procedure

# What a user decides at a step (the other outcomes are recorded by the procedure itself).
DECISIONS = [
    (o, Outcome(o).label)
    for o in (Outcome.PASSED, Outcome.SENT_BACK, Outcome.REJECTED, Outcome.WITHDRAWN)
]


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size"]


class StepRecordSerializer(serializers.ModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = StepRecord
        fields = [
            "step",
            "outcome",
            "to_step",
            "actor_name",
            "post",
            "at",
            "note",
            "data",
            "notice",
            "attachments",
        ]


class ApplicationSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    head_name = serializers.CharField(source="household.head_name", read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "kind",
            "household",
            "household_number",
            "head_name",
            "village",
            "year",
            "step",
            "reason",
            "applied_on",
            "monitoring_category",
            "per_capita_income",
            "rank",
            "beyond_quota",
            "rejection_reason",
            "complaint",
            "closed_at",
            "version",
        ]
        read_only_fields = fields


class ApplicationActionsSerializer(serializers.Serializer):
    """What the reader may do with the application now (POST .../step/)."""

    outcomes = serializers.ListField(
        child=serializers.ChoiceField(choices=Outcome.choices),
        help_text=_("当前环节您可以作出的决定；为空表示当前环节不由您办理，或由公示期满推进。"),
    )
    send_back_to = serializers.ListField(
        child=serializers.ChoiceField(choices=Step.choices), help_text=_("可以退回到的环节。")
    )
    withdraw = serializers.BooleanField(help_text=_("能否代农户撤回申请。"))


class ApplicationDetailSerializer(ApplicationSerializer):
    records = StepRecordSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "records", "actions"]
        read_only_fields = fields

    @extend_schema_field(ApplicationActionsSerializer)
    def get_actions(self, application) -> dict:
        return selectors.application_actions(_user(self), application)


class ApplicationOpenSerializer(serializers.Serializer):
    """农户申请, through the household's village."""

    household = serializers.PrimaryKeyRelatedField(
        queryset=Household.objects.none(),
        label=_("户"),
        error_messages={"does_not_exist": _("户不存在，或不在您负责的地区内。")},
    )
    kind = serializers.ChoiceField(label=_("申请类型"), choices=ApplicationKind.choices)
    year = serializers.IntegerField(label=_("年度"))
    reason = serializers.CharField(label=_("申请理由"), max_length=500)
    applied_on = serializers.DateField(label=_("申请日期"), required=False)
    monitoring_category = serializers.ChoiceField(
        label=_("监测类型"),
        choices=MonitoringCategory.choices,
        required=False,
        allow_blank=True,
        help_text=_("仅“纳入监测”的申请填写。"),
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text=_("签字的申请书（multipart）。")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.restrict(_user(self), Action.VIEW)


def _checklist_fields() -> dict:
    return {
        code: serializers.ChoiceField(
            choices=Condition.choices,
            required=False,
            help_text=_("二看：%(item)s") % {"item": label},
        )
        for code, label in procedure.CONDITIONS.items()
    }


StepDataSerializer = type(
    "StepDataSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "What a step records besides its decision, by step: 二看 its checklist and "
        "remarks; 小组初评 and 村两委审议 the meeting; 村民代表大会决议 attendance and votes.",
        **_checklist_fields(),
        "remarks": serializers.DictField(
            child=serializers.CharField(max_length=200, allow_blank=True),
            required=False,
            help_text=_("二看：各项的情况说明，键为检查项。"),
        ),
        "held_on": serializers.DateField(
            required=False, help_text=_("评议、审议、决议的会议日期。")
        ),
        "present": serializers.IntegerField(
            min_value=0, required=False, help_text=_("参会人数；代表大会为实到代表人数。")
        ),
        "representatives": serializers.IntegerField(
            min_value=1, required=False, help_text=_("代表大会：应到代表人数。")
        ),
        "in_favour": serializers.IntegerField(min_value=0, required=False),
        "against": serializers.IntegerField(min_value=0, required=False),
        "abstained": serializers.IntegerField(min_value=0, required=False),
        "read_out": serializers.BooleanField(
            required=False, help_text=_("代表大会：已在会上通报部门数据比对结果。")
        ),
    },
)


class StepSerializer(serializers.Serializer):
    """The current step's decision: passed, sent back to an earlier step, rejected with a
    reason the household is told, or withdrawn; with the step's own record and forms."""

    version = serializers.IntegerField(help_text=VERSION_HELP)
    outcome = serializers.ChoiceField(choices=DECISIONS)
    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("退回、不予通过和撤回时必须填写；不予通过的理由将告知农户。"),
    )
    send_back_to = serializers.ChoiceField(
        choices=Step.choices, required=False, allow_blank=True, default=""
    )
    data = StepDataSerializer(required=False, default=dict)
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=_("照片或签字表格的扫描件（JPEG、PNG、PDF），multipart 上传。"),
    )


class RankingQuerySerializer(serializers.Serializer):
    village = serializers.CharField(max_length=12, help_text=_("行政村代码。"))
    year = serializers.IntegerField(
        required=False, min_value=2014, max_value=2100, help_text=_("年度，默认当前收入年度。")
    )


class RankingConfirmSerializer(RankingQuerySerializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RankingRowSerializer(serializers.Serializer):
    place = serializers.IntegerField()
    beyond_quota = serializers.BooleanField()
    application = ApplicationSerializer()


class RankingSerializer(serializers.Serializer):
    village = serializers.CharField()
    year = serializers.IntegerField()
    rule = serializers.CharField(help_text=_("排序规则，含并列时的先后。"))
    quota_left = serializers.IntegerField(
        allow_null=True, help_text=_("本村本年度剩余指标；无指标为 null。")
    )
    may_confirm = serializers.BooleanField()
    waiting = RankingRowSerializer(many=True, help_text=_("等待排名的申请，按将得到的名次排列。"))
    ranked = ApplicationSerializer(many=True, help_text=_("本年度已排名的申请。"))


class NoticeItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeItem
        fields = [
            "id",
            "position",
            "group",
            "head_name",
            "size",
            "reason",
            "withdrawn",
            "object_id",
        ]


class NoticeSerializer(serializers.ModelSerializer):
    items = NoticeItemSerializer(many=True, read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "purpose",
            "level",
            "area",
            "year",
            "title",
            "starts_on",
            "ends_on",
            "days",
            "working_days",
            "where_to_object",
            "state",
            "items",
        ]
        read_only_fields = fields


class NoticePublishSerializer(serializers.Serializer):
    """A village or township 公示 of the applications waiting for it, or the county's 公告,
    which makes the households what their applications asked."""

    level = serializers.ChoiceField(choices=NoticeLevel.choices)
    area = serializers.CharField(max_length=12, help_text=_("公示地区代码：村、乡镇或县。"))
    year = serializers.IntegerField(min_value=2014, max_value=2100)
    applications = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=1000,
        help_text=_("公示对象（申请编号）。"),
    )
    starts_on = serializers.DateField(required=False, help_text=_("默认今天。"))
    where_to_object = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class ObjectionSerializer(serializers.ModelSerializer):
    head_name = serializers.CharField(source="item.head_name", read_only=True)
    case = serializers.IntegerField(
        source="item.object_id",
        read_only=True,
        help_text=_("异议涉及的对象：识别公示为申请编号，脱贫退出公示为验收编号。"),
    )

    class Meta:
        model = Objection
        fields = [
            "id",
            "notice",
            "item",
            "head_name",
            "case",
            "objector_name",
            "objector_contact",
            "channel",
            "received_on",
            "content",
            "state",
            "decision",
            "send_back_to",
            "decided_at",
            "version",
        ]
        read_only_fields = fields


class ObjectionRecordSerializer(serializers.Serializer):
    """异议, under the objector's real name, about one line of a running notice."""

    item = serializers.PrimaryKeyRelatedField(
        queryset=NoticeItem.objects.none(),
        help_text=_("公示条目编号（公示的 items[].id）。"),
        error_messages={"does_not_exist": _("公示中没有这一条目，或不在您负责的地区内。")},
    )
    objector_name = serializers.CharField(max_length=50)
    objector_contact = serializers.CharField(max_length=60)
    channel = serializers.ChoiceField(choices=ObjectionChannel.choices)
    received_on = serializers.DateField()
    content = serializers.CharField(max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = NoticeItem.objects.filter(
            notice__in=selectors.notices_for(_user(self))
        ).select_related("notice")


class ObjectionDecisionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=VERSION_HELP)
    upheld = serializers.BooleanField(help_text=_("异议成立则退回重核。"))
    decision = serializers.CharField(max_length=2000, help_text=_("核查情况。"))
    send_back_to = serializers.ChoiceField(
        choices=Step.choices, required=False, allow_blank=True, default=""
    )


class ComplaintActionsSerializer(serializers.Serializer):
    """What the reader may do with the complaint now."""

    assign = serializers.BooleanField()
    check = serializers.BooleanField()
    answer = serializers.BooleanField()
    application = serializers.ChoiceField(
        choices=ApplicationKind.choices,
        allow_null=True,
        help_text=_("可据此提出的申请类型；不能提出为 null。"),
    )


class ComplaintSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    head_name = serializers.CharField(source="household.head_name", read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    applications = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "channel",
            "received_on",
            "concern",
            "area",
            "household",
            "household_number",
            "head_name",
            "complainant_name",
            "complainant_contact",
            "content",
            "state",
            "assignee",
            "deadline",
            "overdue",
            "upheld",
            "answer",
            "answered_at",
            "finding",
            "applications",
            "version",
        ]
        read_only_fields = fields


class ComplaintDetailSerializer(ComplaintSerializer):
    """One complaint, with what the reader may do with it now."""

    actions = serializers.SerializerMethodField()

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "actions"]
        read_only_fields = fields

    @extend_schema_field(ComplaintActionsSerializer)
    def get_actions(self, complaint) -> dict:
        return selectors.complaint_actions(_user(self), complaint)


class ComplaintRecordSerializer(serializers.Serializer):
    """A complaint about a household (its village is the complaint's area) or an area."""

    channel = serializers.ChoiceField(choices=ObjectionChannel.choices)
    received_on = serializers.DateField()
    concern = serializers.ChoiceField(choices=ComplaintConcern.choices)
    household = serializers.PrimaryKeyRelatedField(
        queryset=Household.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("户不存在，或不在您负责的地区内。")},
    )
    area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("反映一个地区的填地区代码；反映某户的填 household。"),
        error_messages={"does_not_exist": _("没有这个地区代码。")},
    )
    complainant_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    complainant_contact = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    content = serializers.CharField(max_length=4000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.restrict(_user(self), Action.VIEW)


class ComplaintAssignSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=VERSION_HELP)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.none(),
        help_text=_("承办人的用户编号：能查看该地区的人员。"),
        error_messages={"does_not_exist": _("承办人须是能查看该地区的用户。")},
    )
    deadline = serializers.DateField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        complaint = self.context.get("complaint")
        if complaint is not None:
            self.fields["assignee"].queryset = selectors.people_over(complaint.area_id)


class ComplaintAnswerSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=VERSION_HELP)
    upheld = serializers.BooleanField(help_text=_("反映是否属实。"))
    answer = serializers.CharField(max_length=4000)
