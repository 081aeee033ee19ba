"""Forms of identification's pages."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import AreaLevel
from core.forms import DATE, NUMBER, FilesField, VersionField
from core.models import Area
from registry.choices import MonitoringCategory
from registry.selectors import current_income_year

from .choices import (
    ApplicationKind,
    ComplaintConcern,
    Condition,
    ObjectionChannel,
    Outcome,
    Step,
)
from .models import Application, NoticeItem, RosterType
from .selectors import people_over, responsible_choices, roster_areas
from .services import procedure
from .services.procedure import FROM_STATUS


class RosterOptionsForm(forms.Form):
    """What a roster upload asks besides the file (RosterImport.options_form)."""

    roster_type = forms.ModelChoiceField(
        label=_("名单类型"), queryset=RosterType.objects.filter(active=True), empty_label=None
    )
    area = forms.ModelChoiceField(
        label=_("覆盖地区"),
        queryset=Area.objects.filter(level__in=[AreaLevel.COUNTY, AreaLevel.TOWNSHIP]),
        help_text=_("名单覆盖的县或乡镇；比对时“已不在名单上”只查这个地区的户。"),
    )
    as_of = forms.DateField(
        label=_("名单日期"), initial=timezone.localdate, help_text=_("部门出具名单的日期。")
    )
    heads_only = forms.BooleanField(
        label=_("只列户主"),
        required=False,
        help_text=_("名单每户只列户主（保障人口为人数）；不勾选则每人一行。"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            # Only where the uploader may import: a village cadre imports no county's roster.
            self.fields["area"].queryset = roster_areas(user)

    def clean(self):
        cleaned = super().clean()
        # The pipeline takes plain values: the job keeps its options as JSON.
        if cleaned.get("roster_type"):
            cleaned["roster_type"] = cleaned["roster_type"].pk
        if cleaned.get("area"):
            cleaned["area"] = cleaned["area"].pk
        if cleaned.get("as_of"):
            cleaned["as_of"] = cleaned["as_of"].isoformat()
        return cleaned


class FindingAssignForm(forms.Form):
    """整改期限 and 责任人 of a finding, set by the office over its area."""

    version = VersionField()
    deadline = forms.DateField(
        label=_("整改期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    responsible = forms.ModelChoiceField(
        label=_("责任人"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args, finding, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = responsible_choices(finding)
        self.fields["version"].initial = finding.version
        self.fields["deadline"].initial = finding.deadline
        self.fields["responsible"].initial = finding.responsible_id


# --- the 12345 procedure ----------------------------------------------------------------------


class ApplicationOpenForm(forms.Form):
    """农户申请: what the household asks, why, and its signed application."""

    kind = forms.ChoiceField(label=_("申请类型"), choices=ApplicationKind.choices)
    year = forms.IntegerField(label=_("年度"), widget=NUMBER)
    applied_on = forms.DateField(label=_("申请日期"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(
        label=_("申请理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如致贫原因、返贫原因或清退的依据。"),
    )
    monitoring_category = forms.ChoiceField(
        label=_("监测类型"),
        required=False,
        choices=[("", "---------")]
        + [c for c in MonitoringCategory.choices if c[0] != MonitoringCategory.NONE],
        help_text=_("仅“纳入监测”的申请填写。"),
    )
    files = FilesField(label=_("签字的申请书"))

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [k for k, statuses in FROM_STATUS.items() if household.status in statuses]
        self.fields["kind"].choices = [c for c in ApplicationKind.choices if c[0] in allowed]
        self.fields["year"].initial = current_income_year()


DECISION_FIELDS = ["outcome", "send_back_to", "note", "files"]


class StepForm(forms.Form):
    """A step's decision: 通过, 退回 to an earlier step, 不予通过 (with the reason the
    household is told), or 撤回; a note and forms. Subclasses add the step's own record."""

    version = VersionField()
    outcome = forms.ChoiceField(label=_("决定"), widget=forms.RadioSelect)
    send_back_to = forms.ChoiceField(label=_("退回到"), required=False)
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回和不予通过时必须填写；不予通过的理由将告知农户。"),
    )
    files = FilesField(label=_("附件"))

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        rule = procedure.rule_of(application.step)
        outcomes = list(rule.outcomes)
        self.fields["outcome"].choices = [(o, Outcome(o).label) for o in outcomes]
        self.fields["outcome"].initial = Outcome.PASSED
        earlier = procedure.earlier_steps(application)
        if Outcome.SENT_BACK in rule.outcomes and earlier:
            self.fields["send_back_to"].choices = [("", "---------")] + [
                (step, Step(step).label) for step in earlier
            ]
        else:
            del self.fields["send_back_to"]
        self.fields["version"].initial = application.version
        # The step's own record first (the meeting, the votes), then the decision on it.
        decision = [name for name in DECISION_FIELDS if name in self.fields]
        self.order_fields([n for n in self.fields if n not in decision] + decision)

    def step_data(self) -> dict:
        return {}

    def checklist_fields(self):
        return []

    @property
    def checklist_names(self) -> set[str]:
        return {field.name for pair in self.checklist_fields() for field in pair}


