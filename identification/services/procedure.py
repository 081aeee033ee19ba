"""The "12345" procedure as one state machine (DOMAIN.md §3): which steps an application goes
through, in which order, the action each needs of the user's post over the application's
village, and what may be decided at each. Every step done is a StepRecord; the household's
status changes only at the county announcement (services.notices), through the registry's
status service.

The order is 天祝's 一核 二看 三比 四评议 五公示, with the national 一比对 before the villager
representatives' vote, because the vote must hear the cross-match results read out."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import history, locking, scope
from core.choices import Action, AreaLevel, ChangeAction
from registry import selectors as registry_selectors
from registry.choices import HouseholdStatus, MonitoringCategory
from registry.models import Household, Income

from ..choices import ApplicationKind, Condition, Outcome, Step
from ..models import Application, NoticeItem, StepRecord, VillageQuota
from ..models.procedure import ENDS
from .attachments import attach, has_photo
from .matching import blocking_findings, household_cross_match, household_rosters

S, K = Step, ApplicationKind
ALL_KINDS = tuple(K.values)


@dataclass(frozen=True)
class StepRule:
    """A step: the action it needs over the application's village, what a user may decide
    there (withdrawal aside), the kinds of application it applies to, and whether it is left
    by the end of a notice rather than by a user's decision."""

    action: str
    level: str  # the level of the post that does it: the village's, the township's, the county's
    outcomes: tuple[str, ...]
    kinds: tuple[str, ...] = ALL_KINDS
    by_notice: bool = False
    photos: bool = False  # passed only with a photo of what was seen

    def allows(self, user, village_code: str) -> bool:
        return scope.allows(user, self.action, village_code, self.level)


CHECKED = (Outcome.PASSED, Outcome.SENT_BACK, Outcome.REJECTED)
PROCEDURE: dict[str, StepRule] = {
    S.INCOME_CHECK: StepRule(Action.EDIT, AreaLevel.VILLAGE, (Outcome.PASSED, Outcome.REJECTED)),
    S.CONDITIONS_CHECK: StepRule(Action.EDIT, AreaLevel.VILLAGE, CHECKED, photos=True),
    # Ranked with the village's other applicants of the year, all at once (ranking_confirm);
    # a removal is not ranked.
    S.RANKING: StepRule(
        Action.EDIT, AreaLevel.VILLAGE, (), kinds=(K.ENTRY, K.REENTRY, K.MONITORING)
    ),
    S.GROUP_REVIEW: StepRule(Action.EDIT, AreaLevel.VILLAGE, CHECKED),
    S.COMMITTEE_REVIEW: StepRule(Action.EDIT, AreaLevel.VILLAGE, CHECKED),
    S.CROSS_MATCH: StepRule(Action.EDIT, AreaLevel.VILLAGE, (Outcome.PASSED, Outcome.REJECTED)),
    # Passed or not by the votes, not by choice.
    S.ASSEMBLY_VOTE: StepRule(Action.EDIT, AreaLevel.VILLAGE, (Outcome.PASSED,)),
    S.VILLAGE_NOTICE: StepRule(Action.EDIT, AreaLevel.VILLAGE, (), by_notice=True),
    S.TOWNSHIP_REVIEW: StepRule(Action.REVIEW, AreaLevel.TOWNSHIP, CHECKED),
    S.TOWNSHIP_NOTICE: StepRule(Action.REVIEW, AreaLevel.TOWNSHIP, (), by_notice=True),
    S.COUNTY_REVIEW: StepRule(Action.APPROVE, AreaLevel.COUNTY, CHECKED),
    S.COUNTY_ANNOUNCEMENT: StepRule(Action.APPROVE, AreaLevel.COUNTY, (), by_notice=True),
}
ORDER = list(PROCEDURE)
# A household applies, and withdraws at any step before the announcement, through its village.
OPENING = StepRule(Action.EDIT, AreaLevel.VILLAGE, ())
WITHDRAWAL = StepRule(Action.EDIT, AreaLevel.VILLAGE, ())

# The status a household must have for each kind of application, and what the announcement
# makes of it.
FROM_STATUS = {
    K.ENTRY: (HouseholdStatus.APPLICANT, HouseholdStatus.REMOVED),
    K.REENTRY: (HouseholdStatus.EXITED,),
    K.REMOVAL: (HouseholdStatus.REGISTERED, HouseholdStatus.EXITED),
    K.MONITORING: (HouseholdStatus.APPLICANT, HouseholdStatus.EXITED, HouseholdStatus.REMOVED),
}

