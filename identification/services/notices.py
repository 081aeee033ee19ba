"""Public notices of the 12345 procedure (五公示) and their objections: the village notice, the
village-and-township notice, and the county announcement (公告) after which the registry's
status service changes the households. A notice runs for the period its level has in the
county (NoticePeriod: calendar or working days, with the holidays as data); its cases move on
only when it has ended and no objection about them is left open."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import history, locking, scope
from core.choices import Action, AreaLevel, ChangeAction
from core.models import Area
from registry.choices import HouseholdStatus, RemovalReason
from registry.services import household_monitoring_set, household_status_set

from ..choices import (
    ApplicationKind,
    NoticeLevel,
    NoticePurpose,
    NoticeState,
    ObjectionChannel,
    ObjectionState,
    Outcome,
    Step,
)
from ..models import Application, Holiday, Notice, NoticeItem, NoticePeriod, Objection
from .procedure import FROM_STATUS, PROCEDURE, StepRule, earlier_steps, ensure_allowed, record_step

L, S, K = NoticeLevel, Step, ApplicationKind
# The step whose notice each level is, and the level of area it is posted in.
LEVEL_STEP = {
    L.VILLAGE: S.VILLAGE_NOTICE,
    L.TOWNSHIP: S.TOWNSHIP_NOTICE,
    L.COUNTY: S.COUNTY_ANNOUNCEMENT,
}
LEVEL_AREA = {
    L.VILLAGE: AreaLevel.VILLAGE,
    L.TOWNSHIP: AreaLevel.TOWNSHIP,
    L.COUNTY: AreaLevel.COUNTY,
}
DEFAULT_DAYS = 7
# Recording an objection: whoever received it, the village's cadre or an office above.
RECEIVE = (Action.EDIT, Action.REVIEW)


def rule_for(level: str) -> StepRule:
    """What publishing a notice of the level, and deciding its objections, needs: the step's
    action, by a post of its level."""
    return PROCEDURE[LEVEL_STEP[level]]


# --- periods -------------------------------------------------------------------------------


def notice_period(area_code: str, level: str) -> tuple[int, bool]:
    """(days, counted in working days) for a notice of `level` in the area's county."""
    county = area_code[:6].ljust(12, "0")
    periods = {p.area_id: p for p in NoticePeriod.objects.filter(level=level)}
    period = periods.get(county) or periods.get(None)
    # A period of no days would end before it began (or, in working days, never).
    return (max(1, period.days), period.working_days) if period else (DEFAULT_DAYS, False)


def is_working_day(day: dt.date, holidays: dict[dt.date, Holiday]) -> bool:
    holiday = holidays.get(day)
    if holiday is not None:
        return holiday.workday  # a holiday off, or a weekend day worked (调休)
    return day.weekday() < 5


def period_end(starts_on: dt.date, days: int, working_days: bool) -> dt.date:
    """The last day of a period of `days` from `starts_on` (included): calendar days, or
    working days skipping weekends and holidays and counting weekend days worked."""
    if not working_days:
        return starts_on + dt.timedelta(days=days - 1)
    horizon = starts_on + dt.timedelta(days=days * 3 + 30)
    holidays = {h.date: h for h in Holiday.objects.filter(date__range=(starts_on, horizon))}
    day, counted = starts_on, 0
    while True:
        if is_working_day(day, holidays):
            counted += 1
            if counted == days:
                return day
        day += dt.timedelta(days=1)


# --- publishing ----------------------------------------------------------------------------


