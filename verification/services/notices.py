"""A household's exit is publicly noticed before its last signature (DOMAIN.md §6: 公示 of at
least a week), on identification's notice board: the village posts the households put to
signature; anyone may object under their real name while it runs; an upheld objection sends
the assessment back to be checked again, and a new round must be noticed again."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import history, scope
from core.models import Area
from identification.choices import NoticeLevel, NoticePurpose, NoticeState
from identification.models import Notice, NoticeItem
from identification.services import notices as board
from identification.services.procedure import ensure_allowed

from ..choices import AssessmentState, ExitLevel
from ..models import Assessment

A = AssessmentState
LEAST_DAYS = 7


def _lines_about(assessment: Assessment):
    return NoticeItem.objects.about(assessment).filter(withdrawn=False)


@transaction.atomic
def exit_notice_publish(
    *,
    actor,
    village_code: str,
    year: int,
    assessments: list[int],
    where_to_object: str,
    starts_on: dt.date | None = None,
) -> Notice:
    """公示 the village's households put to signature for exit in `year`, for the village
    notice's period and at least seven days."""
    village = Area.objects.filter(code=village_code, level="village").first()
    if village is None:
        raise ValidationError({"area": _("请选择行政村。")})
    ensure_allowed(actor, board.rule_for(NoticeLevel.VILLAGE), village.code, _("脱贫退出公示"))
    today = timezone.localdate()
    starts_on = starts_on or today
    errors = {}
    if starts_on < today:
        errors["starts_on"] = _("开始日期不能早于今天。")
    where_to_object = (where_to_object or "").strip()
    if not where_to_object:
        errors["where_to_object"] = _("请写明异议受理的单位和电话。")
    wanted = set(assessments)
    cases = list(
        scope.within(Assessment.objects.all(), village.code)
        .filter(pk__in=wanted, level=ExitLevel.HOUSEHOLD, state=A.SIGNING, year=year)
        .select_related("household")
        .select_for_update(of=("self",))
        .order_by("household__group", "household__number")
    )
    if not wanted:
        errors["assessments"] = _("请选择要公示的户。")
    elif len(cases) != len(wanted):
        errors["assessments"] = _("所选验收中有 %(n)s 个不在本村签字确认环节，未公示。") % {
            "n": len(wanted) - len(cases)
        }
    elif (
        board.running_items(Assessment).filter(object_id__in=[a.pk for a in cases]).exists()
        or Assessment.objects.filter(pk__in=[a.pk for a in cases])
        .filter(pk__in=board.held_by_objection(Assessment))
        .exists()
    ):
        errors["assessments"] = _("所选的户中有的正在公示，或有尚未处理的异议。")
    if errors:
        raise ValidationError(errors)
    return board.notice_post(
        actor=actor,
        purpose=NoticePurpose.EXIT,
        level=NoticeLevel.VILLAGE,
        area=village,
        year=year,
        title=_("%(village)s%(year)s年度贫困户脱贫退出公示")
        % {"village": village.name, "year": year},
        starts_on=starts_on,
        where_to_object=where_to_object,
        lines=[(a, a.household, _("达到脱贫标准，拟退出")) for a in cases],
        least_days=LEAST_DAYS,
    )


def withdraw_from_notices(assessment: Assessment) -> None:
    """Sent back: off any notice still running, so that its next round can be noticed anew."""
    NoticeItem.objects.running().about(assessment).update(withdrawn=True)


def notice_cleared(assessment: Assessment) -> tuple[bool, str]:
    """Whether the assessment's current round has been noticed to its end with no objection
    left open: (True, "") or (False, why not)."""
    lines = _lines_about(assessment).select_related("notice")
    round_began = assessment.snapshots.order_by("-round").values_list("taken_at", flat=True).first()
    if round_began is not None:
        lines = lines.filter(notice__created_at__gte=round_began)
    if not lines.exists():
        return False, _("须先在村里公示（不少于 %(n)s 天），公示期满无异议后才能最后签字。") % {
            "n": LEAST_DAYS
        }
    if lines.filter(notice__state=NoticeState.RUNNING).exists():
        ends = lines.filter(notice__state=NoticeState.RUNNING).first().notice.ends_on
        return False, _("公示期至 %(end)s 结束，期满后才能最后签字。") % {"end": ends.isoformat()}
    if Assessment.objects.filter(
        pk=assessment.pk, pk__in=board.held_by_objection(Assessment)
    ).exists():
        return False, _("公示中有尚未处理的异议。")
    return True, ""


class ExitSubject(board.Subject):
    """The lines of an exit notice: household assessments waiting for their last signature."""

    model = Assessment
    url_name = "assessment-detail"

    def send_back_choices(self, item: NoticeItem) -> list[tuple[str, str]]:
        return []

    def waiting(self, notice: Notice, item: NoticeItem) -> bool:
        """Locked: an objection and the last signature are decided one after the other."""
        return (
            Assessment.objects.select_for_update()
            .filter(pk=item.object_id, state=A.SIGNING)
            .exists()
        )

    def send_back(self, notice: Notice, item: NoticeItem, *, actor, decision: str, to: str):
        """An upheld objection: back to be checked again, and noticed again after."""
        assessment = Assessment.objects.select_for_update().get(pk=item.object_id)
        if assessment.state == A.APPROVED:
            raise ValidationError(
                {"upheld": _("该户已经退出；异议属实的，请由县扶贫办撤销其退出。")}
            )
        if assessment.state != A.SIGNING:
            return
        before = history.snapshot(assessment)
        withdraw_from_notices(assessment)
        assessment.state, assessment.next_role = A.RETURNED, None
        assessment.returned_reason = _("公示异议成立：%(decision)s") % {"decision": decision}
        assessment.version += 1
        assessment.save()
        history.record_update(assessment, before, actor=actor)

    def move_on(self, notice: Notice, item: NoticeItem) -> None:
        """Nothing moves by itself: the last signer signs once the notice has cleared."""
