"""Read queries of identification: what a user may see of findings, rosters, jobs, applications
and notices."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core import scope
from core.choices import Action, AreaLevel
from core.models import Area
from core.scope import LEVEL_DIGITS

from .choices import ComplaintState, Condition, FindingState, ObjectionState, Outcome, Step
from .models import Application, CheckJob, Complaint, Finding, Notice, Objection, Roster
from .models.procedure import ENDS
from .services import complaints as complaint_rules
from .services import findings as finding_rules
from .services import notices, procedure
from .services.findings import ASSIGN, transitions_from
from .services.matching import blocking_findings


def may_assign(user, finding: Finding) -> bool:
    """Whether the user may set the finding's deadline and responsible person (the service's
    rule, for the page to offer the form or not)."""
    return finding.state != FindingState.CLOSED and scope.allows(user, ASSIGN, finding.area_code)


def roster_areas(user):
    """The counties and townships the user may import a roster for (a roster covers one)."""
    areas = Area.objects.filter(level__in=[AreaLevel.COUNTY, AreaLevel.TOWNSHIP])
    return scope.restrict(areas, user, Action.IMPORT)


def findings_for(user):
    return Finding.objects.restrict(user, Action.VIEW).select_related("household", "rule")


def rosters_for(user):
    return Roster.objects.restrict(user, Action.VIEW).select_related("type", "area", "imported_by")


def jobs_for(user):
    """Check jobs run over the whole registry: whoever may start one (approve, somewhere)
    sees them."""
    return CheckJob.objects.all() if scope.reach(user, Action.APPROVE) else CheckJob.objects.none()


def steps_allowed(user, finding: Finding) -> list[str]:
    """The states the user may move the finding to from where it is."""
    return [
        to
        for to, actions in transitions_from(finding).items()
        if any(scope.allows(user, action, finding.area_code) for action in actions)
    ]


def gone_closable(user, findings) -> int:
    """How many of `findings` (a list's filter) the user may close at once, their cause gone."""
    if not scope.reach(user, Action.APPROVE):
        return 0
    return finding_rules.gone_closable(user, findings).count()


def responsible_choices(finding: Finding):
    return people_over(finding.area_code)


def people_over(code: str):
    """Who may answer for something in an area: the active holders of a post in it or in an
    area holding it (the village's cadres, the township's and the county's offices)."""
    digits = len(scope.significant_prefix(code))
    holding = {code[:d].ljust(12, "0") for d in LEVEL_DIGITS.values() if d <= digits}
    return (
        get_user_model()
        .objects.filter(is_active=True, posts__area_id__in=holding)
        .distinct()
        .order_by("username")
    )


# What a finding's evidence says, in the order a reader wants it; the rest (the roster, the
# rule) the page shows as the finding's source.
EVIDENCE_LABELS = {
    "as_of": _("名单日期"),
    "row": _("名单行号"),
    "rows": _("名单行号"),
    "listed_name": _("名单上的姓名"),
    "people": _("保障人口"),
    "year": _("年度"),
    "years": _("年度"),
}


def labelled(values: dict, labels: dict) -> list[tuple[str, str]]:
    """(label, value shown) for the keys of `labels` that `values` has, in the labels' order."""
    rows = []
    for key, label in labels.items():
        value = values.get(key)
        if value in (None, "", []):
            continue
        if isinstance(value, bool):
            shown = _("是") if value else _("否")
        elif isinstance(value, list):
            shown = "、".join(map(str, value))
        else:
            shown = str(value)
        rows.append((str(label), str(shown)))
    return rows


def evidence_rows(finding: Finding) -> list[tuple[str, str]]:
    return labelled(finding.evidence or {}, EVIDENCE_LABELS)


def named(findings):
    """The findings, each with `area_name`: the name of the area it is assigned to."""
    findings = list(findings)
    names = dict(
        Area.objects.filter(code__in={f.area_code for f in findings}).values_list("code", "name")
    )
    for finding in findings:
        finding.area_name = names.get(finding.area_code, finding.area_code)
    return findings


def household_findings(user, household_id: int):
    """A household's findings not yet closed, for its page."""
    return findings_for(user).filter(household_id=household_id).active()


# --- the 12345 procedure ----------------------------------------------------------------------


def applications_for(user):
    return Application.objects.restrict(user, Action.VIEW).select_related("household", "village")


def application_records(application: Application):
    return application.records.select_related("notice").prefetch_related("attachments")


def may_open_application(user, household, newest: list[Application]) -> bool:
    """Whether the user may open an application for the household now. `newest`: its
    applications newest first (household_applications), as the page already read them: the
    open one, if any, is the newest (one open application a household, a database constraint,
    and an ended one never reopens)."""
    return procedure.OPENING.allows(user, household.village_id) and (
        not newest or newest[0].step in ENDS
    )


def application_actions(user, application: Application) -> dict:
    """What the user may do with the application now: the current step's decisions (none at a
    step a notice's end or the ranking moves on), the steps it may go back to, withdrawal."""
    rule = procedure.rule_of(application.step)
    outcomes = list(rule.outcomes) if procedure.may_act(user, application) else []
    return {
        "outcomes": outcomes,
        "send_back_to": procedure.earlier_steps(application)
        if Outcome.SENT_BACK in outcomes
        else [],
        "withdraw": rule is not None and procedure.WITHDRAWAL.allows(user, application.village_id),
    }


def household_applications(household):
    return household.applications.order_by("-created_at")


def ranking(user, village_code: str, year: int) -> dict:
    """三比 for a village and year, as the page and the API show it: the applicants waiting,
    in the order the ranking will give them (poorest first, RANKING_RULE), those beyond the
    village's quota marked; those already ranked; whether the user may confirm it."""
    left = procedure.quota_left(village_code, year)
    waiting = list(procedure.ranking_rows(village_code, year))
    return {
        "village": village_code,
        "year": year,
        "rule": str(procedure.RANKING_RULE),
        "quota_left": left,
        "may_confirm": bool(waiting)
        and procedure.PROCEDURE[Step.RANKING].allows(user, village_code),
        "waiting": [
            {
                "place": place,
                "application": application,
                "beyond_quota": left is not None and place > left,
            }
            for place, application in enumerate(waiting, start=1)
        ],
        "ranked": ranked(village_code, year),
    }


def waiting_for(user, applications=None):
    """The open applications whose current step the user's post may do: a step to decide, or
    a notice to publish (not one already on a running notice)."""
    applications = applications if applications is not None else Application.objects.all()
    condition = Q(pk__in=[])
    for step, rule in procedure.PROCEDURE.items():
        condition |= Q(step=step) & scope.reach(user, rule.action, rule.level).q("village__code")
    noticed = notices.running_items().values("object_id")
    return (
        applications.filter(condition)
        .exclude(pk__in=noticed)
        .exclude(pk__in=notices.held_by_objection())
    )


def waiting_summary(user) -> list[dict]:
    """What waits for the user: the open applications whose current step the user's post may
    do, by step (in the procedure's order), and the notices with open objections."""
    waiting = waiting_for(user, Application.objects.open())
    counts = dict(
        waiting.values_list("step").annotate(n=Count("*")).values_list("step", "n").order_by()
    )
    return [
        {"step": step, "label": Step(step).label, "count": counts[step]}
        for step in procedure.ORDER
        if counts.get(step)
    ]


def notices_for(user):
    return Notice.objects.restrict(user, Action.VIEW).select_related("area")


def notice_items(notice: Notice):
    return notice.items.select_related("household").prefetch_related("objections")


def publishable(user, level: str, area_code: str, year: int | None = None):
    """The applications of the area waiting at the level's notice and on no running notice:
    what a new notice of the level may list."""
    step = notices.LEVEL_STEP[level]
    on_notice = notices.running_items().values("object_id")
    applications = (
        scope.within(applications_for(user), area_code)
        .filter(step=step)
        .exclude(pk__in=on_notice)
        .exclude(pk__in=notices.held_by_objection())
        .order_by("village_id", "household__group", "rank", "pk")
    )
    return applications.filter(year=year) if year else applications


def notice_areas(user, level: str):
    """The areas of the level where the user may publish a notice of it."""
    rule = notices.rule_for(level)
    areas = Area.objects.filter(level=notices.LEVEL_AREA[level])
    return areas.filter(scope.reach(user, rule.action, rule.level).q("code"))


def income_figures(application: Application):
    """一核's figures for the page before the step is done: (figures, None) or (None, why not)."""
    if application.step != Step.INCOME_CHECK:
        return None
    try:
        return {"figures": procedure.income_figures(application), "missing": ""}
    except ValidationError as error:
        return {"figures": None, "missing": " ".join(error.messages)}


def blocking(application: Application) -> list[Finding]:
    """At the cross-match, the household's hits not yet closed (what will block it)."""
    if application.step != Step.CROSS_MATCH:
        return []
    return blocking_findings(application.household)


def ranked(village_code: str, year: int):
    """The village's applications of the year already ranked, in their ranking order."""
    return (
        Application.objects.filter(village_id=village_code, year=year, rank__isnull=False)
        .select_related("household")
        .order_by("rank", "pk")
    )


# What a step's record holds, as its page shows it.
RECORD_LABELS = {
    "year": _("年度"),
    "net_income": _("家庭纯收入（元）"),
    "production_cost": _("生产经营支出（元）"),
    "household_size": _("家庭人口"),
    "per_capita": _("人均纯收入（元）"),
    "line": _("扶贫标准（元）"),
    "below_line": _("低于扶贫标准"),
    "threshold": _("监测标准（元）"),
    "rank": _("倒序排名"),
    "of": _("参加排名户数"),
    "quota_left": _("剩余规模指标"),
    "beyond_quota": _("超出规模指标"),
    "rule": _("排序规则"),
    "held_on": _("会议日期"),
    "representatives": _("应到代表"),
    "present": _("实到人数"),
    "in_favour": _("赞成"),
    "against": _("反对"),
    "abstained": _("弃权"),
    "read_out": _("通报比对结果"),
}


def record_facts(record) -> list[tuple[str, str]]:
    """A step record's figures, checklist, rosters and hits, labelled for its page."""
    data = record.data or {}
    rows = labelled(data, RECORD_LABELS)
    conditions = dict(Condition.choices)
    remarks = data.get("remarks") or {}
    for code, value in (data.get("checklist") or {}).items():
        shown = str(conditions.get(value, value))
        if remarks.get(code):
            shown = f"{shown}（{remarks[code]}）"
        rows.append((str(procedure.CONDITIONS.get(code, code)), shown))
    if "rosters" in data:
        listed = [f"{r['type']}（{r['area']}，{r['as_of']}）" for r in data["rosters"]]
        rows.append((str(_("比对名单")), "、".join(listed) or str(_("无可比对的名单"))))
    if "hits" in data:
        hits = [f"{h['name']}：{h['kind']}" for h in data["hits"]]
        rows.append((str(_("比对发现")), "；".join(hits) or str(_("未发现问题"))))
    return rows


def objections_for(user):
    return Objection.objects.restrict(user, Action.VIEW).select_related("notice", "item")


def open_objections(user) -> list:
    """Objections not yet decided that the user's post decides (the notice's level's action)."""
    objections = Objection.objects.filter(state=ObjectionState.OPEN).select_related("notice")
    return [
        objection
        for objection in objections.restrict(user, Action.VIEW)[:50]
        if notices.rule_for(objection.notice.level).allows(user, objection.notice.area_id)
    ]


# --- complaints -------------------------------------------------------------------------------


def complaints_for(user):
    return Complaint.objects.restrict(user, Action.VIEW).select_related(
        "area", "household", "assignee", "finding"
    )


def complaint_areas(user):
    """Where the user may receive a complaint: the villages and offices' areas of their posts."""
    areas = Area.objects.filter(level__in=[AreaLevel.VILLAGE, AreaLevel.TOWNSHIP, AreaLevel.COUNTY])
    condition = Q(pk__in=[])
    for action in complaint_rules.RECEIVE:
        condition |= scope.reach(user, action).q("code")
    return areas.filter(condition).order_by("code")


def complaint_actions(user, complaint) -> dict:
    """What the user may do with the complaint now, for its page to offer."""
    office = scope.allows(user, complaint_rules.ANSWER, complaint.area_id)
    state = complaint.state
    return {
        "assign": office and state != ComplaintState.ANSWERED,
        "check": state == ComplaintState.ASSIGNED and (office or complaint.assignee_id == user.pk),
        "answer": office and state == ComplaintState.CHECKING,
        "application": complaint_rules.application_kind_for(complaint)
        if procedure.OPENING.allows(user, complaint.area_id)
        and complaint.household_id
        and not Application.objects.open().filter(household_id=complaint.household_id).exists()
        else None,
    }