@transaction.atomic
def notice_publish(
    *,
    actor,
    level: str,
    area_code: str,
    year: int,
    applications: list[int],
    where_to_object: str,
    starts_on: dt.date | None = None,
) -> Notice:
    """Post the applications of an area waiting at the level's notice: a 公示 that runs its
    period, or the county's 公告, which makes the households what their applications asked."""
    if level not in LEVEL_STEP:
        raise ValidationError({"level": _("请选择公示层级。")})
    area = Area.objects.filter(code=area_code, level=LEVEL_AREA[level]).first()
    if area is None:
        raise ValidationError({"area": _("公示地区与公示层级不符。")})
    ensure_allowed(actor, rule_for(level), area.code, L(level).label)
    step = LEVEL_STEP[level]
    today = timezone.localdate()
    starts_on = starts_on or today
    errors = {}
    if starts_on < today:
        errors["starts_on"] = _("开始日期不能早于今天。")
    where_to_object = (where_to_object or "").strip()
    if not where_to_object and level != L.COUNTY:
        errors["where_to_object"] = _("请写明异议受理的单位和电话。")
    wanted = set(applications)
    cases = list(
        scope.within(Application.objects.all(), area.code)
        .filter(pk__in=wanted, step=step, year=year)
        .select_related("household")
        .select_for_update(of=("self",))
        .order_by("village_id", "household__group", "rank", "pk")
    )
    if not wanted:
        errors["applications"] = _("请选择要公示的申请。")
    elif len(cases) != len(wanted):
        errors["applications"] = _("所选申请中有 %(n)s 个不在本地区“%(step)s”环节，未公示。") % {
            "n": len(wanted) - len(cases),
            "step": S(step).label,
        }
    elif _on_running_notice(cases):
        errors["applications"] = _("所选申请中有的正在公示，或有尚未处理的异议。")
    elif level == L.COUNTY:
        changed = [a for a in cases if a.household.status not in FROM_STATUS[a.kind]]
        if changed:
            errors["applications"] = _(
                "以下农户的户状态已与申请不符，请退回核实后再公告：%(names)s。"
            ) % {
                "names": "、".join(
                    f"{a.household.head_name}（{a.household.number}）" for a in changed
                )
            }
    if errors:
        raise ValidationError(errors)
    notice = notice_post(
        actor=actor,
        purpose=NoticePurpose.IDENTIFICATION,
        level=level,
        area=area,
        year=year,
        title=_("%(area)s%(year)s年度贫困人口识别%(level)s")
        % {"area": area.name, "year": year, "level": L(level).label},
        starts_on=starts_on,
        where_to_object=where_to_object,
        lines=[(a, a.household, a.get_kind_display()) for a in cases],
        announcement=level == L.COUNTY,
    )
    if level == L.COUNTY:
        for application in cases:
            _announce(application, actor=actor, notice=notice)
    return notice


def notice_post(
    *,
    actor,
    purpose: str,
    level: str,
    area: Area,
    year: int,
    title: str,
    starts_on: dt.date,
    where_to_object: str,
    lines: list[tuple],
    announcement: bool = False,
    least_days: int = 1,
) -> Notice:
    """Post a notice of `lines` (each: the case, its household, the reason shown) in the area:
    a 公示 that runs the period its level has in the county (at least `least_days`), or an
    announcement (公告), published at once. The caller has checked who may post it and what."""
    if announcement:
        days, working, ends_on, state = 0, False, starts_on, NoticeState.PUBLISHED
    else:
        days, working = notice_period(area.code, level)
        days = max(days, least_days)
        ends_on, state = period_end(starts_on, days, working), NoticeState.RUNNING
    notice = Notice.objects.create(
        purpose=purpose,
        level=level,
        area=area,
        year=year,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        days=days,
        working_days=working,
        where_to_object=where_to_object[:200],
        state=state,
        created_by=actor,
        ended_at=timezone.now() if announcement else None,
    )
    NoticeItem.objects.bulk_create(
        NoticeItem(
            notice=notice,
            position=position,
            content_type=ContentType.objects.get_for_model(case),
            object_id=case.pk,
            household=household,
            group=household.group if household else "",
            head_name=household.head_name if household else str(case),
            size=household.size if household else None,
            reason=str(reason)[:200],
        )
        for position, (case, household, reason) in enumerate(lines, start=1)
    )
    return notice


def running_items(model=Application):
    """The lines of running notices about cases (applications, unless told) still on them."""
    return NoticeItem.objects.running().filter(
        content_type=ContentType.objects.get_for_model(model)
    )


def held_by_objection(model=Application):
    """The ids of cases (applications, unless told) an objection not yet decided holds, on
    whatever notice."""
    return Objection.objects.filter(
        state=ObjectionState.OPEN,
        item__content_type=ContentType.objects.get_for_model(model),
    ).values("item__object_id")


