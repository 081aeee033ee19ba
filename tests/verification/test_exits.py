"""Exit verification (issue 12): the standard that applies where; incidence on known numbers; a
household assessed from the registry and by what is entered with evidence; the "4342" chain
with every rule it enforces; the notice before the last signature; the status changed by the
last signature only; revocation; the chain verified and tampering found."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from core.models import Area, ChangeRecord
from identification.demo import photo
from identification.services import notices as board
from identification.services.complaints import complaint_record
from registry import services
from registry.models import Household
from verification.choices import AssessmentState
from verification.models import AreaExit, Assessment, Signature, Snapshot
from verification.services import assessments, signatures
from verification.services.incidence import incidence_below, incidence_of
from verification.services.notices import exit_notice_publish
from verification.services.standards import standard_for

from ..conftest import VILLAGE_A, VILLAGE_B
from ..factories import make_household, member_data
from .fixtures import signer

WHERE = "岔口驿村村委会 0935-3120001"


def test_the_most_specific_standard_applies(exit_reference):
    assert standard_for("household", "620623100200", 2020).code == "household-62"
    assert standard_for("household", "511922100200", 2020).code == "household-51"
    assert standard_for("household", "130102000000", 2020).code == "household"
    assert standard_for("village", "511922100200", 2020).code == "village-511922"
    assert standard_for("village", "510101100200", 2020).code == "village-51"
    west, east = (
        standard_for("county", "620623000000", 2020),
        standard_for("county", "130102000000", 2020),
    )
    assert west.items.get(code="incidence").threshold == Decimal("3")
    assert east.items.get(code="incidence").threshold == Decimal("2")
    assert [i.code for i in standard_for("household", "620623100200", 2020).items.all()] == [
        "income", "food_clothing", "education", "medical", "housing", "water"
    ]  # fmt: skip
    assert standard_for("household", "620623100200", 2013) is None


def test_incidence_is_the_poor_left_over_the_rural_population(areas, superuser):
    Area.objects.filter(code=VILLAGE_A).update(rural_population=200)
    Area.objects.filter(code=VILLAGE_B).update(rural_population=300)
    for _n in range(2):
        make_household(village=VILLAGE_A, actor=superuser, identified=2016)  # 3 people each
    make_household(
        village=VILLAGE_A, actor=superuser, status="exited", identified=2016, exited=2019
    )
    make_household(village=VILLAGE_B, actor=superuser, identified=2018)
    make_household(village=VILLAGE_B, actor=superuser, status="applicant")  # not poor yet
    village_a = Area.objects.get(code=VILLAGE_A)
    assert (incidence_of(village_a, 2020).poor, incidence_of(village_a, 2020).rate) == (
        6, Decimal("3.00")
    )  # fmt: skip
    assert incidence_of(village_a, 2018).rate == Decimal("4.50")  # the exited one still poor
    assert incidence_of(village_a, 2015).poor == 0
    township = Area.objects.get(code="620623100000")
    found = incidence_of(township, 2020)
    assert (found.poor, found.population, found.rate) == (9, 500, Decimal("1.80"))
    assert found.meets(Decimal("2")) and not incidence_of(village_a, 2020).meets(Decimal("3"))
    rows = {row.area.code: row for row in incidence_below(township, 2020)}
    assert rows[VILLAGE_A].rate == Decimal("3.00") and rows[VILLAGE_B].rate == Decimal("1.00")
    county = incidence_below(Area.objects.get(code="620623000000"), 2020)
    assert [(r.area.code, r.poor, r.population) for r in county] == [
        ("620623100000", 9, 500),
        ("620623101000", 0, None),  # no population on record: no rate
    ]


def _assessed(cadre, household, year):
    """Started, 不愁吃穿 entered with a photo, put to signature."""
    assessment = assessments.assessment_start(actor=cadre, household=household, year=year)
    food = assessment.items.get(code="food_clothing")
    assessments.item_enter(
        actor=cadre,
        item=food,
        version=assessment.version,
        passed=True,
        note="入户查看：粮食充足，四季衣被齐全。",
        files=[photo()],
    )
    assessment.refresh_from_db()
    return assessments.assessment_submit(
        actor=cadre, assessment=assessment, version=assessment.version
    )


def _meeting_the_standard(actor, year):
    """Another registered household of village A that meets Gansu's standard."""
    household = make_household(
        village=VILLAGE_A,
        actor=actor,
        identified=2016,
        housing_safety="safe",
        safe_drinking_water=True,
        members=[member_data(medical_insurance=True)],
    )
    services.income_record(
        actor=actor, household=household, year=year, data={"wage_income": Decimal("20000")}
    )
    return household


