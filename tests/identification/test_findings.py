"""One lifecycle for every finding: open → being checked → corrected or dismissed → 销号, each
step by the role the action table allows, over the finding's area (issue 10 item 4)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import ConflictError
from identification.choices import FindingKind, FindingSource, FindingState
from identification.models import Finding
from identification.services import finding_transition, findings_reconcile
from identification.services.findings import Found

from ..conftest import VILLAGE_A

S = FindingState


@pytest.fixture
def finding(areas):
    return Finding.objects.create(
        kind=FindingKind.NAME_MISMATCH,
        source=FindingSource.ROSTER,
        key="name_mismatch:dibao:1",
        area_code=VILLAGE_A,
        name="王五",
        message="证件号码相同，姓名不符",
    )


def step(finding, actor, to, note=""):
    return finding_transition(
        actor=actor, finding=finding, to=to, version=finding.version, note=note
    )


def test_the_village_checks_and_the_county_closes(finding, cadre_a, county_office):
    finding = step(finding, cadre_a, S.CHECKING)
    with pytest.raises(ValidationError) as error:
        step(finding, cadre_a, S.DISMISSED)
    assert "核查结论" in error.value.message_dict["note"][0]
    finding = step(finding, cadre_a, S.DISMISSED, note="名单录入错字，同一人")
    with pytest.raises(PermissionDenied):
        step(finding, cadre_a, S.CLOSED)  # 销号 is the office above's
    finding = step(finding, county_office, S.CLOSED)
    assert finding.state == S.CLOSED and finding.closed_at is not None
    assert finding.resolution_kind == S.DISMISSED and finding.version == 4
    from core.models import ChangeRecord

    assert (
        ChangeRecord.objects.filter(object_id=finding.pk, model="identification.finding").count()
        == 3
    )


def test_steps_cannot_be_skipped_or_made_by_another_area(finding, cadre_b, cadre_a):
    with pytest.raises(ValidationError):
        step(finding, cadre_a, S.CORRECTED, note="改了")  # not yet being checked
    with pytest.raises(PermissionDenied):
        step(finding, cadre_b, S.CHECKING)


def test_a_stale_version_is_a_conflict(finding, cadre_a):
    finding_transition(actor=cadre_a, finding=finding, to=S.CHECKING, version=finding.version)
    with pytest.raises(ConflictError):
        finding_transition(actor=cadre_a, finding=finding, to=S.CORRECTED, version=1, note="x")


def test_a_key_judged_untrue_is_not_opened_again(finding, cadre_a, county_office):
    finding = step(finding, cadre_a, S.CHECKING)
    finding = step(finding, cadre_a, S.DISMISSED, note="同一人")
    step(finding, county_office, S.CLOSED)
    found = Found(
        key=finding.key,
        kind=finding.kind,
        source=finding.source,
        area_code=VILLAGE_A,
        message="again",
    )
    among = Finding.objects.filter(source=FindingSource.ROSTER)
    assert findings_reconcile(found=[found], among=among).opened == []


def test_a_finding_whose_cause_has_gone_is_closed_where_it_stands(finding, cadre_a, county_office):
    from identification.selectors import steps_allowed

    with pytest.raises(ValidationError):
        step(finding, county_office, S.CLOSED)  # still found: it must be checked first
    among = Finding.objects.filter(source=FindingSource.ROSTER)
    assert findings_reconcile(found=[], among=among).resolved == 1  # the job finds it no more
    finding.refresh_from_db()
    assert steps_allowed(cadre_a, finding) == [S.CHECKING]  # 销号 stays the office's
    assert steps_allowed(county_office, finding) == [S.CHECKING, S.CLOSED]
    with pytest.raises(PermissionDenied):
        step(finding, cadre_a, S.CLOSED)
    finding = step(finding, county_office, S.CLOSED)
    assert finding.state == S.CLOSED and finding.resolution_kind == S.CORRECTED
    assert finding.resolution.startswith("复查时问题已不存在")


def test_an_office_checks_a_finding_above_any_village(areas, county_office, cadre_a):
    """A person on the county's roster in no household: the county office checks it."""
    finding = Finding.objects.create(
        kind=FindingKind.SUBSIDY_CANDIDATE,
        source=FindingSource.ROSTER,
        key="subsidy_candidate:dibao:X",
        area_code="620623000000",
        name="孙外人",
        message="不在任何建档立卡户中",
    )
    with pytest.raises(PermissionDenied):
        step(finding, cadre_a, S.CHECKING)
    finding = step(finding, county_office, S.CHECKING)
    finding = step(finding, county_office, S.CORRECTED, note="已纳入申请")
    assert step(finding, county_office, S.CLOSED).state == S.CLOSED


def test_the_office_sets_a_deadline_and_who_answers(finding, township_office, cadre_a, cadre_b):
    import datetime as dt

    from identification.services import finding_assign

    with pytest.raises(PermissionDenied):  # a village cadre does not assign
        finding_assign(
            actor=cadre_a, finding=finding, version=1, deadline=None, responsible=cadre_a
        )
    with pytest.raises(ValidationError) as error:  # another village's cadre cannot answer
        finding_assign(
            actor=township_office, finding=finding, version=1, deadline=None, responsible=cadre_b
        )
    assert "责任人" in error.value.message_dict["responsible"][0]
    finding = finding_assign(
        actor=township_office,
        finding=finding,
        version=1,
        deadline=dt.date(2030, 1, 31),
        responsible=cadre_a,
    )
    assert finding.responsible == cadre_a and finding.deadline == dt.date(2030, 1, 31)
    assert finding.version == 2
