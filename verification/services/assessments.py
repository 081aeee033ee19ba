"""脱贫验收: an assessment of a household, a village, a township or a county against the exit
standard that applies to it; each item's value computed from the registry where it can be
(income, schooling, medical insurance, housing, water, power, incidence) and entered with its
evidence where not; frozen in a snapshot when it is put to signature (signatures.py).

Who starts and prepares an assessment: a household's, its village's cadre; a village's, the
township office; a township's and the county's own, the county office."""

import datetime as dt
import hashlib
import json
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import history, locking, scope
from core.choices import Action, AreaLevel, ChangeAction
from core.models import Area
from identification.services.attachments import check_files
from registry import selectors as registry_selectors
from registry.choices import HouseholdStatus, HousingSafety, SchoolStatus
from registry.models import Household, Income

from ..choices import AssessmentState, Comparison, ExitLevel, ItemSource
from ..models import (
    OPEN_STATES,
    AreaExit,
    Assessment,
    AssessmentItem,
    Evidence,
    SignOffRole,
    Snapshot,
    StandardItem,
)
from .incidence import incidence_of
from .standards import standard_for

A, E = AssessmentState, ExitLevel
# The action, and the level of the post, that prepares an assessment of each level.
PREPARE = {
    E.HOUSEHOLD: (Action.EDIT, AreaLevel.VILLAGE),
    E.VILLAGE: (Action.REVIEW, AreaLevel.TOWNSHIP),
    E.TOWNSHIP: (Action.APPROVE, AreaLevel.COUNTY),
    E.COUNTY: (Action.APPROVE, AreaLevel.COUNTY),
}
EDITABLE = (A.DRAFT, A.RETURNED)
# 义务教育: children from 6 to 15 at the start of the school year (1 September).
SCHOOL_AGES = range(6, 16)
IN_SCHOOL = {
    SchoolStatus.PRIMARY,
    SchoolStatus.GRADE_7,
    SchoolStatus.GRADE_8,
    SchoolStatus.GRADE_9,
}


def may_prepare(user, level: str, area_code: str) -> bool:
    action, post_level = PREPARE[level]
    return scope.allows(user, action, area_code, post_level)


def ensure_may_prepare(user, level: str, area_code: str) -> None:
    if not may_prepare(user, level, area_code):
        action, post_level = PREPARE[level]
        raise PermissionDenied(
            _("%(level)s的退出验收须由%(post)s级岗位中有“%(action)s”权限的人员办理。")
            % {
                "level": E(level).label,
                "post": AreaLevel(post_level).label,
                "action": Action(action).label,
            }
        )


# --- starting ----------------------------------------------------------------------------------


@transaction.atomic
def assessment_start(
    *,
    actor,
    year: int,
    household: Household | None = None,
    level: str = E.HOUSEHOLD,
    area: Area | None = None,
) -> Assessment:
    """Start the assessment of a registered household (from the planned-exit list) or of an
    area, with its items evaluated from the registry."""
    if household is not None:
        level, area = E.HOUSEHOLD, household.village
    if level not in E.values or area is None:
        raise ValidationError({"area": _("请选择要验收的户或地区。")})
    ensure_may_prepare(actor, level, area.code)
    errors = {}
    this_year = timezone.localdate().year
    if not (2014 <= year <= this_year):
        errors["year"] = _("年度应在 2014 至 %(max)s 之间。") % {"max": this_year}
    open_ones = Assessment.objects.filter(state__in=OPEN_STATES)
    if household is not None:
        household = Household.objects.select_for_update().get(pk=household.pk)
        if household.status != HouseholdStatus.REGISTERED:
            errors["household"] = _("只有在册贫困户可以验收退出；该户现为“%(status)s”。") % {
                "status": household.get_status_display()
            }
        elif open_ones.filter(household=household).exists():
            errors["household"] = _("该户已有正在办理的退出验收。")
    else:
        area = Area.objects.select_for_update().get(pk=area.pk)  # one start at a time
        if area.level != level:
            errors["area"] = _("所选地区不是%(level)s。") % {"level": E(level).label}
        elif open_ones.filter(level=level, area=area, household__isnull=True).exists():
            errors["area"] = _("该地区已有正在办理的退出验收。")
        elif AreaExit.objects.filter(area=area, revoked=False).exists():
            errors["area"] = _("该地区已经退出。")
    standard = standard_for(level, area.code, year)
    if standard is None:
        errors["area"] = _("该地区 %(year)s 年度没有适用的退出标准。") % {"year": year}
    if errors:
        raise ValidationError(errors)
    assessment = Assessment.objects.create(
        level=level,
        area=area,
        household=household,
        year=year,
        standard=standard,
        started_by=actor,
    )
    AssessmentItem.objects.bulk_create(
        _item_from(assessment, item) for item in standard.items.order_by("position")
    )
    evaluate(assessment)
    history.record(
        assessment,
        action=ChangeAction.CREATE,
        changes=history.snapshot(assessment),
        actor=actor,
    )
    return assessment