def _exited(cadre, signers, household, year):
    """Assessed, signed by the first three, noticed to its end, signed by the last."""
    assessment = _assessed(cadre, household, year)
    for user in signers[:3]:
        sign(user, assessment)
    noticed(cadre, assessment)
    sign(signers[3], assessment)
    assessment.refresh_from_db()
    return assessment


def object_to(actor, notice, received_on):
    return board.objection_record(
        actor=actor,
        notice=notice,
        item=notice.items.get(),
        objector_name="李四",
        objector_contact="13800000000",
        channel="visit",
        received_on=received_on,
        content="该户儿子常年在外务工，收入未如实登记。",
    )


def sign(user, assessment, **more):
    assessment.refresh_from_db()
    return signatures.assessment_sign(
        actor=user, assessment=assessment, version=assessment.version, affirmed=True, **more
    )


def noticed(cadre, assessment):
    """Its village notice published and run to its end."""
    notice = exit_notice_publish(
        actor=cadre,
        village_code=assessment.area_id,
        year=assessment.year,
        assessments=[assessment.pk],
        where_to_object=WHERE,
    )
    board.notices_close_ended(today=notice.ends_on + dt.timedelta(days=1))
    return notice


def test_a_household_is_assessed_from_the_registry_and_what_is_entered(
    cadre_a, cadre_b, ready_household, this_years_line
):
    year = this_years_line.year
    with pytest.raises(PermissionDenied):
        assessments.assessment_start(actor=cadre_b, household=ready_household, year=year)
    member = ready_household.members.get(name="韩秀兰")
    services.member_update(
        actor=cadre_a, member=member, version=member.version, data={"medical_insurance": False}
    )
    assessment = assessments.assessment_start(actor=cadre_a, household=ready_household, year=year)
    items = {item.code: item for item in assessment.items.all()}
    assert items["income"].passed and "人均纯收入 5000.00 元" in items["income"].value
    assert items["medical"].passed is False and "韩秀兰" in items["medical"].value
    assert items["housing"].passed and items["water"].passed and items["education"].passed
    assert items["food_clothing"].passed is None  # entered, not computed
    with pytest.raises(ValidationError) as refused:
        assessments.item_enter(
            actor=cadre_a, item=items["food_clothing"], version=assessment.version, passed=True
        )
    assert "files" in refused.value.message_dict  # a passing entered item needs its evidence
    assessments.item_enter(
        actor=cadre_a,
        item=items["food_clothing"],
        version=assessment.version,
        passed=True,
        files=[photo()],
    )
    assessment.refresh_from_db()
    with pytest.raises(ValidationError) as failing:
        assessments.assessment_submit(
            actor=cadre_a, assessment=assessment, version=assessment.version
        )
    assert "基本医疗有保障" in str(failing.value)
    member.refresh_from_db()
    services.member_update(
        actor=cadre_a, member=member, version=member.version, data={"medical_insurance": True}
    )
    submitted = assessments.assessment_submit(
        actor=cadre_a, assessment=assessment, version=assessment.version
    )
    assert submitted.state == AssessmentState.SIGNING
    snapshot = Snapshot.objects.get(assessment=submitted)
    assert snapshot.data["household"]["head_name"] == "马福贵"
    assert snapshot.data["items"][1]["evidence"][0]["sha256"]
    assert all(item["passed"] for item in snapshot.data["items"])
    assert "id_number" not in json.dumps(snapshot.data)
    with pytest.raises(ValidationError):  # frozen
        assessments.item_enter(
            actor=cadre_a, item=items["food_clothing"], version=submitted.version, passed=False
        )


