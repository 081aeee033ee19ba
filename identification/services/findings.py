"""Findings (问题清单): opened by the jobs that look for problems, then worked down to 销号.

A job says what it finds now (`Found`); findings_reconcile opens what is new, leaves alone what
is already being worked on, and marks findings whose cause has gone (they can then be closed).
A key a reviewer judged not true (dismissed, then closed) is not opened again.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import history, locking, scope
from core.bulk import copy_insert
from core.choices import Action, ChangeAction

from ..choices import FindingState
from ..models import Finding

S = FindingState
# (from, to) -> the actions of which the user's post must grant one over the finding's area.
# Checking and correcting is the village's work (edit), or an office's (review) for a finding
# above any village (a person on a county's roster in no household); 销号, and sending a
# finding back, is the office above's (approve).
CHECKS = (Action.EDIT, Action.REVIEW)
TRANSITIONS = {
    (S.OPEN, S.CHECKING): CHECKS,
    (S.CHECKING, S.CORRECTED): CHECKS,
    (S.CHECKING, S.DISMISSED): CHECKS,
    (S.CORRECTED, S.CLOSED): (Action.APPROVE,),
    (S.DISMISSED, S.CLOSED): (Action.APPROVE,),
    (S.CORRECTED, S.CHECKING): (Action.APPROVE,),
    (S.DISMISSED, S.CHECKING): (Action.APPROVE,),
}
# A finding whose cause has gone (the job no longer finds it) may be closed where it stands.
CLOSE_GONE = {
    (S.OPEN, S.CLOSED): (Action.APPROVE,),
    (S.CHECKING, S.CLOSED): (Action.APPROVE,),
}
NEEDS_NOTE = {S.CORRECTED, S.DISMISSED}
# Setting a finding's deadline and responsible person: the office over its area.
ASSIGN = Action.REVIEW


@dataclass
class Found:
    """A problem a job found, as a finding would record it."""

    key: str
    kind: str
    source: str
    area_code: str
    message: str
    household_id: int | None = None
    member_id: int | None = None
    id_number: str = ""
    name: str = ""
    roster_id: int | None = None
    rule_id: str | None = None
    evidence: dict = field(default_factory=dict)


@dataclass
class Reconciled:
    opened: list[Finding]
    still_open: int
    resolved: int


def findings_reconcile(*, found: list[Found], among) -> Reconciled:
    """Bring the findings `among` (the queryset a job answers for: its rule's, or one roster
    type's in one area) in line with what the job found now."""
    now = timezone.now()
    found_keys = {item.key for item in found}
    active = {
        key: (pk, gone_at, roster_id)
        for key, pk, gone_at, roster_id in among.active()
        .values_list("key", "pk", "cause_gone_at", "roster_id")
        .iterator()
    }
    judged_untrue = set(
        among.filter(state=S.CLOSED, resolution_kind=S.DISMISSED).values_list("key", flat=True)
    )
    deadline = timezone.localdate() + dt.timedelta(days=settings.FINDING_DEADLINE_DAYS)
    found = list({item.key: item for item in found}.values())  # one finding per key
    opened = [
        Finding(
            key=item.key,
            kind=item.kind,
            source=item.source,
            area_code=item.area_code,
            message=item.message,
            household_id=item.household_id,
            member_id=item.member_id,
            id_number=item.id_number,
            name=item.name[:50],
            roster_id=item.roster_id,
            rule_id=item.rule_id,
            evidence=item.evidence,
            deadline=deadline,
        )
        for item in found
        if item.key not in active and item.key not in judged_untrue
    ]
    gone = [
        key
        for key, (_pk, gone_at, _r) in active.items()
        if gone_at is None and key not in found_keys
    ]
    back = [
        key
        for key, (_pk, gone_at, _r) in active.items()
        if gone_at is not None and key in found_keys
    ]
    # Still found, now on a newer version of its roster: the finding cites the version that
    # shows it today, so its evidence is the list in force, not one since replaced.
    restated = [
        Finding(
            pk=active[item.key][0],
            roster_id=item.roster_id,
            evidence=item.evidence,
            message=item.message,
            updated_at=now,
        )
        for item in found
        if item.key in active and item.roster_id and item.roster_id != active[item.key][2]
    ]
    with transaction.atomic():
        copy_insert(Finding, opened)
        for chunk in _chunks(gone):
            among.active().filter(key__in=chunk).update(cause_gone_at=now, updated_at=now)
        for chunk in _chunks(back):
            among.active().filter(key__in=chunk).update(cause_gone_at=None, updated_at=now)
        Finding.objects.bulk_update(
            restated, ["roster", "evidence", "message", "updated_at"], batch_size=1000
        )
    return Reconciled(opened=opened, still_open=len(active) - len(gone), resolved=len(gone))


def _chunks(keys: list[str], size: int = 5000):
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def transitions_from(finding: Finding) -> dict[str, tuple]:
    """The states a finding may move to from where it is, each with the actions of which the
    user's post must grant one over the finding's area."""
    table = TRANSITIONS | CLOSE_GONE if finding.cause_gone_at else TRANSITIONS
    return {to: actions for (start, to), actions in table.items() if start == finding.state}


@transaction.atomic
def finding_transition(
    *, actor, finding: Finding, to: str, version: int, note: str = ""
) -> Finding:
    """Move a finding one step along its lifecycle (TRANSITIONS), as the user's post allows
    over the finding's area. Correcting and dismissing say what was found."""
    current = locking.lock(finding, version)
    actions = transitions_from(current).get(to)
    if actions is None:
        raise ValidationError(
            {
                "state": _("问题不能从“%(from)s”变为“%(to)s”。")
                % {"from": current.get_state_display(), "to": S(to).label}
            }
        )
    if not any(scope.allows(actor, action, current.area_code) for action in actions):
        scope.ensure(actor, actions[0], current.area_code)  # refused, saying why
    note = note.strip()
    if to in NEEDS_NOTE and not note:
        raise ValidationError({"note": _("请写明核查结论。")})
    before = history.snapshot(current)
    _move(current, to, note)
    current.save()
    history.record_update(current, before, actor=actor)
    return current


def _move(finding: Finding, to: str, note: str) -> None:
    start = finding.state
    finding.state = to
    if to in NEEDS_NOTE:
        finding.resolution = note
        finding.resolution_kind = to
    if to == S.CLOSED:
        finding.closed_at = timezone.now()
        if start not in NEEDS_NOTE:  # closed where it stood, because its cause has gone
            finding.resolution = note or _("复查时问题已不存在（%(date)s）。") % {
                "date": timezone.localtime(finding.cause_gone_at).date().isoformat()
            }
            finding.resolution_kind = S.CORRECTED
    if to == S.CHECKING and note:
        finding.resolution = note  # why it was sent back
    finding.version += 1
    finding.updated_at = timezone.now()


def gone_closable(actor, findings):
    """The findings of `findings` whose cause has gone that the user's post may close."""
    return findings.restrict(actor, Action.APPROVE).active().filter(cause_gone_at__isnull=False)


@transaction.atomic
def findings_close_gone(*, actor, findings) -> int:
    """销号, in one go, every finding of `findings` whose cause has gone and that the user's
    post may close (approve over its area): after a new roster, hundreds can be. Returns how
    many it closed."""
    closing = list(gone_closable(actor, findings).select_for_update(of=("self",)).order_by("pk"))
    entries = []
    for finding in closing:
        before = history.snapshot(finding)
        _move(finding, S.CLOSED, "")
        entries.append(
            (finding, ChangeAction.UPDATE, history.diff(before, history.snapshot(finding)))
        )
    Finding.objects.bulk_update(
        closing,
        ["state", "closed_at", "resolution", "resolution_kind", "version", "updated_at"],
        batch_size=1000,
    )
    history.record_many(entries, actor=actor, source=_("批量销号已消失的问题"))
    return len(closing)


@transaction.atomic
def finding_assign(*, actor, finding: Finding, version: int, deadline, responsible) -> Finding:
    """Set who answers for a finding and by when: the office over its area (review)."""
    current = locking.lock(finding, version)
    scope.ensure(actor, ASSIGN, current.area_code)
    if current.state == S.CLOSED:
        raise ValidationError({"state": _("已销号的问题不能再指派。")})
    if responsible is not None and not scope.allows(responsible, Action.VIEW, current.area_code):
        raise ValidationError({"responsible": _("责任人须是能查看该地区的用户。")})
    if deadline is not None and deadline < current.created_at.date():
        raise ValidationError({"deadline": _("整改期限不能早于发现问题的日期。")})
    before = history.snapshot(current)
    current.deadline = deadline
    current.responsible = responsible
    changes = history.diff(before, history.snapshot(current))
    if changes:
        current.version += 1
        current.save()
        history.record(current, action=ChangeAction.UPDATE, changes=changes, actor=actor)
    return current