# 二看: the living-conditions checklist (两不愁三保障 and the means to work).
CONDITIONS = {
    "housing": gettext_lazy("住房安全"),
    "water": gettext_lazy("饮水安全"),
    "power": gettext_lazy("生活用电"),
    "road": gettext_lazy("通村通户道路"),
    "labour": gettext_lazy("劳动力"),
    "health": gettext_lazy("疾病与医疗保障"),
    "schooling": gettext_lazy("义务教育"),
}


def steps_for(kind: str) -> list[str]:
    return [step for step in ORDER if kind in PROCEDURE[step].kinds]


def next_step(application: Application) -> str:
    steps = steps_for(application.kind)
    index = steps.index(application.step)
    return steps[index + 1] if index + 1 < len(steps) else S.DONE


def earlier_steps(application: Application) -> list[str]:
    """The steps an application may be sent back to: those before its current one that a
    user does (a notice is published again after the step before it)."""
    steps = steps_for(application.kind)
    if application.step not in steps:
        return []
    return [
        step
        for step in steps[: steps.index(application.step)]
        if not PROCEDURE[step].by_notice and step != S.RANKING
    ]


def rule_of(step: str) -> StepRule | None:
    return PROCEDURE.get(step)


def may_act(user, application: Application) -> bool:
    """Whether the user's post grants the current step's action over the application's area."""
    rule = rule_of(application.step)
    return rule is not None and rule.allows(user, application.village_id)


# --- opening -------------------------------------------------------------------------------


@transaction.atomic
def application_open(
    *,
    actor,
    household: Household,
    kind: str,
    year: int,
    reason: str,
    applied_on=None,
    monitoring_category: str = "",
    files=(),
) -> Application:
    """农户申请: the household applies (voluntarily; the signed application attached), through
    its village's cadre."""
    ensure_allowed(actor, OPENING, household.village_id, Step.APPLICATION.label)
    household = Household.objects.select_for_update().get(pk=household.pk)
    errors = {}
    if kind not in K.values:
        errors["kind"] = _("请选择申请类型。")
    elif household.status not in FROM_STATUS[kind]:
        errors["kind"] = _("该户现为“%(status)s”，不能提出“%(kind)s”申请。") % {
            "status": household.get_status_display(),
            "kind": K(kind).label,
        }
    if kind == K.MONITORING and monitoring_category not in set(MonitoringCategory.values) - {
        MonitoringCategory.NONE
    }:
        errors["monitoring_category"] = _("纳入监测须选择监测类型。")
    if kind != K.MONITORING:
        monitoring_category = ""
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("请填写申请理由。")
    this_year = timezone.localdate().year
    if not (2014 <= year <= this_year + 1):
        errors["year"] = _("年度应在 2014 至 %(max)s 之间。") % {"max": this_year + 1}
    if Application.objects.open().filter(household=household).exists():
        errors["household"] = _("该户已有正在办理的识别申请。")
    if errors:
        raise ValidationError(errors)
    application = Application(
        kind=kind,
        household=household,
        village_id=household.village_id,
        year=year,
        reason=reason[:500],
        applied_on=applied_on or timezone.localdate(),
        monitoring_category=monitoring_category,
        opened_by=actor,
    )
    application.full_clean(exclude=["household", "village", "opened_by"])
    application.save()
    record = _record(
        application,
        actor=actor,
        rule=OPENING,
        step=S.APPLICATION,
        outcome=Outcome.APPLIED,
        to=S.INCOME_CHECK,
    )
    attach(record, files)
    history.record(
        application,
        action=ChangeAction.CREATE,
        changes=history.snapshot(application),
        actor=actor,
    )
    return application