def test_the_chain_is_signed_in_order_by_the_roles_of_the_area(
    cadre_a, household_signers, ready_household, this_years_line
):
    helper, secretary, leader, liaison = household_signers
    assessment = _assessed(cadre_a, ready_household, this_years_line.year)
    with pytest.raises(PermissionDenied):  # out of order
        sign(secretary, assessment)
    with pytest.raises(PermissionDenied):  # a cadre holds no signing role here
        sign(cadre_a, assessment)
    elsewhere = signer("helper_b", "helper", VILLAGE_B)
    with pytest.raises(PermissionDenied):  # the helper of another village
        sign(elsewhere, assessment)
    with pytest.raises(ValidationError):  # the statement must be taken on
        signatures.assessment_sign(
            actor=helper, assessment=assessment, version=assessment.version, affirmed=False
        )
    sign(helper, assessment)
    sign(secretary, assessment)
    sign(leader, assessment)
    with pytest.raises(ValidationError) as early:  # not noticed yet
        sign(liaison, assessment)
    assert "公示" in str(early.value)
    notice = exit_notice_publish(
        actor=cadre_a,
        village_code=VILLAGE_A,
        year=assessment.year,
        assessments=[assessment.pk],
        where_to_object=WHERE,
    )
    assert notice.days >= 7 and notice.purpose == "exit"
    with pytest.raises(ValidationError) as running:
        sign(liaison, assessment)
    assert "期满" in str(running.value)
    board.notices_close_ended(today=notice.ends_on + dt.timedelta(days=1))
    household = Household.objects.get(pk=ready_household.pk)
    assert household.status == "registered"  # nothing but the last signature changes it
    sign(liaison, assessment)
    household.refresh_from_db()
    assessment.refresh_from_db()
    assert household.status == "exited" and household.exit_year == this_years_line.year
    assert assessment.state == AssessmentState.APPROVED
    change = ChangeRecord.objects.filter(model="registry.household", action="status").latest("pk")
    assert f"验收第 {assessment.pk} 号" in change.source
    chain = list(assessment.signatures.values_list("position", "role_id", "signer__username"))
    assert chain == [
        (1, "helper", "helper_a"),
        (2, "village_secretary", "secretary_a"),
        (3, "work_team_leader", "team_leader_a"),
        (4, "township_liaison", "liaison_a"),
    ]
    with pytest.raises(ValidationError):  # all signed
        sign(liaison, assessment)


def test_one_person_signs_once_even_holding_two_roles(
    cadre_a, household_signers, ready_household, this_years_line
):
    helper, *_rest = household_signers
    signer("helper_a", "village_secretary", VILLAGE_A)  # the helper is also the secretary
    assessment = _assessed(cadre_a, ready_household, this_years_line.year)
    sign(helper, assessment)
    with pytest.raises(PermissionDenied) as twice:
        sign(helper, assessment)
    assert "只能签字一次" in str(twice.value)


def test_a_refusal_sends_it_back_and_a_new_round_is_signed_again(
    cadre_a, household_signers, ready_household, this_years_line
):
    helper, secretary, leader, _liaison = household_signers
    assessment = _assessed(cadre_a, ready_household, this_years_line.year)
    sign(helper, assessment)
    with pytest.raises(ValidationError):  # a refusal says why
        sign(secretary, assessment, refuse=True)
    sign(secretary, assessment, refuse=True, reason="住房为借住亲戚房屋，须核实产权。")
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.RETURNED and "借住" in assessment.returned_reason
    with pytest.raises(ValidationError):  # after a refusal, nobody signs until it is resubmitted
        sign(leader, assessment)
    assessment = assessments.assessment_submit(
        actor=cadre_a, assessment=assessment, version=assessment.version
    )
    assert assessment.snapshots.count() == 2
    sign(helper, assessment)  # the new round starts from the first signer
    assert assessment.signatures.count() == 3  # the refused round stays on record


