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
    # From complaints (信访举报): what a complaint says is wrong, to be checked (必查).
    COMPLAINT = "complaint", _("信访举报反映的问题")
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


# --- the "12345" procedure (DOMAIN.md §3) ---------------------------------------------------


class ApplicationKind(models.TextChoices):
    """What an application asks: the same procedure decides each (in 天祝, 进出 alike)."""

    ENTRY = "entry", _("新识别纳入")
    REENTRY = "reentry", _("返贫纳入")
    REMOVAL = "removal", _("清退")
    MONITORING = "monitoring", _("纳入监测（边缘户）")


class Step(models.TextChoices):
    """Where an application stands: the step that waits to be done next. The order is the
    procedure's (identification.services.procedure.STEPS); the last three are ends."""

    # 农户申请: what a household's application is recorded as; no application waits here.
    APPLICATION = "application", _("农户申请")
    INCOME_CHECK = "income_check", _("一核：核实收支")
    CONDITIONS_CHECK = "conditions_check", _("二看：查看生产生活条件")
    RANKING = "ranking", _("三比：倒序排名")
    GROUP_REVIEW = "group_review", _("村民小组初评")
    COMMITTEE_REVIEW = "committee_review", _("村两委审议")
    CROSS_MATCH = "cross_match", _("一比对：部门数据比对")
    ASSEMBLY_VOTE = "assembly_vote", _("村民代表大会决议")
    VILLAGE_NOTICE = "village_notice", _("村级公示")
    TOWNSHIP_REVIEW = "township_review", _("乡镇审核")
    TOWNSHIP_NOTICE = "township_notice", _("村、乡两级公示")
    COUNTY_REVIEW = "county_review", _("县级审定")
    COUNTY_ANNOUNCEMENT = "county_announcement", _("县级公告")
    DONE = "done", _("已公告")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Outcome(models.TextChoices):
    """What a step decided."""

    APPLIED = "applied", _("农户申请")
    PASSED = "passed", _("通过")
    SENT_BACK = "sent_back", _("退回重核")
    REJECTED = "rejected", _("不予通过")
    WITHDRAWN = "withdrawn", _("撤回")
    NOTICED = "noticed", _("公示期满无异议")
    ANNOUNCED = "announced", _("已公告")


class Condition(models.TextChoices):
    """二看: each item of the living-conditions checklist is met or not."""

    MET = "met", _("达标")
    NOT_MET = "not_met", _("不达标")
    NOT_APPLICABLE = "na", _("不涉及")


class NoticePurpose(models.TextChoices):
    """What a notice's items are: identification's applications here; exits, projects and the
    anti-return fund add theirs."""

    IDENTIFICATION = "identification", _("贫困户识别")
    EXIT = "exit", _("脱贫退出")


class NoticeLevel(models.TextChoices):
    VILLAGE = "village", _("村级公示")
    TOWNSHIP = "township", _("村、乡两级公示")
    COUNTY = "county", _("县级公告")


class NoticeState(models.TextChoices):
    RUNNING = "running", _("公示中")
    ENDED = "ended", _("公示期满")
    PUBLISHED = "published", _("已公告")


class ObjectionChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    REPORT = "report", _("举报")


class ObjectionState(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    NOT_UPHELD = "not_upheld", _("异议不成立")


# --- complaints (信访举报) ----------------------------------------------------------------------


class ComplaintConcern(models.TextChoices):
    """What a complaint is about."""

    WRONG_ENTRY = "wrong_entry", _("不符合条件被识别（错评）")
    MISSED = "missed", _("符合条件未被识别（漏评）")
    WRONG_EXIT = "wrong_exit", _("未达标准被退出（错退）")
    HELP = "help", _("帮扶措施不落实")
    FUNDS = "funds", _("扶贫资金问题")
    OTHER = "other", _("其他")


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ASSIGNED = "assigned", _("已交办")
    CHECKING = "checking", _("核查中")
    ANSWERED = "answered", _("已答复")