def applications_open_on_registration(*, households, actor, **_signal) -> list[Application]:
    """农户申请 as a village registers applicant households (registry's applicants_registered):
    an entry application for each, for the year the registry collects incomes for, in bulk
    for an import. The signed application can be added at its first step."""
    year = registry_selectors.current_income_year()
    today = timezone.localdate()
    opened = set(
        Application.objects.open()
        .filter(household__in=[h.pk for h in households])
        .values_list("household_id", flat=True)
    )
    applications = Application.objects.bulk_create(
        [
            Application(
                kind=K.ENTRY,
                household=household,
                village_id=household.village_id,
                year=year,
                reason=_("登记新户时提出申请。"),
                applied_on=today,
                opened_by=actor,
            )
            for household in households
            if household.status == HouseholdStatus.APPLICANT and household.pk not in opened
        ],
        batch_size=2000,
    )
    post = {}
    records = []
    for application in applications:
        village = application.village_id
        if village not in post:
            post[village] = scope.post_for(actor, OPENING.action, village, OPENING.level)
        records.append(
            StepRecord(
                application=application,
                step=S.APPLICATION,
                outcome=Outcome.APPLIED,
                to_step=S.INCOME_CHECK,
                actor=actor,
                actor_name=actor.get_username(),
                post=post[village],
            )
        )
    StepRecord.objects.bulk_create(records, batch_size=2000)
    history.record_many([(a, ChangeAction.CREATE, None) for a in applications], actor=actor)
    return applications


# --- one step ------------------------------------------------------------------------------


def application_step(
    *,
    actor,
    application: Application,
    version: int,
    outcome: str,
    note: str = "",
    data: dict | None = None,
    send_back_to: str = "",
    files=(),
) -> Application:
    """Do the application's current step: decide `outcome` (通过, 退回 to an earlier step,
    不予通过 with a reason the household can be told, or 撤回), with the step's own record
    (`data`) and forms (`files`)."""
    if application.step == S.CROSS_MATCH and outcome == Outcome.PASSED:
        # 一比对 runs now, in its own transaction: the findings it opens are kept even when
        # they refuse the step. Only for whoever may do the step.
        ensure_allowed(actor, PROCEDURE[S.CROSS_MATCH], application.village_id, S.CROSS_MATCH.label)
        household_cross_match(application.household)
    with transaction.atomic():
        return _step(
            actor=actor,
            application=application,
            version=version,
            outcome=outcome,
            note=note,
            data=data,
            send_back_to=send_back_to,
            files=files,
        )


def _step(*, actor, application, version, outcome, note, data, send_back_to, files):
    current = locking.lock(application, version)
    step = current.step
    rule = rule_of(step)
    if outcome == Outcome.WITHDRAWN and rule is not None:
        ensure_allowed(actor, WITHDRAWAL, current.village_id, Outcome.WITHDRAWN.label)
        if not note.strip():
            raise ValidationError({"note": _("请写明撤回的原因。")})
        return record_step(
            current, actor=actor, rule=WITHDRAWAL, outcome=Outcome.WITHDRAWN, note=note
        )
    if rule is None:
        raise ValidationError({"outcome": _("该申请已办结。")})
    if rule.by_notice or outcome not in rule.outcomes:
        raise ValidationError({"outcome": _not_here(step, outcome)})
    ensure_allowed(actor, rule, current.village_id, current.get_step_display())
    note = note.strip()
    data = dict(data or {})
    if outcome == Outcome.SENT_BACK:
        if send_back_to not in earlier_steps(current):
            raise ValidationError({"send_back_to": _("请选择要退回的环节。")})
        if not note:
            raise ValidationError({"note": _("请写明退回的原因。")})
        return record_step(
            current, actor=actor, rule=rule, outcome=outcome, note=note, to=send_back_to
        )
    if outcome == Outcome.REJECTED and not note:
        raise ValidationError({"note": _("请写明不予通过的理由，这一理由将告知农户。")})
    before = history.snapshot(current)
    missing = {}
    if rule.photos and outcome == Outcome.PASSED and not has_photo(files):
        missing["files"] = [_("请上传入户查看时拍的照片（至少一张）。")]
    checked = STEP_CHECKS.get(step)
    try:
        if checked is not None:
            data, outcome, note = checked(current, data, outcome, note)
    except ValidationError as error:
        raise ValidationError(error.update_error_dict(missing)) from None
    if missing:
        raise ValidationError(missing)
    return record_step(
        current,
        actor=actor,
        rule=rule,
        outcome=outcome,
        note=note,
        data=data,
        files=files,
        before=before,
    )


def _not_here(step: str, outcome: str) -> str:
    label = Outcome(outcome).label if outcome in Outcome.values else outcome
    return _("“%(step)s”环节不能作出“%(outcome)s”的决定。") % {
        "step": S(step).label,
        "outcome": label,
    }