def assessments_start_for_village(
    *, actor, village: Area, year: int
) -> tuple[list[Assessment], list[tuple[Household, str]]]:
    """A village's batch: an assessment for each household planned to exit in `year` that has
    none under way; those that cannot start are returned with the reason, the rest go ahead."""
    ensure_may_prepare(actor, E.HOUSEHOLD, village.code)
    planned = (
        Household.objects.filter(
            village=village, status=HouseholdStatus.REGISTERED, planned_exit_year=year
        )
        .exclude(exit_assessments__state__in=OPEN_STATES)
        .order_by("number")
    )
    started, skipped = [], []
    for household in planned:
        try:
            started.append(assessment_start(actor=actor, household=household, year=year))
        except ValidationError as error:
            skipped.append((household, " ".join(error.messages)))
    return started, skipped


def _item_from(assessment: Assessment, item: StandardItem) -> AssessmentItem:
    return AssessmentItem(
        assessment=assessment,
        position=item.position,
        code=item.code,
        label=item.label,
        source=item.source,
        threshold=item.threshold,
        comparison=item.comparison,
    )


# --- what the registry says -------------------------------------------------------------------


def evaluate(assessment: Assessment) -> None:
    """(Re)compute every item the registry can answer, from the registry as it is now."""
    facts = Facts(assessment)
    for item in assessment.items.exclude(source=ItemSource.ENTERED):
        item.value, item.number, item.passed = facts.value_of(item)
        item.save(update_fields=["value", "number", "passed"])


class Facts:
    """The registry's answers for one assessment, each read once. A list of many households
    passes what it read for all of them at once (`members`, `income`, `lines`)."""

    NOT_READ = object()

    def __init__(self, assessment: Assessment, *, members=None, income=NOT_READ, lines=None):
        self.assessment = assessment
        self.household = assessment.household
        self._members = members
        self._income_row = income
        self._lines = lines

    @property
    def members(self):
        if self._members is None:
            self._members = list(self.household.members.live().order_by("pk"))
        return self._members

    def value_of(self, item: AssessmentItem) -> tuple[str, Decimal | None, bool | None]:
        return getattr(self, f"_{item.source}")(item)

    def _income(self, item):
        year = self.assessment.year
        if self._income_row is self.NOT_READ:
            self._income_row = Income.objects.filter(household=self.household, year=year).first()
        income = self._income_row
        line = (self._lines or registry_selectors.poverty_lines()).get(year)
        if income is None or line is None:
            missing = (
                _("未录入 %(year)s 年度收入")
                if income is None
                else _("未录入 %(year)s 年度扶贫标准")
            )
            return missing % {"year": year}, None, None
        per_capita = income.per_capita_net_income
        if per_capita is None:
            return _("收入记录的家庭人口数为 0"), None, None
        value = _("人均纯收入 %(income)s 元，%(year)s 年度扶贫标准 %(line)s 元") % {
            "income": per_capita,
            "year": year,
            "line": line.amount,
        }
        return value, None, per_capita > line.amount

    def _education(self, item):
        start = dt.date(self.assessment.year, 9, 1)
        of_age = [
            m for m in self.members if m.birth_date and age(m.birth_date, start) in SCHOOL_AGES
        ]
        out = [m.name for m in of_age if m.school_status not in IN_SCHOOL]
        if not of_age:
            return _("无义务教育阶段人口"), None, True
        if out:
            return (
                _("义务教育阶段 %(n)s 人，未在校：%(names)s")
                % {
                    "n": len(of_age),
                    "names": "、".join(out),
                },
                None,
                False,
            )
        return _("义务教育阶段 %(n)s 人，均在校") % {"n": len(of_age)}, None, True

    def _medical(self, item):
        uninsured = [m.name for m in self.members if not m.medical_insurance]
        if uninsured:
            return _("未参加基本医疗保险：%(names)s") % {"names": "、".join(uninsured)}, None, False
        return _("%(n)s 人均参加基本医疗保险") % {"n": len(self.members)}, None, True

    def _housing(self, item):
        safety = self.household.housing_safety
        if not safety:
            return _("未填写住房安全情况"), None, None
        return self.household.get_housing_safety_display(), None, safety == HousingSafety.SAFE

    def _yes_no(self, value):
        if value is None:
            return _("未填写"), None, None
        return (_("是") if value else _("否")), None, bool(value)

    def _water(self, item):
        return self._yes_no(self.household.safe_drinking_water)

    def _power(self, item):
        return self._yes_no(self.household.electricity)

    def _tv(self, item):
        return self._yes_no(self.household.broadcast_tv)

    def _incidence(self, item):
        found = incidence_of(self.assessment.area, self.assessment.year)
        if found.rate is None:
            return _("贫困人口 %(poor)s 人，未录入户籍农业人口") % {"poor": found.poor}, None, None
        value = _("贫困人口 %(poor)s 人，户籍农业人口 %(population)s 人，贫困发生率 %(rate)s%%") % {
            "poor": found.poor,
            "population": found.population,
            "rate": found.rate,
        }
        return value, found.rate, _compare(found.rate, item)


