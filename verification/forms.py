"""Forms of exit verification's pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DATE, NUMBER, FilesField, VersionField
from identification.models import Finding
from registry.selectors import current_income_year

from .models import Assessment

YES_NO = [("", "---------"), ("1", _("达标")), ("0", _("未达标"))]


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2014, max_value=2100, widget=NUMBER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = current_income_year()


class ItemForm(forms.Form):
    """What the check found for one item: met or not (a rate: its figure), a note, evidence."""

    version = VersionField()
    passed = forms.TypedChoiceField(
        label=_("核查结论"),
        choices=YES_NO,
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )
    number = forms.DecimalField(
        label=_("数值（%）"), required=False, max_digits=7, decimal_places=2, widget=NUMBER
    )
    value = forms.CharField(label=_("实际情况"), required=False, max_length=300)
    note = forms.CharField(
        label=_("核查说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = FilesField(label=_("佐证材料"))

    def __init__(self, *args, item, assessment, **kwargs):
        super().__init__(*args, prefix=f"item{item.pk}", **kwargs)
        self.item = item
        self.fields["version"].initial = assessment.version
        if item.computed:
            for name in ("passed", "number", "value"):
                del self.fields[name]
        elif item.threshold is not None:
            del self.fields["passed"], self.fields["value"]
            self.fields["number"].initial = item.number
        else:
            del self.fields["number"]
            self.fields["passed"].initial = {True: "1", False: "0"}.get(item.passed, "")
            self.fields["value"].initial = item.value
        self.fields["note"].initial = item.note


class SignForm(forms.Form):
    version = VersionField()
    affirmed = forms.BooleanField(label="", required=False)
    reason = forms.CharField(
        label=_("拒签原因"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("拒签时填写，验收将退回重新核查。"),
    )

    def __init__(self, *args, assessment, statement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = assessment.version
        self.fields["affirmed"].label = statement


class RevokeForm(forms.Form):
    version = VersionField()
    finding = forms.ModelChoiceField(
        label=_("据以撤销的问题"),
        queryset=Finding.objects.none(),
        required=False,
        help_text=_("核查发现的问题或信访举报（信访举报均登记为问题）。"),
    )
    reason = forms.CharField(
        label=_("撤销原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明发现虚假退出的问题或信访举报，如“信访举报第 3 号核实属实”。"),
    )

    def __init__(self, *args, assessment, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = assessment.version
        self.fields["finding"].queryset = findings
        self.fields["finding"].label_from_instance = lambda f: (
            f"{f.get_kind_display()}：{f.message[:60]}"
        )


class ExitNoticeForm(forms.Form):
    assessments = forms.ModelMultipleChoiceField(
        label=_("公示的户"),
        queryset=Assessment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(label=_("公示开始日期"), widget=DATE, initial=timezone.localdate)
    where_to_object = forms.CharField(
        label=_("异议受理单位和电话"),
        max_length=200,
        help_text=_("印在公示上，如“华藏寺镇人民政府 0935-1234567”。"),
    )

    def __init__(self, *args, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessments"].queryset = assessments
        self.fields["assessments"].label_from_instance = lambda a: (
            f"{a.household.head_name}（{a.household.number}）"
        )