class Subject:
    """What the lines of notices of one purpose are about, and what the board does to them:
    identification's applications here; verification registers its exit assessments."""

    model = Application
    url_name = "application-detail"

    def case_url(self, item: NoticeItem) -> str:
        return reverse(self.url_name, args=[item.object_id])

    def send_back_choices(self, item: NoticeItem) -> list[tuple[str, str]]:
        """The steps an upheld objection may send the case back to (none: it goes back to be
        checked again as a whole)."""
        application = Application.objects.get(pk=item.object_id)
        return [(step, S(step).label) for step in earlier_steps(application)]

    def waiting(self, notice: Notice, item: NoticeItem) -> bool:
        """Whether the case still waits at this notice (an objection after its end holds it)."""
        return Application.objects.filter(pk=item.object_id, step=LEVEL_STEP[notice.level]).exists()

    def send_back(self, notice: Notice, item: NoticeItem, *, actor, decision: str, to: str):
        """An upheld objection: the case goes back to the step named, unless it is finished."""
        application = Application.objects.select_for_update().get(pk=item.object_id)
        if application.finished:
            return
        if to not in earlier_steps(application):
            raise ValidationError({"send_back_to": _("异议成立的，请选择退回重核的环节。")})
        record_step(
            application,
            actor=actor,
            rule=rule_for(notice.level),
            outcome=Outcome.SENT_BACK,
            note=_("异议成立：%(decision)s") % {"decision": decision},
            to=to,
            notice=notice,
        )

    def move_on(self, notice: Notice, item: NoticeItem) -> None:
        _move_on_if_clear(notice, item)


SUBJECTS: dict[str, Subject] = {NoticePurpose.IDENTIFICATION: Subject()}


def register_subject(purpose: str, subject: Subject) -> None:
    """Another app's notices (exits, projects …): called from its AppConfig.ready()."""
    SUBJECTS[purpose] = subject


def _on_running_notice(applications) -> bool:
    """Whether any of them is on a running notice, or held by an objection not yet decided."""
    ids = [a.pk for a in applications]
    return (
        running_items().filter(object_id__in=ids).exists()
        or Application.objects.filter(pk__in=ids).filter(pk__in=held_by_objection()).exists()
    )


def _announce(application: Application, *, actor, notice: Notice) -> None:
    """县级公告: the household becomes what the application asked, by the status service."""
    source = _("%(title)s（公告第 %(pk)s 号）") % {"title": notice.title, "pk": notice.pk}
    household = application.household
    kind = application.kind
    if kind in (K.ENTRY, K.REENTRY):
        household_status_set(
            actor=actor,
            household=household,
            to=HouseholdStatus.REGISTERED,
            source=source,
            year=application.year,
        )
    elif kind == K.REMOVAL:
        household_status_set(
            actor=actor,
            household=household,
            to=HouseholdStatus.REMOVED,
            source=source,
            reason=RemovalReason.MISIDENTIFIED,
            note=application.reason[:200],
        )
    else:
        household_monitoring_set(
            actor=actor,
            household=household,
            category=application.monitoring_category,
            source=source,
        )
    record_step(
        application,
        actor=actor,
        rule=rule_for(L.COUNTY),
        outcome=Outcome.ANNOUNCED,
        notice=notice,
    )


# --- the end of a period ---------------------------------------------------------------------


def notices_close_ended(today: dt.date | None = None) -> int:
    """End the notices whose period is over (the beat job, daily) and move on their cases
    that no open objection holds. Returns how many notices it ended."""
    today = today or timezone.localdate()
    ended = 0
    for pk in Notice.objects.filter(state=NoticeState.RUNNING, ends_on__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            notice = (
                Notice.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, state=NoticeState.RUNNING)
                .first()
            )
            if notice is None:
                continue  # another run has it
            notice.state, notice.ended_at = NoticeState.ENDED, timezone.now()
            notice.save(update_fields=["state", "ended_at"])
            subject = SUBJECTS[notice.purpose]
            for item in notice.items.filter(withdrawn=False):
                subject.move_on(notice, item)
            ended += 1
    return ended


def _move_on_if_clear(notice: Notice, item: NoticeItem) -> None:
    """Move the item's case on from its notice, unless it has left the notice, an objection
    about it is still open (on any notice), or it is on another notice still running."""
    if item.withdrawn:
        return
    application = Application.objects.select_for_update().get(pk=item.object_id)
    if application.step != LEVEL_STEP[notice.level]:
        return
    if Application.objects.filter(pk=application.pk, pk__in=held_by_objection()).exists():
        return
    if running_items().filter(object_id=application.pk).exclude(notice=notice).exists():
        return
    record_step(
        application,
        actor=None,
        rule=rule_for(notice.level),
        outcome=Outcome.NOTICED,
        note=_("%(title)s，%(start)s 至 %(end)s")
        % {
            "title": notice.title,
            "start": notice.starts_on.isoformat(),
            "end": notice.ends_on.isoformat(),
        },
        notice=notice,
    )