def ensure_allowed(actor, rule: StepRule, area_code: str, what) -> None:
    """Refuse, saying why, unless the user holds a post of the rule's level that grants its
    action over the area."""
    if not rule.allows(actor, area_code):
        raise PermissionDenied(
            _("“%(what)s”须由%(level)s级岗位中有“%(action)s”权限的人员办理。")
            % {
                "what": what,
                "level": AreaLevel(rule.level).label,
                "action": Action(rule.action).label,
            }
        )


def record_step(
    application: Application,
    *,
    actor,
    rule: StepRule,
    outcome: str,
    note: str = "",
    data: dict | None = None,
    to: str | None = None,
    files=(),
    notice=None,
    before: dict | None = None,
) -> Application:
    """Record the step done and move the application on. `before`: the application's snapshot
    taken before a step's check changed its fields (the income found, the rank)."""
    if to is None:
        to = {Outcome.REJECTED: S.REJECTED, Outcome.WITHDRAWN: S.WITHDRAWN}.get(
            outcome
        ) or next_step(application)
    before = before if before is not None else history.snapshot(application)
    record = _record(
        application,
        actor=actor,
        rule=rule,
        step=application.step,
        outcome=outcome,
        to=to,
        note=note,
        data=data or {},
        notice=notice,
    )
    attach(record, files)
    if outcome == Outcome.REJECTED:
        application.rejection_reason = note
    if to in ENDS:
        application.closed_at = timezone.now()
    leaving = PROCEDURE.get(application.step)
    if leaving and leaving.by_notice and outcome not in (Outcome.NOTICED, Outcome.ANNOUNCED):
        # Withdrawn or sent back while on a running notice: off the board. Only a case waiting
        # at a notice step can be on one.
        NoticeItem.objects.running().about(application).update(withdrawn=True)
    if to in ORDER and ORDER.index(to) <= ORDER.index(S.RANKING):
        application.rank, application.beyond_quota = None, False  # to be ranked again
    application.step = to
    application.version += 1
    application.save()
    history.record_update(application, before, actor=actor)
    return application


def _record(
    application, *, actor, rule, step, outcome, to=None, note="", data=None, notice=None
) -> StepRecord:
    return StepRecord.objects.create(
        application=application,
        step=step,
        outcome=outcome,
        to_step=to or step,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor.get_username() if actor is not None else "",
        post=scope.post_for(actor, rule.action, application.village_id, rule.level)
        if actor
        else "",
        note=note,
        data=data or {},
        notice=notice,
    )


# --- what each step checks ------------------------------------------------------------------


@dataclass(frozen=True)
class IncomeFigures:
    """一核's figures: the household's income of the application's year against its line."""

    income: Income
    line: object  # registry.models.PovertyLine
    per_capita: Decimal
    below: bool

    def as_record(self) -> dict:
        threshold = self.line.monitoring_threshold
        return {
            "year": self.income.year,
            "net_income": str(self.income.net_income),
            "production_cost": str(self.income.production_cost),
            "household_size": self.income.household_size,
            "per_capita": str(self.per_capita),
            "line": str(self.line.amount),
            "below_line": self.below,
            "threshold": str(threshold) if threshold is not None else None,
        }


def income_figures(application: Application) -> IncomeFigures:
    """The figures 一核 decides on, or ValidationError at `outcome` saying what is missing."""
    income = Income.objects.filter(household=application.household, year=application.year).first()
    line = registry_selectors.poverty_lines().get(application.year)
    if income is None:
        raise ValidationError(
            {
                "outcome": _("请先录入该户 %(year)s 年度收入，再核实收支。")
                % {"year": application.year}
            }
        )
    if line is None:
        raise ValidationError(
            {"outcome": _("%(year)s 年度扶贫标准尚未录入。") % {"year": application.year}}
        )
    per_capita = income.per_capita_net_income
    if per_capita is None:
        raise ValidationError({"outcome": _("该户收入记录的家庭人口数为 0，无法计算人均纯收入。")})
    below = registry_selectors.below_line(income.net_income, income.household_size, line)
    return IncomeFigures(income=income, line=line, per_capita=per_capita, below=bool(below))


