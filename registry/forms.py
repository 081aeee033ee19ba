"""Forms of the registry pages. They check input shape and show errors at the field; the rules
themselves run in the models' clean() and in the services, which the forms call."""

import json
from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import Action, AreaLevel
from core.forms import OpenedValuesMixin, VersionField
from core.models import Area

from .choices import MemberLeaveReason, Relation
from .models import (
    HOUSEHOLD_EDITABLE_FIELDS,
    HOUSEHOLD_STATUS_FIELDS,
    INCOME_AMOUNT_FIELDS,
    MEMBER_EDITABLE_FIELDS,
    Household,
    Income,
    Member,
    PovertyCause,
)
from .services._common import status_refused
from .services.incomes import income_year_refused

MEMBER_FORM_FIELDS = [*MEMBER_EDITABLE_FIELDS, "join_reason"]
INCOME_FORM_FIELDS = ["year", *INCOME_AMOUNT_FIELDS, "household_size"]


MONEY_FIELDS = INCOME_AMOUNT_FIELDS


class HouseholdForm(OpenedValuesMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Household
        fields = HOUSEHOLD_EDITABLE_FIELDS
        widgets = {
            "other_causes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = Area.objects.restrict(user, Action.EDIT).filter(level=AreaLevel.VILLAGE)
        self.fields["village"].queryset = villages
        if not self.instance.pk:
            only = list(villages[:2])
            if len(only) == 1:  # a cadre of one village does not pick it from a list
                self.fields["village"].initial = only[0].pk
        self.fields["other_causes"].queryset = PovertyCause.objects.filter(active=True)
        self.fields["main_cause"].queryset = PovertyCause.objects.filter(active=True)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for name in ("number", "phone", "bank_account"):
            self.fields[name].widget.attrs["inputmode"] = "numeric" if name != "number" else "text"

    def clean(self):
        """Status is not on this form; a post that tries to change it is told where it goes."""
        cleaned = super().clean()
        baseline = self.instance if self.instance.pk else Household()
        sent = {
            name: self.data[name]
            for name in HOUSEHOLD_STATUS_FIELDS
            if name in self.data and self.data[name] not in ("", str(getattr(baseline, name)))
        }
        for messages in status_refused(sent).values():
            self.add_error(None, messages[0])
            break
        return cleaned


class MemberForm(OpenedValuesMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Member
        fields = MEMBER_FORM_FIELDS
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Checked as it is typed; the number goes in a POST body, never in a URL or a log.
        self.fields["id_number"].widget.attrs.update(
            {
                "autocomplete": "off",
                "spellcheck": "false",
                "class": "id-number",
                "hx-post": reverse("member-check-id"),
                "hx-trigger": "input changed delay:300ms, blur",
                "hx-vals": json.dumps({"prefix": self.prefix}),
                "hx-params": f"{self.add_prefix('id_number')},prefix",
                "hx-target": f"#{self.prefix}-id-check",
                "hx-sync": "this:replace",
            }
        )
        self.fields["sex"].required = False
        self.fields["birth_date"].help_text = _("可留空，按证件号码自动填写。")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            # The head changes, and members leave, through their own forms with a reason.
            self.fields["relation"].disabled = self.instance.relation == Relation.HEAD
            if self.instance.relation != Relation.HEAD:
                self.fields["relation"].choices = [
                    c for c in self.fields["relation"].choices if c[0] != Relation.HEAD
                ]
            self.fields["join_reason"].disabled = True

    def validate_unique(self):
        """One head and one live record are checked by the services, across the whole family."""


class BaseMemberFormSet(forms.BaseModelFormSet):
    def changed_forms(self):
        return [form for form in self.forms if form.has_changed()]


MemberFormSet = forms.modelformset_factory(
    Member, form=MemberForm, formset=BaseMemberFormSet, extra=0, can_delete=False
)


class IncomeForm(OpenedValuesMixin, forms.ModelForm):
    version = VersionField()
    household_size = forms.IntegerField(
        label=_("家庭人口数"), min_value=1, max_value=99, required=False
    )

    class Meta:
        model = Income
        fields = INCOME_FORM_FIELDS

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.instance.household = household
        self.fields["household_size"].help_text = _("默认取在册人数 %(size)s。") % {
            "size": household.size
        }
        for name in MONEY_FIELDS:
            self.fields[name].required = False  # an empty amount is 0, not an error
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "min": "0"})
        if self.instance.pk:
            self.fields["year"].disabled = True
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        for name in MONEY_FIELDS:
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = Decimal("0")
        return cleaned


class MemberLeaveForm(forms.Form):
    version = VersionField()
    # No default: a careless save must not record a death.
    reason = forms.ChoiceField(
        label=_("减员原因"), choices=[("", _("请选择")), *MemberLeaveReason.choices]
    )
    left_on = forms.DateField(
        label=_("减员日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class ChangeHeadForm(forms.Form):
    version = VersionField()
    new_head = forms.ModelChoiceField(label=_("新户主"), queryset=Member.objects.none())
    previous_head_relation = forms.ChoiceField(
        label=_("原户主与新户主的关系"),
        choices=[c for c in Relation.choices if c[0] != Relation.HEAD],
    )

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_head"].queryset = household.members.live().exclude(relation=Relation.HEAD)
        self.fields["version"].initial = household.version


class LedgerOptionsForm(forms.Form):
    """What a household ledger upload asks besides the file (LedgerImport.options_form)."""

    year = forms.IntegerField(
        label=_("收入年度"),
        required=False,
        min_value=1980,
        max_value=2100,
        help_text=_("表中没有“年度”列时，收入记入此年度。"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None:
            refused = income_year_refused(year)
            if refused:
                raise forms.ValidationError(refused)
        return year
