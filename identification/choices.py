"""Enumerations of identification and checking, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RosterMatching(models.TextChoices):
    """What a roster's type means for the registry when its entries are matched."""

    # 低保, 特困: compared both ways (应保尽保、应扶尽扶).
    SUBSIDY = "subsidy", _("救助名单（双向比对）")
    # Payroll, vehicles, commercial housing, business registration: a member on it may have
    # been wrongly identified (一比对).
    EXCLUSION = "exclusion", _("排除名单（可能错评）")
    # Disability certificates and the like: only a name that differs is reported.
    REFERENCE = "reference", _("参考名单")


class FindingSource(models.TextChoices):
    RULE = "rule", _("定期核查")
    ROSTER = "roster", _("名单比对")
    COMPLAINT = "complaint", _("信访举报")
    INSPECTION = "inspection", _("督查巡查")
    AUDIT = "audit", _("审计")


class FindingKind(models.TextChoices):
    # From roster matches (identification.services.matching).
    SUBSIDY_NOT_MARKED = "subsidy_not_marked", _("在救助名单上，户属性未相应标注")
    SUBSIDY_CANDIDATE = "subsidy_candidate", _("在救助名单上，但不在任何建档立卡户中（应扶尽扶）")
    SUBSIDY_GONE = "subsidy_gone", _("户属性为低保或特困，但已不在当前名单上")
    EXCLUSION_HIT = "exclusion_hit", _("成员出现在排除名单上（可能错评）")
    NAME_MISMATCH = "name_mismatch", _("证件号码相同，姓名不符")
    # From the periodic re-check's rules (identification.services.rechecks).
    RETURN_RISK = "return_risk", _("已脱贫户人均纯收入低于当年标准（返贫风险）")
    ABOVE_LINE = "above_line", _("贫困户人均纯收入连续两年高于标准")
    NO_INCOME = "no_income", _("未录入当年收入")
    AGE_IMPLAUSIBLE = "age_implausible", _("年龄不合常理")
    NO_LIVE_MEMBERS = "no_live_members", _("户内没有在册成员")
    SIZE_MISMATCH = "size_mismatch", _("家庭人口与在册成员数不符")
    BELOW_THRESHOLD = "below_threshold", _("已脱贫或未纳入的户收入低于监测标准（边缘户、监测户）")


class FindingState(models.TextChoices):
    """One lifecycle for everything found wrong: open → being checked → corrected, or
    dismissed with a reason → closed (销号)."""

    OPEN = "open", _("待核查")
    CHECKING = "checking", _("核查中")
    CORRECTED = "corrected", _("已整改")
    DISMISSED = "dismissed", _("经核查不属实")
    CLOSED = "closed", _("已销号")


# Not yet closed: a job never opens a second finding with the same key while one of these is.
FINDING_ACTIVE = (
    FindingState.OPEN,
    FindingState.CHECKING,
    FindingState.CORRECTED,
    FindingState.DISMISSED,
)