def test_an_upheld_objection_to_the_exit_notice_sends_it_back(
    cadre_a, household_signers, ready_household, this_years_line
):
    helper, secretary, leader, liaison = household_signers
    assessment = _assessed(cadre_a, ready_household, this_years_line.year)
    for user in (helper, secretary, leader):
        sign(user, assessment)
    notice = exit_notice_publish(
        actor=cadre_a,
        village_code=VILLAGE_A,
        year=assessment.year,
        assessments=[assessment.pk],
        where_to_object=WHERE,
    )
    objection = object_to(cadre_a, notice, notice.starts_on)
    board.notices_close_ended(today=notice.ends_on + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as held:
        sign(liaison, assessment)
    assert "异议" in str(held.value)
    board.objection_decide(
        actor=cadre_a, objection=objection, version=1, upheld=True, decision="经核实属实。"
    )
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.RETURNED
    assert "公示异议成立" in assessment.returned_reason


def test_verify_signatures_finds_every_kind_of_tampering(
    cadre_a, household_signers, ready_household, this_years_line, capsys
):
    _exited(cadre_a, household_signers, ready_household, this_years_line.year)
    call_command("verify_signatures", "--json")
    clean = json.loads(capsys.readouterr().out)
    assert clean == {"assessments": 1, "signatures": 4, "broken": []}

    snapshot = Snapshot.objects.get()
    data = snapshot.data
    data["items"][0]["value"] = "人均纯收入 9000.00 元"
    Snapshot.objects.filter(pk=snapshot.pk).update(data=data)
    second = Signature.objects.order_by("pk")[1]
    Signature.objects.filter(pk=second.pk).update(signer_name="王五")
    with pytest.raises(CommandError) as exited:
        call_command("verify_signatures", "--json")
    assert exited.value.returncode == 1  # the command line's exit status
    report = json.loads(capsys.readouterr().out)
    broken = report["broken"]
    assert any(b["signature"] is None and "数据快照" in b["reason"] for b in broken)
    assert any(b["signature"] == second.pk and "摘要不符" in b["reason"] for b in broken)

    Snapshot.objects.filter(pk=snapshot.pk).update(data=snapshot.data | {"items": data["items"]})
    Signature.objects.filter(pk=Signature.objects.order_by("pk")[2].pk).delete()
    broken = signatures.verify_chains().broken
    assert any("链接断开" in b["reason"] for b in broken)
    assert any("签字不全" in b["reason"] for b in broken)


def test_the_county_revokes_a_false_exit(
    cadre_a, township_office, county_office, household_signers, ready_household, this_years_line
):
    assessment = _exited(cadre_a, household_signers, ready_household, this_years_line.year)
    assessment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        signatures.assessment_revoke(
            actor=township_office, assessment=assessment, version=assessment.version, reason="x"
        )
    with pytest.raises(ValidationError):
        signatures.assessment_revoke(
            actor=county_office, assessment=assessment, version=assessment.version, reason=" "
        )
    complaint = complaint_record(
        actor=cadre_a,
        channel="phone",
        received_on=dt.date.today(),
        concern="wrong_exit",
        household=ready_household,
        content="该户家有轿车，收入未如实登记。",
    )
    other = complaint_record(
        actor=cadre_a,
        channel="phone",
        received_on=dt.date.today(),
        concern="help",
        household=make_household(village=VILLAGE_A, actor=cadre_a),
        content="帮扶不落实。",
    )
    with pytest.raises(ValidationError) as unrelated:  # another household's finding
        signatures.assessment_revoke(
            actor=county_office,
            assessment=assessment,
            version=assessment.version,
            reason="x",
            finding=other.finding,
        )
    assert "finding" in unrelated.value.message_dict
    revoked = signatures.assessment_revoke(
        actor=county_office,
        assessment=assessment,
        version=assessment.version,
        reason="信访举报核实：该户家有轿车，收入未如实登记，属虚假脱贫。",
        finding=complaint.finding,
    )
    assert revoked.revoke_finding == complaint.finding
    household = Household.objects.get(pk=ready_household.pk)
    assert revoked.state == AssessmentState.REVOKED
    assert household.status == "registered" and household.exit_year is None
    assert household.return_year is None  # annulled, not a return to poverty
    assert revoked.signatures.count() == 4  # the signatures stay on record
    assert signatures.verify_chains().broken == []


def test_a_village_exits_by_its_incidence_and_its_three_signers(
    areas, exit_reference, township_office, superuser
):
    Area.objects.filter(code=VILLAGE_A).update(rural_population=400)
    for _n in range(3):
        make_household(village=VILLAGE_A, actor=superuser, identified=2016)  # 9 people: 2.25%
    village = Area.objects.get(code=VILLAGE_A)
    year = 2020
    assessment = assessments.assessment_start(
        actor=township_office, level="village", area=village, year=year
    )
    incidence = assessment.items.get(code="incidence")
    assert incidence.number == Decimal("2.25") and incidence.passed  # below Gansu's 3%
    for item in assessment.items.filter(source="entered"):
        assessment.refresh_from_db()
        assessments.item_enter(
            actor=township_office,
            item=item,
            version=assessment.version,
            passed=True,
            files=[photo()],
        )
    assessment.refresh_from_db()
    assessment = assessments.assessment_submit(
        actor=township_office, assessment=assessment, version=assessment.version
    )
    leader = signer("team_leader_a", "work_team_leader", VILLAGE_A)
    party = signer("party_secretary", "township_secretary", "620623100")
    head = signer("township_head", "township_head", "620623100")
    for user in (leader, party, head):
        sign(user, assessment)  # no notice for an area's exit
    exit_row = AreaExit.objects.get()
    assert (exit_row.area_id, exit_row.year) == (VILLAGE_A, year)
    with pytest.raises(ValidationError):  # an area exits once
        assessments.assessment_start(
            actor=township_office, level="village", area=village, year=year
        )


def test_a_county_item_is_a_rate_against_its_threshold(areas, exit_reference, county_office):
    county = Area.objects.get(code="620623000000")
    assessment = assessments.assessment_start(
        actor=county_office, level="county", area=county, year=2020
    )
    approval = assessment.items.get(code="approval")
    with pytest.raises(ValidationError):
        assessments.item_enter(
            actor=county_office, item=approval, version=assessment.version, number="120"
        )
    assessments.item_enter(
        actor=county_office, item=approval, version=assessment.version, number="88.5",
        files=[photo()],
    )  # fmt: skip
    approval.refresh_from_db()
    assert approval.passed is False and approval.value == "88.50%"  # below 90%
    assert assessment.items.get(code="incidence").passed is None  # no population on record


def test_a_villages_planned_exits_are_started_as_a_batch(
    cadre_a, ready_household, superuser, this_years_line
):
    make_household(village=VILLAGE_A, actor=superuser, planned_exit_year=this_years_line.year + 1)
    village = Area.objects.get(code=VILLAGE_A)
    started, skipped = assessments.assessments_start_for_village(
        actor=cadre_a, village=village, year=this_years_line.year
    )
    assert [a.household_id for a in started] == [ready_household.pk] and skipped == []
    again, _skipped = assessments.assessments_start_for_village(
        actor=cadre_a, village=village, year=this_years_line.year
    )
    assert again == []  # one under way already


def test_only_a_registered_household_is_assessed(cadre_a, superuser, exit_reference):
    applicant = make_household(
        village=VILLAGE_A, actor=superuser, status="applicant", members=[member_data()]
    )
    with pytest.raises(ValidationError) as refused:
        assessments.assessment_start(actor=cadre_a, household=applicant, year=2020)
    assert "在册贫困户" in str(refused.value)


def test_a_round_keeps_the_chain_it_was_put_to_signature_with(
    cadre_a, household_signers, ready_household, this_years_line
):
    from verification.models import SignOffRole

    helper, secretary, leader, liaison = household_signers
    assessment = _assessed(cadre_a, ready_household, this_years_line.year)
    sign(helper, assessment)
    SignOffRole.objects.filter(level="household", position=2).delete()  # edited mid-round
    with pytest.raises(PermissionDenied):  # the round still waits for the secretary
        sign(leader, assessment)
    sign(secretary, assessment)
    sign(leader, assessment)
    noticed(cadre_a, assessment)
    sign(liaison, assessment)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.APPROVED and assessment.signatures.count() == 4


def test_revoking_an_older_exit_leaves_a_later_status_alone(
    cadre_a, county_office, household_signers, ready_household, this_years_line
):
    assessment = _exited(cadre_a, household_signers, ready_household, this_years_line.year)
    # The household returned to poverty since (the 12345 procedure's re-entry).
    services.household_status_set(
        actor=county_office,
        household=ready_household,
        to="registered",
        year=this_years_line.year,
        source="返贫纳入",
    )
    assessment.refresh_from_db()
    signatures.assessment_revoke(
        actor=county_office, assessment=assessment, version=assessment.version, reason="虚假退出"
    )
    household = Household.objects.get(pk=ready_household.pk)
    assert household.status == "registered" and household.return_year == this_years_line.year
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.REVOKED  # on record as false all the same


def test_verify_signatures_finds_a_removed_last_signature_and_changed_evidence(
    cadre_a, household_signers, ready_household, this_years_line
):
    from verification.models import AssessmentItem, Evidence

    assessment = _assessed(cadre_a, ready_household, this_years_line.year)
    sign(household_signers[0], assessment)
    sign(household_signers[1], assessment)
    assert signatures.verify_chains().broken == []
    Signature.objects.filter(pk=Signature.objects.latest("pk").pk).delete()
    assert any("最后的签字" in b["reason"] for b in signatures.verify_chains().broken)

    year = this_years_line.year
    other = _assessed(cadre_a, _meeting_the_standard(cadre_a, year), year)
    AssessmentItem.objects.filter(assessment=other, code="food_clothing").update(note="改过")
    evidence = Evidence.objects.get(item__assessment=other)
    with evidence.file.open("wb") as stored:
        stored.write(b"\x89PNG\r\n\x1a\n another picture")
    reasons = [
        b["reason"] for b in signatures.verify_chains().broken if b["assessment"] == other.pk
    ]
    assert any("在签字后被改动" in r for r in reasons)
    assert any("文件已被替换" in r for r in reasons)


def test_a_refusal_takes_the_household_off_its_running_notice(
    cadre_a, household_signers, ready_household, this_years_line
):
    helper, secretary, *_rest = household_signers
    assessment = _assessed(cadre_a, ready_household, this_years_line.year)
    exit_notice_publish(
        actor=cadre_a,
        village_code=VILLAGE_A,
        year=assessment.year,
        assessments=[assessment.pk],
        where_to_object=WHERE,
    )
    sign(helper, assessment)
    sign(secretary, assessment, refuse=True, reason="须再核实。")
    assessment.refresh_from_db()
    assessment = assessments.assessment_submit(
        actor=cadre_a, assessment=assessment, version=assessment.version
    )
    again = exit_notice_publish(  # the new round is noticed anew at once
        actor=cadre_a,
        village_code=VILLAGE_A,
        year=assessment.year,
        assessments=[assessment.pk],
        where_to_object=WHERE,
    )
    assert again.items.count() == 1


def test_an_objection_cannot_undo_an_approved_exit(
    cadre_a, household_signers, ready_household, this_years_line
):
    assessment = _assessed(cadre_a, ready_household, this_years_line.year)
    for user in household_signers[:3]:
        sign(user, assessment)
    notice = noticed(cadre_a, assessment)
    sign(household_signers[3], assessment)
    with pytest.raises(ValidationError) as late:  # the notice has ended and the case moved on
        object_to(cadre_a, notice, notice.ends_on)
    assert "item" in late.value.message_dict


def test_what_waits_for_a_signer_is_found_in_a_few_queries(
    cadre_a, household_signers, this_years_line, django_assert_max_num_queries
):
    from verification.selectors import awaiting_signature

    for _n in range(4):
        year = this_years_line.year
        _assessed(cadre_a, _meeting_the_standard(cadre_a, year), year)
    helper, secretary = household_signers[:2]
    with django_assert_max_num_queries(6):  # posts, scope, reach of the role, the two reads
        assert len(awaiting_signature(helper)) == 4
    assert awaiting_signature(secretary) == []
    signer("helper_a", "village_secretary", VILLAGE_A)  # the helper is the secretary too
    first = Assessment.objects.order_by("pk").first()
    sign(helper, first)
    assert first.pk not in [a.pk for a in awaiting_signature(helper)]  # signed this round


def test_the_planned_list_reads_a_village_in_a_fixed_number_of_queries(
    cadre_a, ready_household, this_years_line, django_assert_max_num_queries
):
    from verification.selectors import planned_exits

    year = this_years_line.year
    for _n in range(3):
        Household.objects.filter(pk=_meeting_the_standard(cadre_a, year).pk).update(
            planned_exit_year=year
        )
    village = Area.objects.get(code=VILLAGE_A)
    with django_assert_max_num_queries(8):
        rows = planned_exits(village, year)
    assert len(rows) == 4 and all(row.failing == [] for row in rows)


def test_an_area_standard_takes_no_household_item(exit_reference):
    from verification.models import ExitStandard, StandardItem

    village_standard = ExitStandard.objects.get(code="village")
    wrong = StandardItem(
        standard=village_standard,
        position=9,
        code="schooling",
        label="义务教育",
        source="education",
    )
    with pytest.raises(ValidationError):
        wrong.full_clean()
