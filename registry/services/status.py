"""A household's status (申请中, 贫困户, 已脱贫, 已清退/减少) and what goes with it: the one
writer. Only the procedures call it: identification's announcement, exit verification's last
signature, a revocation, or a county administrator's migration import (which computes the same
values through `status_values`, tested equal). No form, API field or admin action can.

Why: a status that any editor could set is "数字脱贫", exactly what the 4342 sign-off chain
exists to prevent (DOMAIN.md §6)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import history, scope
from core.choices import Action, ChangeAction

from ..choices import HouseholdStatus, MonitoringCategory, RemovalReason
from ..models import HOUSEHOLD_STATUS_FIELDS, Household
from ._common import save

S = HouseholdStatus
# The moves a status may make; any other is refused.
TRANSITIONS = {
    S.APPLICANT: {S.REGISTERED, S.REMOVED},  # 纳入 after the 12345 procedure, or not admitted
    S.REGISTERED: {S.EXITED, S.REMOVED},  # 脱贫 after the 4342 chain; 清退 or 自然减少
    S.EXITED: {S.REGISTERED, S.REMOVED},  # 返贫纳入, or 自然减少
    S.REMOVED: {S.REGISTERED},  # 重新纳入 after the 12345 procedure
}


def status_values(
    *,
    current: dict,
    to: str,
    year: int | None = None,
    reason: str = "",
    note: str = "",
    annulling_exit: bool = False,
) -> dict:
    """The status fields after a move to `to`, from the household's current ones: the year is
    the identification year on entry, the exit year on exit, the return year on a return (a
    migration import may not know it); an exit annulled as false (`annulling_exit`) never
    happened, so it leaves no exit year and is no return. Raises ValidationError (at the
    field) when the move lacks what it needs."""
    if to not in S.values:
        raise ValidationError({"status": _("未知的户状态：%(value)s") % {"value": to}})
    values = {name: current.get(name) for name in HOUSEHOLD_STATUS_FIELDS}
    values.update(status=to, removal_reason="", removal_note="")
    if to == S.REGISTERED and annulling_exit:
        if current.get("status") != S.EXITED:
            raise ValidationError({"status": _("只有已脱贫户的退出可以撤销。")})
        values["exit_year"] = None
    elif to == S.REGISTERED:
        if current.get("status") == S.EXITED:
            values["return_year"] = year
        else:
            values["first_identified_year"] = values["first_identified_year"] or year
    elif to == S.EXITED:
        values["exit_year"] = year
    elif to == S.REMOVED:
        if reason not in RemovalReason.values:
            raise ValidationError({"reason": _("请选择清退或减少的原因。")})
        values.update(removal_reason=reason, removal_note=note[:200])
    return values


@transaction.atomic
def household_status_set(
    *,
    actor,
    household: Household,
    to: str,
    source: str,
    year: int | None = None,
    reason: str = "",
    note: str = "",
    action: str = Action.APPROVE,
    annulling_exit: bool = False,
) -> Household:
    """Move a household to another status. `source` names what decided it (a procedure step,
    a signature, an import), and is kept in the history; `action` is what the caller's step
    required of the actor, checked here over the household's area."""
    if not source:
        raise ValueError("a status change must name its source")
    scope.ensure(actor, action, household.village_id)
    if to in (S.REGISTERED, S.EXITED) and not year:
        raise ValidationError({"year": _("请填写年度。")})
    current = Household.objects.select_for_update().get(pk=household.pk)
    if to not in TRANSITIONS.get(current.status, set()):
        raise ValidationError(
            {
                "status": _("不能从“%(from)s”变为“%(to)s”。")
                % {"from": S(current.status).label, "to": S(to).label if to in S.values else to}
            }
        )
    before = history.snapshot_fields(current)
    values = status_values(
        current={name: getattr(current, name) for name in HOUSEHOLD_STATUS_FIELDS},
        to=to,
        year=year,
        reason=reason,
        note=note,
        annulling_exit=annulling_exit,
    )
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean(validate_unique=False, validate_constraints=False)
    current.version += 1
    save(current)
    history.record(
        current,
        action=ChangeAction.STATUS,
        changes=history.diff(before, history.snapshot_fields(current)),
        actor=actor,
        source=source,
    )
    household.version = current.version
    return current


@transaction.atomic
def household_monitoring_set(
    *, actor, household: Household, category: str, source: str, action: str = Action.APPROVE
) -> Household:
    """Enter a household as monitored (边缘户, 脱贫不稳定户, 突发严重困难户), as an
    identification procedure decided (`source`)."""
    if not source:
        raise ValueError("a monitoring change must name its source")
    scope.ensure(actor, action, household.village_id)
    if category not in MonitoringCategory.values:
        raise ValidationError({"monitoring_category": _("请选择监测类型。")})
    current = Household.objects.select_for_update().get(pk=household.pk)
    before = history.snapshot_fields(current)
    current.monitoring_category = category
    current.version += 1
    save(current)
    history.record(
        current,
        action=ChangeAction.STATUS,
        changes=history.diff(before, history.snapshot_fields(current)),
        actor=actor,
        source=source,
    )
    household.version = current.version
    return current