def age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _compare(number: Decimal, item) -> bool:
    if item.comparison == Comparison.AT_LEAST:
        return number >= item.threshold
    return number < item.threshold


# --- what is entered --------------------------------------------------------------------------


@transaction.atomic
def item_enter(
    *,
    actor,
    item: AssessmentItem,
    version: int,
    passed: bool | None = None,
    number=None,
    value: str = "",
    note: str = "",
    files=(),
) -> AssessmentItem:
    """Record what the check found for an item the registry cannot answer: met or not (or,
    for a rate, its figure against the threshold), with a note and its evidence (a passing
    item needs at least one photo or scan). Computed items take a note only."""
    assessment = locking.lock(item.assessment, version)
    ensure_may_prepare(actor, assessment.level, assessment.area_id)
    if assessment.state not in EDITABLE:
        raise ValidationError({"state": _("验收已提交签字，不能再修改。")})
    item = AssessmentItem.objects.select_for_update().get(pk=item.pk, assessment=assessment)
    before = state_of(assessment)
    note = (note or "").strip()[:2000]
    uploads = check_files(files)
    if item.source == ItemSource.ENTERED:
        errors = {}
        if item.threshold is not None:
            try:
                figure = Decimal(str(number).strip())
            except (InvalidOperation, ValueError):
                errors["number"] = _("请填写“%(item)s”的数值。") % {"item": item.label}
            else:
                if not (0 <= figure <= 100):
                    errors["number"] = _("百分比应在 0 至 100 之间。")
                else:
                    item.number = figure.quantize(Decimal("0.01"))
                    item.passed = _compare(item.number, item)
                    item.value = f"{item.number}%"
        elif passed is None:
            errors["passed"] = _("请选择“%(item)s”是否达标。") % {"item": item.label}
        else:
            item.passed = bool(passed)
            item.value = (value or "").strip()[:300] or (_("达标") if passed else _("未达标"))
        if item.passed and not uploads and not item.evidence.exists():
            errors["files"] = _("达标的核查指标须附佐证材料（照片或扫描件）。")
        if errors:
            raise ValidationError(errors)
    item.note = note
    item.save()
    for upload, kind in uploads:
        _keep_evidence(item, upload, kind)
    _touched(assessment, actor, before)
    return item