def _income_check(application: Application, data: dict, outcome: str, note: str):
    """一核: the household's income record of the application's year, per capita against the
    year's line (and, for monitoring, the monitoring threshold)."""
    found = income_figures(application)
    income, line, per_capita, below = found.income, found.line, found.per_capita, found.below
    threshold = line.monitoring_threshold
    figures = found.as_record()
    if outcome == Outcome.PASSED:
        kind = application.kind
        if kind in (K.ENTRY, K.REENTRY) and not below:
            raise ValidationError(
                {
                    "outcome": _(
                        "人均纯收入 %(income)s 元，不低于 %(year)s 年度扶贫标准 %(line)s 元，"
                        "不能按“%(kind)s”通过；如因病、因灾等突发困难，可申请纳入监测。"
                    )
                    % {
                        "income": per_capita,
                        "year": application.year,
                        "line": line.amount,
                        "kind": K(kind).label,
                    }
                }
            )
        sudden = application.monitoring_category == MonitoringCategory.SUDDEN
        above_threshold = (
            threshold is not None
            and Decimal(income.net_income) >= threshold * income.household_size
        )
        if kind == K.MONITORING and not sudden and above_threshold:
            raise ValidationError(
                {
                    "outcome": _(
                        "人均纯收入 %(income)s 元，不低于监测标准 %(threshold)s 元；"
                        "只有突发严重困难户可以不看收入纳入监测。"
                    )
                    % {"income": per_capita, "threshold": threshold}
                }
            )
    application.per_capita_income = per_capita
    return {**data, **figures}, outcome, note


def _conditions_check(application: Application, data: dict, outcome: str, note: str):
    """二看: every item of the checklist looked at, met or not, with a remark where not met."""
    checklist, errors = {}, {}
    for code, label in CONDITIONS.items():
        value = data.get(code, "")
        if value not in Condition.values:
            errors[code] = _("“%(item)s”未填写。") % {"item": label}
            continue
        checklist[code] = value
    if errors:
        raise ValidationError(errors)
    remarks = {k: str(v)[:200] for k, v in (data.get("remarks") or {}).items() if k in CONDITIONS}
    return {"checklist": checklist, "remarks": remarks}, outcome, note


def _meeting(application: Application, data: dict, outcome: str, note: str):
    """小组初评, 村两委审议: the meeting's date and who attended."""
    held_on = _date(data.get("held_on"), "held_on")
    present = _count(data.get("present"), "present", _("参会人数"))
    return {"held_on": held_on.isoformat(), "present": present}, outcome, note


def _cross_match(application: Application, data: dict, outcome: str, note: str):
    """一比对 (run by application_step just before): a hit whose finding is not closed
    blocks the application."""
    rosters = household_rosters(application.household)
    blocking = blocking_findings(application.household)
    record = {
        "rosters": [
            {"type": r.type.name, "area": r.area.name, "as_of": r.as_of.isoformat()}
            for r in rosters
        ],
        "hits": [
            {"finding": f.pk, "kind": f.get_kind_display(), "name": f.name, "message": f.message}
            for f in blocking
        ],
    }
    if outcome == Outcome.PASSED and blocking:
        raise ValidationError(
            {
                "outcome": _(
                    "比对发现 %(n)s 个问题尚未销号（%(names)s），须核查销号后才能进入下一环节。"
                )
                % {"n": len(blocking), "names": "、".join(f.name for f in blocking)}
            }
        )
    return record, outcome, note


def _assembly_vote(application: Application, data: dict, outcome: str, note: str):
    """村民代表大会决议: at least two thirds of the representatives present, the cross-match
    results read out, and a majority of those present in favour; otherwise not passed."""
    held_on = _date(data.get("held_on"), "held_on")
    total = _count(data.get("representatives"), "representatives", _("应到代表人数"), least=1)
    present = _count(data.get("present"), "present", _("实到代表人数"))
    in_favour = _count(data.get("in_favour"), "in_favour", _("赞成票"))
    against = _count(data.get("against") or 0, "against", _("反对票"))  # none against: 0
    abstained = _count(data.get("abstained") or 0, "abstained", _("弃权票"))
    if present > total:
        raise ValidationError({"present": _("实到人数不能多于应到人数。")})
    if present * 3 < total * 2:
        raise ValidationError(
            {
                "present": _("实到代表 %(present)s 人，不足应到 %(total)s 人的三分之二，会议无效。")
                % {"present": present, "total": total}
            }
        )
    if in_favour + against + abstained > present:
        raise ValidationError({"in_favour": _("赞成、反对、弃权票合计不能多于实到人数。")})
    if data.get("read_out") not in (True, "true", "on", "1", 1):
        raise ValidationError({"read_out": _("须在会上通报部门数据比对结果。")})
    votes = {
        "held_on": held_on.isoformat(),
        "representatives": total,
        "present": present,
        "in_favour": in_favour,
        "against": against,
        "abstained": abstained,
        "read_out": True,
    }
    if in_favour * 2 > present:
        return votes, Outcome.PASSED, note
    reason = _(
        "村民代表大会表决未获实到代表过半数赞成（赞成 %(yes)s 票，实到 %(present)s 人）。"
    ) % {
        "yes": in_favour,
        "present": present,
    }
    return votes, Outcome.REJECTED, f"{reason}{note}"