class ConditionsForm(StepForm):
    """二看: each item of the checklist, met or not, with a remark."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        photos = self.fields["files"]
        photos.label = _("入户查看的照片")
        photos.help_text = _("通过时至少一张（JPEG、PNG），每个不超过 10 MB，可多选。")
        photos.widget.attrs["accept"] = "image/jpeg,image/png"
        for code, label in procedure.CONDITIONS.items():
            self.fields[code] = forms.ChoiceField(
                label=label, choices=[("", "---------"), *Condition.choices], required=False
            )
            self.fields[f"remark_{code}"] = forms.CharField(
                label=_("%(item)s：情况说明") % {"item": label}, required=False, max_length=200
            )

    def step_data(self) -> dict:
        data = {code: self.cleaned_data.get(code, "") for code in procedure.CONDITIONS}
        data["remarks"] = {
            code: self.cleaned_data[f"remark_{code}"]
            for code in procedure.CONDITIONS
            if self.cleaned_data.get(f"remark_{code}")
        }
        return data

    def checklist_fields(self):
        return [(self[code], self[f"remark_{code}"]) for code in procedure.CONDITIONS]


class MeetingForm(StepForm):
    """小组初评, 村两委审议: when the meeting was held and how many attended."""

    held_on = forms.DateField(label=_("会议日期"), widget=DATE, required=False)
    present = forms.IntegerField(label=_("参会人数"), min_value=0, required=False, widget=NUMBER)

    def step_data(self) -> dict:
        return {
            "held_on": self.cleaned_data.get("held_on"),
            "present": self.cleaned_data.get("present"),
        }


class VoteForm(StepForm):
    """村民代表大会决议: attendance and votes; the outcome follows from them."""

    held_on = forms.DateField(label=_("会议日期"), widget=DATE, required=False)
    representatives = forms.IntegerField(
        label=_("应到代表人数"), min_value=1, required=False, widget=NUMBER
    )
    present = forms.IntegerField(
        label=_("实到代表人数"), min_value=0, required=False, widget=NUMBER
    )
    in_favour = forms.IntegerField(label=_("赞成"), min_value=0, required=False, widget=NUMBER)
    against = forms.IntegerField(label=_("反对"), min_value=0, required=False, widget=NUMBER)
    abstained = forms.IntegerField(label=_("弃权"), min_value=0, required=False, widget=NUMBER)
    read_out = forms.BooleanField(label=_("已在会上通报部门数据比对结果"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(Outcome.PASSED, _("按表决结果作出决议"))]

    def step_data(self) -> dict:
        names = ["held_on", "representatives", "present", "in_favour", "against", "abstained"]
        data = {name: self.cleaned_data.get(name) for name in names}
        data["read_out"] = bool(self.cleaned_data.get("read_out"))
        return data


STEP_FORMS = {
    Step.CONDITIONS_CHECK: ConditionsForm,
    Step.GROUP_REVIEW: MeetingForm,
    Step.COMMITTEE_REVIEW: MeetingForm,
    Step.ASSEMBLY_VOTE: VoteForm,
}


def step_form(application, *args, **kwargs) -> StepForm:
    form_class = STEP_FORMS.get(application.step, StepForm)
    return form_class(*args, application=application, **kwargs)


class WithdrawForm(forms.Form):
    """撤回: the household withdraws its application, through its village, at any step."""

    version = VersionField()
    note = forms.CharField(
        label=_("撤回原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = application.version


class NoticeForm(forms.Form):
    """A new notice: the area, the cases it lists, when it starts, where to object."""

    area = forms.ModelChoiceField(label=_("公示地区"), queryset=Area.objects.none())
    year = forms.IntegerField(label=_("年度"), widget=NUMBER)
    applications = forms.ModelMultipleChoiceField(
        label=_("公示对象"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(label=_("公示开始日期"), widget=DATE, initial=timezone.localdate)
    where_to_object = forms.CharField(
        label=_("异议受理单位和电话"),
        max_length=200,
        required=False,
        help_text=_("印在公示上，如“华藏寺镇人民政府 0935-1234567”。"),
    )

    def __init__(self, *args, areas, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["applications"].queryset = applications
        self.fields["applications"].label_from_instance = lambda a: (
            f"{a.household.head_name}（{a.household.number}）{a.get_kind_display()}"
        )
        self.fields["year"].initial = current_income_year()


class ObjectionForm(forms.Form):
    item = forms.ModelChoiceField(label=_("涉及对象"), queryset=NoticeItem.objects.none())
    objector_name = forms.CharField(
        label=_("异议人姓名"), max_length=50, help_text=_("异议须实名。")
    )
    objector_contact = forms.CharField(label=_("联系方式"), max_length=60)
    channel = forms.ChoiceField(label=_("受理方式"), choices=ObjectionChannel.choices)
    received_on = forms.DateField(label=_("受理日期"), widget=DATE, initial=timezone.localdate)
    content = forms.CharField(
        label=_("异议内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = notice.items.filter(withdrawn=False)
        self.fields["item"].label_from_instance = lambda item: f"{item.position}. {item.head_name}"


class ObjectionDecisionForm(forms.Form):
    version = VersionField()
    upheld = forms.TypedChoiceField(
        label=_("核查结论"),
        choices=[("0", _("异议不成立")), ("1", _("异议成立，退回重核"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    send_back_to = forms.ChoiceField(label=_("退回到"), required=False)
    decision = forms.CharField(
        label=_("核查情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, objection, send_back_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = objection.version
        if send_back_choices:
            self.fields["send_back_to"].choices = [("", "---------"), *send_back_choices]
        else:  # the case goes back to be checked again as a whole
            del self.fields["send_back_to"]


# --- complaints -------------------------------------------------------------------------------


class ComplaintForm(forms.Form):
    channel = forms.ChoiceField(label=_("受理方式"), choices=ObjectionChannel.choices)
    received_on = forms.DateField(label=_("受理日期"), widget=DATE, initial=timezone.localdate)
    concern = forms.ChoiceField(label=_("反映类别"), choices=ComplaintConcern.choices)
    household_number = forms.CharField(
        label=_("涉及农户的户编号"),
        required=False,
        max_length=32,
        help_text=_("反映某户的填写；反映一个地区的，留空并选择地区。"),
    )
    area = forms.ModelChoiceField(label=_("涉及地区"), queryset=Area.objects.none(), required=False)
    complainant_name = forms.CharField(
        label=_("反映人"), required=False, max_length=50, help_text=_("匿名举报可不填。")
    )
    complainant_contact = forms.CharField(label=_("联系方式"), required=False, max_length=60)
    content = forms.CharField(
        label=_("反映内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, areas, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.households = households

    def clean(self):
        cleaned = super().clean()
        number = (cleaned.get("household_number") or "").strip()
        cleaned["household"] = None
        if number:
            cleaned["household"] = self.households.filter(number=number).first()
            if cleaned["household"] is None:
                self.add_error("household_number", _("您负责的地区内没有这个户编号。"))
        elif not cleaned.get("area"):
            self.add_error("area", _("请填写涉及农户的户编号，或选择涉及的地区。"))
        return cleaned


class ComplaintAssignForm(forms.Form):
    version = VersionField()
    assignee = forms.ModelChoiceField(label=_("承办人"), queryset=get_user_model().objects.none())
    deadline = forms.DateField(label=_("办理期限"), widget=DATE)

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = complaint.version
        self.fields["assignee"].queryset = people_over(complaint.area_id)
        self.fields["assignee"].initial = complaint.assignee_id
        self.fields["deadline"].initial = complaint.deadline or (
            timezone.localdate() + dt.timedelta(days=settings.FINDING_DEADLINE_DAYS)
        )


class ComplaintAnswerForm(forms.Form):
    version = VersionField()
    upheld = forms.TypedChoiceField(
        label=_("核查结论"),
        choices=[("1", _("反映属实")), ("0", _("反映不属实"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("答复意见"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = complaint.version