# --- objections ------------------------------------------------------------------------------


@transaction.atomic
def objection_record(
    *,
    actor,
    notice: Notice,
    item: NoticeItem,
    objector_name: str,
    objector_contact: str,
    channel: str,
    received_on: dt.date,
    content: str,
) -> Objection:
    """异议: received during the period, under the objector's real name, about one case still
    on the notice (one recorded after the notice ended holds its case only if the case has
    not moved on)."""
    if not any(scope.allows(actor, action, notice.area_id) for action in RECEIVE):
        raise PermissionDenied(_("您的岗位不能登记该地区公示的异议。"))
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    errors = {}
    if notice.state == NoticeState.PUBLISHED:
        errors["notice"] = _("公告不受理异议；对公告有意见的，请按信访举报登记。")
    elif item.withdrawn or (
        notice.state == NoticeState.ENDED and not SUBJECTS[notice.purpose].waiting(notice, item)
    ):
        errors["item"] = _("该对象已不在公示中，请按信访举报登记。")
    if item.notice_id != notice.pk:
        errors["item"] = _("请选择异议涉及的公示对象。")
    objector_name = (objector_name or "").strip()
    if len(objector_name) < 2:
        errors["objector_name"] = _("异议须实名提出，请填写异议人姓名。")
    if not (objector_contact or "").strip():
        errors["objector_contact"] = _("请填写异议人的联系方式。")
    if channel not in ObjectionChannel.values:
        errors["channel"] = _("请选择受理方式。")
    today = timezone.localdate()
    if received_on is None or not (notice.starts_on <= received_on <= min(notice.ends_on, today)):
        errors["received_on"] = _(
            "受理日期须在公示期内（%(start)s 至 %(end)s），且不晚于今天。"
        ) % {
            "start": notice.starts_on.isoformat(),
            "end": notice.ends_on.isoformat(),
        }
    if not (content or "").strip():
        errors["content"] = _("请填写异议内容。")
    if errors:
        raise ValidationError(errors)
    objection = Objection.objects.create(
        notice=notice,
        item=item,
        objector_name=objector_name[:50],
        objector_contact=objector_contact.strip()[:60],
        channel=channel,
        received_on=received_on,
        content=content.strip()[:2000],
        recorded_by=actor,
    )
    history.record(
        objection, action=ChangeAction.CREATE, changes=history.snapshot(objection), actor=actor
    )
    return objection


@transaction.atomic
def objection_decide(
    *,
    actor,
    objection: Objection,
    version: int,
    upheld: bool,
    decision: str,
    send_back_to: str = "",
) -> Objection:
    """Decide an objection after checking it: upheld, the case leaves the notice and goes back
    to the step named; not upheld, the case moves on once the notice has ended."""
    current = locking.lock(objection, version)
    notice = Notice.objects.select_for_update().get(pk=current.notice_id)
    ensure_allowed(actor, rule_for(notice.level), notice.area_id, _("处理异议"))
    if current.state != ObjectionState.OPEN:
        raise ValidationError({"state": _("该异议已处理。")})
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError({"decision": _("请写明核查结论。")})
    item = current.item
    subject = SUBJECTS[notice.purpose]
    before = history.snapshot(current)
    steps = {step for step, _label in subject.send_back_choices(item)} if upheld else set()
    current.state = ObjectionState.UPHELD if upheld else ObjectionState.NOT_UPHELD
    current.decision = decision
    current.send_back_to = send_back_to if send_back_to in steps else ""
    current.decided_by, current.decided_at = actor, timezone.now()
    current.version += 1
    current.save()
    history.record_update(current, before, actor=actor)
    if upheld:
        item.withdrawn = True
        item.save(update_fields=["withdrawn"])
        subject.send_back(notice, item, actor=actor, decision=decision, to=send_back_to)
    elif notice.state == NoticeState.ENDED:
        subject.move_on(notice, item)
    return current
