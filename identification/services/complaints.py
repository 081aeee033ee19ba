"""Complaints (信访举报): every one is checked (必查). Received by whoever takes the call, the
letter or the visitor; assigned by the office over its area to someone who answers for it by a
deadline; checked; answered. It opens a finding, which the findings list works down like any
other; a complaint that questions a household's status may open a removal or re-entry
application."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import history, locking, scope
from core.choices import Action, ChangeAction
from core.models import Area
from registry.models import Household
from registry.selectors import current_income_year

from ..choices import (
    ApplicationKind,
    ComplaintConcern,
    ComplaintState,
    FindingKind,
    FindingSource,
    FindingState,
    ObjectionChannel,
)
from ..models import Application, Complaint, Finding
from .findings import finding_assign
from .procedure import application_open

C = ComplaintState
# Receiving: the village's cadre or an office; assigning and answering: the office over the
# area (review); checking: whoever it was assigned to, or the office.
RECEIVE = (Action.EDIT, Action.REVIEW)
ASSIGN = Action.REVIEW
ANSWER = Action.REVIEW
# The application a complaint may open, by what it says and what the household is: wrongly in
# (错评) → removal; wrongly left out (漏评) → entry; wrongly exited (错退) → re-entry.
STATUS_APPLICATION = {
    (ComplaintConcern.WRONG_ENTRY, "registered"): ApplicationKind.REMOVAL,
    (ComplaintConcern.WRONG_ENTRY, "exited"): ApplicationKind.REMOVAL,
    (ComplaintConcern.MISSED, "applicant"): ApplicationKind.ENTRY,
    (ComplaintConcern.MISSED, "removed"): ApplicationKind.ENTRY,
    (ComplaintConcern.WRONG_EXIT, "exited"): ApplicationKind.REENTRY,
}


def _record(complaint: Complaint, actor, before: dict | None) -> None:
    if before is None:
        history.record(
            complaint, action=ChangeAction.CREATE, changes=history.snapshot(complaint), actor=actor
        )
    else:
        history.record_update(complaint, before, actor=actor)


@transaction.atomic
def complaint_record(
    *,
    actor,
    channel: str,
    received_on: dt.date,
    concern: str,
    content: str,
    area: Area | None = None,
    household: Household | None = None,
    complainant_name: str = "",
    complainant_contact: str = "",
) -> Complaint:
    """Receive a complaint about a household (its village is the complaint's area) or an
    area, and open the finding that tracks what it says is wrong."""
    if household is not None:
        area = household.village
    errors = {}
    if area is None:
        errors["area"] = _("请选择涉及的农户或地区。")
    elif not any(scope.allows(actor, action, area.code) for action in RECEIVE):
        raise PermissionDenied(_("您的岗位不能登记该地区的信访举报。"))
    if channel not in ObjectionChannel.values:
        errors["channel"] = _("请选择受理方式。")
    if concern not in ComplaintConcern.values:
        errors["concern"] = _("请选择反映类别。")
    if received_on is None or received_on > timezone.localdate():
        errors["received_on"] = _("受理日期不能晚于今天。")
    content = (content or "").strip()
    if not content:
        errors["content"] = _("请填写反映内容。")
    if errors:
        raise ValidationError(errors)
    complaint = Complaint.objects.create(
        channel=channel,
        received_on=received_on,
        concern=concern,
        content=content[:4000],
        area=area,
        household=household,
        complainant_name=(complainant_name or "").strip()[:50],
        complainant_contact=(complainant_contact or "").strip()[:60],
        recorded_by=actor,
    )
    complaint.finding = Finding.objects.create(
        kind=FindingKind.COMPLAINT,
        source=FindingSource.COMPLAINT,
        key=f"{FindingKind.COMPLAINT}:{complaint.pk}",
        area_code=area.code,
        household=household,
        name=household.head_name if household else "",
        message=_("%(complaint)s（%(concern)s）：%(content)s")
        % {
            "complaint": complaint,
            "concern": complaint.get_concern_display(),
            "content": content[:300],
        },
        evidence={"complaint": complaint.pk, "received_on": received_on.isoformat()},
        deadline=timezone.localdate() + dt.timedelta(days=settings.FINDING_DEADLINE_DAYS),
    )
    complaint.save(update_fields=["finding"])
    _record(complaint, actor, None)
    return complaint


@transaction.atomic
def complaint_assign(
    *, actor, complaint: Complaint, version: int, assignee, deadline: dt.date
) -> Complaint:
    """交办: who checks and answers for the complaint, by when (the office over its area)."""
    current = locking.lock(complaint, version)
    scope.ensure(actor, ASSIGN, current.area_id)
    errors = {}
    if current.state == C.ANSWERED:
        errors["state"] = _("已答复的信访举报不能再交办。")
    if assignee is None or not scope.allows(assignee, Action.VIEW, current.area_id):
        errors["assignee"] = _("承办人须是能查看该地区的用户。")
    if deadline is None or deadline < current.received_on:
        errors["deadline"] = _("办理期限不能早于受理日期。")
    if errors:
        raise ValidationError(errors)
    before = history.snapshot(current)
    current.assignee, current.deadline = assignee, deadline
    if current.state == C.RECEIVED:
        current.state = C.ASSIGNED
    finding = current.finding
    if finding is not None and finding.state != FindingState.CLOSED:
        finding_assign(
            actor=actor,
            finding=finding,
            version=finding.version,
            deadline=deadline,
            responsible=assignee,
        )
    current.version += 1
    current.save()
    _record(current, actor, before)
    return current


def _may_check(user, complaint: Complaint) -> bool:
    return complaint.assignee_id == user.pk or scope.allows(user, ANSWER, complaint.area_id)


@transaction.atomic
def complaint_check(*, actor, complaint: Complaint, version: int) -> Complaint:
    """The assignee (or the office) starts checking."""
    current = locking.lock(complaint, version)
    if not _may_check(actor, current):
        raise PermissionDenied(_("只有承办人或上级扶贫办可以办理。"))
    if current.state != C.ASSIGNED:
        raise ValidationError({"state": _("请先交办，再开始核查。")})
    before = history.snapshot(current)
    current.state = C.CHECKING
    current.version += 1
    current.save()
    _record(current, actor, before)
    return current


@transaction.atomic
def complaint_answer(
    *, actor, complaint: Complaint, version: int, upheld: bool, answer: str
) -> Complaint:
    """答复: what the check found, told to the complainant (the office over the area)."""
    current = locking.lock(complaint, version)
    scope.ensure(actor, ANSWER, current.area_id)
    if current.state != C.CHECKING:
        raise ValidationError({"state": _("核查后才能答复。")})
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("请填写答复意见。")})
    before = history.snapshot(current)
    current.state, current.upheld, current.answer = C.ANSWERED, upheld, answer
    current.answered_at = timezone.now()
    current.version += 1
    current.save()
    _record(current, actor, before)
    return current


def application_kind_for(complaint: Complaint) -> str | None:
    """The application a complaint may open: one questioning a household's status, not
    answered as untrue."""
    if complaint.household is None or complaint.upheld is False:
        return None
    return STATUS_APPLICATION.get((complaint.concern, complaint.household.status))


@transaction.atomic
def complaint_open_application(*, actor, complaint: Complaint) -> Application:
    """据此提出申请: a removal (a registered household wrongly in), a re-entry (an exited one
    wrongly out), or an entry (a household wrongly left out), through the 12345 procedure."""
    kind = application_kind_for(complaint)
    if kind is None:
        raise ValidationError(_("只有反映某户识别或退出不准的信访举报可以据此提出申请。"))
    application = application_open(
        actor=actor,
        household=complaint.household,
        kind=kind,
        year=current_income_year(),
        reason=_("%(complaint)s反映：%(content)s")
        % {
            "complaint": complaint,
            "content": complaint.content[:400],
        },
    )
    application.complaint = complaint
    application.save(update_fields=["complaint"])
    return application
