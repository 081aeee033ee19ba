"""Forms of identification's pages."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import AreaLevel
from core.forms import VersionField
from core.models import Area

from .models import RosterType
from .selectors import responsible_choices, roster_areas


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