STEP_CHECKS = {
    S.INCOME_CHECK: _income_check,
    S.CONDITIONS_CHECK: _conditions_check,
    S.GROUP_REVIEW: _meeting,
    S.COMMITTEE_REVIEW: _meeting,
    S.CROSS_MATCH: _cross_match,
    S.ASSEMBLY_VOTE: _assembly_vote,
}


def _date(value, field: str):
    import datetime as dt

    if isinstance(value, dt.date):
        return value
    try:
        day = dt.date.fromisoformat(str(value or ""))
    except ValueError:
        raise ValidationError({field: _("请填写日期（年-月-日）。")}) from None
    if day > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天。")})
    return day


def _count(value, field: str, label: str, least: int = 0) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: _("“%(label)s”须是整数。") % {"label": label}}) from None
    if number < least:
        raise ValidationError(
            {field: _("“%(label)s”不能小于 %(least)s。") % {"label": label, "least": least}}
        )
    return number


# --- 三比: the village's reverse ranking ----------------------------------------------------

# Poorest first by per-capita net income; the stated tie-break: the larger household first,
# then whoever applied first, then the earlier application.
RANKING_RULE = gettext_lazy(
    "按人均纯收入由低到高排序；相同的，家庭人口多的在前；仍相同的，申请日期早的在前。"
)


def ranking_rows(village_code: str, year: int):
    """The applications of a village and year waiting at 三比, in ranking order."""
    return (
        Application.objects.filter(village_id=village_code, year=year, step=S.RANKING)
        .select_related("household")
        .order_by("per_capita_income", "-household__size", "applied_on", "pk")
    )


def quota_left(village_code: str, year: int) -> int | None:
    """How many more households the village may admit this year (None: no quota)."""
    quota = VillageQuota.objects.filter(village_id=village_code, year=year).first()
    if quota is None:
        return None
    taken = (
        Application.objects.filter(village_id=village_code, year=year, rank__isnull=False)
        .exclude(step__in=(S.RANKING, S.REJECTED, S.WITHDRAWN))
        .filter(beyond_quota=False)
        .count()
    )
    return max(0, quota.households - taken)


@transaction.atomic
def ranking_confirm(*, actor, village_code: str, year: int, note: str = "") -> list[Application]:
    """三比: rank the village's applicants of the year waiting at this step, poorest first
    (RANKING_RULE), mark those beyond the village's quota, and move them all on to the
    group review."""
    rule = PROCEDURE[S.RANKING]
    ensure_allowed(actor, rule, village_code, S.RANKING.label)
    applications = list(ranking_rows(village_code, year).select_for_update(of=("self",)))
    if not applications:
        raise ValidationError(_("该村 %(year)s 年度没有等待排名的申请。") % {"year": year})
    left = quota_left(village_code, year)
    moved = []
    for place, application in enumerate(applications, start=1):
        beyond = left is not None and place > left
        before = history.snapshot(application)
        application.rank, application.beyond_quota = place, beyond
        data = {
            "rank": place,
            "of": len(applications),
            "per_capita": str(application.per_capita_income),
            "household_size": application.household.size,
            "quota_left": left,
            "beyond_quota": beyond,
            "rule": str(RANKING_RULE),
        }
        moved.append(
            record_step(
                application,
                actor=actor,
                rule=rule,
                outcome=Outcome.PASSED,
                note=note,
                data=data,
                before=before,
            )
        )
    return moved