def _keep_evidence(item: AssessmentItem, upload, kind: str) -> Evidence:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        item=item,
        name=upload.name[-200:],
        content_type=kind,
        size=upload.size,
        digest=digest.hexdigest(),
    )
    evidence.file.save(upload.name[-100:], upload, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def assessment_refresh(*, actor, assessment: Assessment, version: int) -> Assessment:
    """Read the registry again (after its income or its members were corrected)."""
    current = locking.lock(assessment, version)
    ensure_may_prepare(actor, current.level, current.area_id)
    if current.state not in EDITABLE:
        raise ValidationError({"state": _("验收已提交签字，不能再修改。")})
    before = state_of(current)
    evaluate(current)
    _touched(current, actor, before)
    return current


def state_of(assessment: Assessment) -> dict:
    """The assessment's fields and each item's finding, as its history compares them."""
    items = {
        _("指标：%(item)s") % {"item": item.label}: " ".join(
            part
            for part in (
                item.value,
                {True: _("达标"), False: _("未达标")}.get(item.passed, ""),
                item.note,
            )
            if part
        )
        for item in assessment.items.order_by("position")
    }
    return history.snapshot(assessment) | items


def _touched(assessment: Assessment, actor, before: dict) -> None:
    assessment.version += 1
    assessment.save()
    changes = history.diff(before, state_of(assessment))
    if changes:
        history.record(assessment, action=ChangeAction.UPDATE, changes=changes, actor=actor)


# --- putting it to signature ------------------------------------------------------------------


@transaction.atomic
def assessment_submit(*, actor, assessment: Assessment, version: int) -> Assessment:
    """送签: the registry read once more, every item passed, the data frozen in a snapshot
    the signers answer for."""
    current = locking.lock(assessment, version)
    ensure_may_prepare(actor, current.level, current.area_id)
    if current.state not in EDITABLE:
        raise ValidationError({"state": _("验收已提交签字。")})
    if current.household_id:
        status = Household.objects.get(pk=current.household_id).status
        if status != HouseholdStatus.REGISTERED:
            raise ValidationError({"household": _("该户已不是在册贫困户，不能验收退出。")})
    before = state_of(current)
    evaluate(current)
    failing = [item.label for item in current.items.all() if item.passed is not True]
    if failing:
        raise ValidationError(
            {
                "items": _("以下指标未达标或未核查，不能提交签字：%(items)s。")
                % {"items": "、".join(failing)}
            }
        )
    round_no = current.snapshots.count() + 1
    data = snapshot_data(current, round_no)
    if not data["chain"]:
        raise ValidationError({"state": _("尚未设置该级的签字确认岗位，请联系管理员。")})
    Snapshot.objects.create(assessment=current, round=round_no, data=data, digest=digest_of(data))
    current.state, current.returned_reason = A.SIGNING, ""
    current.next_role_id = data["chain"][0]
    _touched(current, actor, before)
    return current


def chain_of(level: str) -> list[str]:
    """The roles that sign an exit of the level, in order, as the chain is set now."""
    return list(
        SignOffRole.objects.filter(level=level)
        .order_by("position")
        .values_list("role_id", flat=True)
    )


def snapshot_data(assessment: Assessment, round_no: int) -> dict:
    """What the decision rests on: the items with their values and evidence (by digest), the
    household or the area as the registry has it now, and the chain that is to sign it (frozen
    for the round: a later change of the chain does not move a signature). No ID or bank
    numbers."""
    data = {
        "assessment": assessment.pk,
        "round": round_no,
        "chain": chain_of(assessment.level),
        "level": assessment.level,
        "area": assessment.area_id,
        "year": assessment.year,
        "standard": assessment.standard.code,
        "items": [
            {
                "code": item.code,
                "label": item.label,
                "value": item.value,
                "number": str(item.number) if item.number is not None else None,
                "threshold": str(item.threshold) if item.threshold is not None else None,
                "passed": item.passed,
                "note": item.note,
                "evidence": [
                    {"name": e.name, "size": e.size, "sha256": e.digest}
                    for e in item.evidence.all()
                ],
            }
            for item in assessment.items.prefetch_related("evidence").order_by("position")
        ],
    }
    if assessment.household_id:
        household = assessment.household
        income = Income.objects.filter(household=household, year=assessment.year).first()
        data["household"] = {
            "number": household.number,
            "head_name": household.head_name,
            "size": household.size,
            "group": household.group,
            "planned_exit_year": household.planned_exit_year,
            "net_income": str(income.net_income) if income else None,
            "members": [
                {
                    "name": m.name,
                    "relation": m.relation,
                    "birth_year": m.birth_date.year if m.birth_date else None,
                    "school_status": m.school_status,
                    "medical_insurance": m.medical_insurance,
                }
                for m in household.members.live().order_by("pk")
            ],
        }
    else:
        found = incidence_of(assessment.area, assessment.year)
        data["incidence"] = {
            "poor": found.poor,
            "population": found.population,
            "rate": str(found.rate) if found.rate is not None else None,
        }
    return data


def canonical(data) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def digest_of(data) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()
