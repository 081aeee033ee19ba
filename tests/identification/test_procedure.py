"""The 12345 procedure as one state machine (issue 11 item 2): each step in order, by the post
whose action the step needs over the application's village; the checks each step makes; the
reverse ranking with its ties and quota; the vote's quorum and majority; the cross-match that
blocks; sending back and rejecting."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import ConflictError
from identification.choices import FindingKind, Outcome, Step
from identification.models import (
    Application,
    Finding,
    Roster,
    RosterEntry,
    RosterType,
    VillageQuota,
)
from identification.services import procedure
from identification.services.findings import finding_transition
from registry import services

from ..conftest import VILLAGE_A, VILLAGE_B
from ..factories import make_household, member_data
from .steps import CHECKLIST, TODAY, VOTES, applying, do, through_village_reviews


@pytest.fixture
def year(this_years_line):
    return this_years_line.year


def test_the_village_takes_an_application_to_its_notice(cadre_a, year):
    application = applying(cadre_a, year=year)
    records = list(application.records.values_list("step", "outcome", "post"))
    assert records == [(Step.APPLICATION, Outcome.APPLIED, "村干部 · 岔口驿村")]
    do(cadre_a, application)
    application.refresh_from_db()
    assert application.step == Step.CONDITIONS_CHECK
    assert application.per_capita_income == Decimal("2000.00")  # 6000 / 3 people
    income_check = application.records.get(step=Step.INCOME_CHECK)
    assert income_check.data["line"] == "4000.00" and income_check.data["below_line"] is True
    application = through_village_reviews(cadre_a, application)
    assert application.step == Step.CROSS_MATCH and application.rank == 1
    do(cadre_a, application)
    do(cadre_a, application, data=VOTES)
    application.refresh_from_db()
    assert application.step == Step.VILLAGE_NOTICE
    steps = list(application.records.values_list("step", flat=True))
    assert steps == [
        Step.APPLICATION,
        Step.INCOME_CHECK,
        Step.CONDITIONS_CHECK,
        Step.RANKING,
        Step.GROUP_REVIEW,
        Step.COMMITTEE_REVIEW,
        Step.CROSS_MATCH,
        Step.ASSEMBLY_VOTE,
    ]
    assert application.household.status == "applicant"  # only the announcement changes it


def test_a_step_is_done_only_in_order_by_the_post_it_needs(
    cadre_a, cadre_b, township_office, county_office, year
):
    application = applying(cadre_a, year=year)
    with pytest.raises(PermissionDenied):
        do(cadre_b, application)  # another village
    with pytest.raises(PermissionDenied):
        do(township_office, application)  # 一核 is the village's (edit)
    with pytest.raises(ValidationError) as error:
        do(cadre_a, application, Outcome.NOTICED)  # a notice's end is not a user's decision
    assert "不能作出" in error.value.message_dict["outcome"][0]
    with pytest.raises(ConflictError):
        procedure.application_step(
            actor=cadre_a, application=application, version=0, outcome=Outcome.PASSED
        )
    with pytest.raises(ValidationError):
        do(cadre_a, application, Outcome.SENT_BACK, note="x", send_back_to=Step.RANKING)


def test_the_income_check_refuses_an_entry_above_the_line(cadre_a, year):
    application = applying(cadre_a, year=year, net="12000")  # 4000 a head: not below
    with pytest.raises(ValidationError) as error:
        do(cadre_a, application)
    assert "不低于" in error.value.message_dict["outcome"][0]
    rejected = do(cadre_a, application, Outcome.REJECTED, note="人均纯收入高于标准")
    assert rejected.step == Step.REJECTED and rejected.rejection_reason == "人均纯收入高于标准"
    assert rejected.closed_at is not None


def test_the_income_check_needs_the_years_income(cadre_a, year):
    household = make_household(village=VILLAGE_A, actor=cadre_a, status="applicant")
    application = procedure.application_open(
        actor=cadre_a, household=household, kind="entry", year=year, reason="缺劳力"
    )
    with pytest.raises(ValidationError) as error:
        do(cadre_a, application)
    assert "请先录入该户" in error.value.message_dict["outcome"][0]


def test_opening_checks_the_household_and_the_kind(cadre_a, cadre_b, superuser, year):
    registered = make_household(village=VILLAGE_A, actor=superuser)
    with pytest.raises(ValidationError) as error:
        procedure.application_open(
            actor=cadre_a, household=registered, kind="entry", year=year, reason="x"
        )
    assert "不能提出" in error.value.message_dict["kind"][0]
    with pytest.raises(PermissionDenied):
        procedure.application_open(
            actor=cadre_b, household=registered, kind="removal", year=year, reason="x"
        )
    removal = procedure.application_open(
        actor=cadre_a, household=registered, kind="removal", year=year, reason="家有财政供养人员"
    )
    with pytest.raises(ValidationError) as error:
        procedure.application_open(
            actor=cadre_a, household=registered, kind="removal", year=year, reason="again"
        )
    assert "正在办理" in error.value.message_dict["household"][0]
    # A removal is not ranked: from the living conditions straight to the group review.
    services.income_record(
        actor=cadre_a, household=registered, year=year, data={"wage_income": Decimal(30000)}
    )
    do(cadre_a, removal)
    do(cadre_a, removal, data=CHECKLIST)
    removal.refresh_from_db()
    assert removal.step == Step.GROUP_REVIEW


def test_the_checklist_must_be_complete(cadre_a, year):
    application = applying(cadre_a, year=year)
    do(cadre_a, application)
    with pytest.raises(ValidationError) as error:
        do(cadre_a, application, data={"housing": "met"})
    assert error.value.message_dict["water"] == ["“饮水安全”未填写。"]


def test_the_reverse_ranking_orders_poorest_first_breaks_ties_and_marks_the_quota(
    cadre_a, cadre_b, year
):
    richer = applying(cadre_a, year=year, net="9000")  # 3000 a head
    poorest = applying(cadre_a, year=year, net="3000")  # 1000
    tie_small = applying(cadre_a, year=year, net="6000")  # 2000, 3 people
    household = make_household(
        village=VILLAGE_A,
        actor=cadre_a,
        status="applicant",
        members=[
            member_data(name="王大"),
            member_data("spouse", male=False, name="王妻"),
            member_data("son", name="王子"),
            member_data("daughter", male=False, name="王女"),
        ],
    )
    services.income_record(
        actor=cadre_a, household=household, year=year, data={"wage_income": Decimal(8000)}
    )  # 2000 a head, as tie_small, but 4 people
    tie_large = procedure.application_open(
        actor=cadre_a, household=household, kind="entry", year=year, reason="因残"
    )
    elsewhere = applying(cadre_b, village=VILLAGE_B, year=year)
    VillageQuota.objects.create(village_id=VILLAGE_A, year=year, households=2)
    for application in (richer, poorest, tie_small, tie_large, elsewhere):
        do(cadre_b if application is elsewhere else cadre_a, application)
        do(cadre_b if application is elsewhere else cadre_a, application, data=CHECKLIST)
    ranked = procedure.ranking_confirm(actor=cadre_a, village_code=VILLAGE_A, year=year)
    assert [a.pk for a in ranked] == [poorest.pk, tie_large.pk, tie_small.pk, richer.pk]
    assert [(a.rank, a.beyond_quota) for a in ranked] == [
        (1, False),
        (2, False),
        (3, True),
        (4, True),
    ]
    assert all(a.step == Step.GROUP_REVIEW for a in ranked)
    elsewhere.refresh_from_db()
    assert elsewhere.step == Step.RANKING  # another village's ranking
    with pytest.raises(PermissionDenied):
        procedure.ranking_confirm(actor=cadre_a, village_code=VILLAGE_B, year=year)
    with pytest.raises(ValidationError):
        procedure.ranking_confirm(actor=cadre_a, village_code=VILLAGE_A, year=year)  # none left


def test_the_vote_needs_two_thirds_present_the_results_read_out_and_a_majority(cadre_a, year):
    application = through_village_reviews(cadre_a, applying(cadre_a, year=year))
    do(cadre_a, application)  # 一比对: nothing found
    with pytest.raises(ValidationError) as error:
        do(cadre_a, application, data=VOTES | {"present": 19})  # 19 < 2/3 of 30
    assert "不足应到 30 人的三分之二" in error.value.message_dict["present"][0]
    with pytest.raises(ValidationError) as error:
        do(cadre_a, application, data=VOTES | {"read_out": False})
    assert "比对结果" in error.value.message_dict["read_out"][0]
    with pytest.raises(ValidationError):
        do(cadre_a, application, data=VOTES | {"in_favour": 20})  # more votes than present
    lost = do(cadre_a, application, data=VOTES | {"in_favour": 10, "against": 11, "abstained": 0})
    assert lost.step == Step.REJECTED  # 10 of 21 is no majority
    assert "未获实到代表过半数赞成" in lost.rejection_reason


def test_an_unresolved_cross_match_hit_blocks_the_application(cadre_a, county_office, year):
    application = through_village_reviews(cadre_a, applying(cadre_a, year=year))
    head = application.household.members.get(relation="head")
    roster = Roster.objects.create(
        type=RosterType.objects.get(pk="vehicle"), area_id="620623000000", as_of=TODAY
    )
    RosterEntry.objects.create(roster=roster, row=2, id_number=head.id_number, name=head.name)
    with pytest.raises(ValidationError) as error:
        do(cadre_a, application)
    assert "尚未销号" in error.value.message_dict["outcome"][0]
    finding = Finding.objects.get(kind=FindingKind.EXCLUSION_HIT)  # kept though refused
    assert finding.household == application.household
    with pytest.raises(ValidationError):
        do(cadre_a, application)  # still open: still blocked, and no second finding
    assert Finding.objects.count() == 1
    finding = finding_transition(actor=cadre_a, finding=finding, to="checking", version=1)
    finding = finding_transition(
        actor=cadre_a, finding=finding, to="dismissed", version=2, note="车辆已过户"
    )
    finding_transition(actor=county_office, finding=finding, to="closed", version=3)
    passed = do(cadre_a, application)
    assert passed.step == Step.ASSEMBLY_VOTE
    record = passed.records.get(step=Step.CROSS_MATCH)
    assert record.data["rosters"][0]["type"] == "车辆登记" and record.data["hits"] == []


def test_the_cross_match_may_not_send_back(cadre_a, year):
    application = through_village_reviews(cadre_a, applying(cadre_a, year=year))
    with pytest.raises(ValidationError) as error:
        do(cadre_a, application, Outcome.SENT_BACK, note="x", send_back_to=Step.INCOME_CHECK)
    assert "不能作出“退回重核”" in error.value.message_dict["outcome"][0]


def test_a_review_sends_back_to_the_step_it_names(cadre_a, year):
    application = applying(cadre_a, year=year)
    do(cadre_a, application)
    do(cadre_a, application, data=CHECKLIST)
    procedure.ranking_confirm(actor=cadre_a, village_code=VILLAGE_A, year=year)
    with pytest.raises(ValidationError) as error:
        do(cadre_a, application, Outcome.SENT_BACK, send_back_to=Step.INCOME_CHECK)
    assert "退回的原因" in error.value.message_dict["note"][0]
    with pytest.raises(ValidationError):  # the ranking is redone, not returned to
        do(cadre_a, application, Outcome.SENT_BACK, note="x", send_back_to=Step.RANKING)
    back = do(
        cadre_a,
        application,
        Outcome.SENT_BACK,
        note="小组认为收入核算漏计养殖收入",
        send_back_to=Step.INCOME_CHECK,
    )
    assert back.step == Step.INCOME_CHECK and back.rank is None
    record = back.records.last()
    assert (record.step, record.outcome, record.to_step) == (
        Step.GROUP_REVIEW,
        Outcome.SENT_BACK,
        Step.INCOME_CHECK,
    )


def test_a_household_withdraws_with_a_reason(cadre_a, cadre_b, year):
    application = applying(cadre_a, year=year)
    with pytest.raises(ValidationError):
        do(cadre_a, application, Outcome.WITHDRAWN)
    with pytest.raises(PermissionDenied):
        do(cadre_b, application, Outcome.WITHDRAWN, note="x")
    gone = do(cadre_a, application, Outcome.WITHDRAWN, note="农户外出务工，自愿撤回")
    assert gone.step == Step.WITHDRAWN
    with pytest.raises(ValidationError):
        do(cadre_a, gone)


def test_signed_forms_are_checked_by_what_they_are(cadre_a, year, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    household = make_household(village=VILLAGE_A, actor=cadre_a, status="applicant")
    fake = SimpleUploadedFile("申请书.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        procedure.application_open(
            actor=cadre_a, household=household, kind="entry", year=year, reason="x", files=[fake]
        )
    assert "不是照片" in error.value.message_dict["files"][0]
    scan = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4\n...", content_type="application/pdf")
    settings.ATTACHMENT_MAX_BYTES = 5
    with pytest.raises(ValidationError) as error:
        procedure.application_open(
            actor=cadre_a, household=household, kind="entry", year=year, reason="x", files=[scan]
        )
    assert "超过" in error.value.message_dict["files"][0]
    settings.ATTACHMENT_MAX_BYTES = 1024
    application = procedure.application_open(
        actor=cadre_a, household=household, kind="entry", year=year, reason="x", files=[scan]
    )
    attachment = application.records.get().attachments.get()
    assert attachment.content_type == "application/pdf" and attachment.size == scan.size
    assert attachment.file.read().startswith(b"%PDF")


def test_a_village_registering_an_applicant_opens_its_application(cadre_a, superuser, tmp_path):
    """农户申请 as the household is registered: the page, the API (applying=True) and a cadre's
    ledger import; a county administrator's migration, or a bare service call, opens none."""
    from core.models import Area
    from registry.imports.households import import_ledger

    from ..registry.test_import import family, workbook

    registered = services.household_register(
        actor=cadre_a,
        village=Area.objects.get(code=VILLAGE_A),
        members=[member_data(name="王申请")],
        number="H899",
        applying=True,
    )
    application = registered.applications.get()
    assert (application.kind, application.step) == ("entry", Step.INCOME_CHECK)
    record = application.records.get()
    assert (record.outcome, record.post) == (Outcome.APPLIED, "村干部 · 岔口驿村")
    make_household(village=VILLAGE_A, actor=cadre_a, status="applicant")  # no applying
    assert Application.objects.count() == 1
    from ..factories import id_number

    rows = family("H900", ("李导入", id_number(), "户主"))
    report = import_ledger(workbook(tmp_path / "cadre.xlsx", rows), actor=cadre_a)
    assert not report.errors
    imported = Application.objects.get(household__number="H900")
    assert imported.opened_by == cadre_a and imported.records.get().step == Step.APPLICATION
    rows = family("H901", ("赵迁移", id_number(), "户主"), **{"户状态": "贫困户"})
    import_ledger(workbook(tmp_path / "admin.xlsx", rows), actor=superuser)
    assert not Application.objects.filter(household__number="H901").exists()


def test_the_history_shows_what_a_step_found(cadre_a, year):
    from core.models import ChangeRecord

    application = applying(cadre_a, year=year)
    do(cadre_a, application)
    change = ChangeRecord.objects.filter(model="identification.application").order_by("pk").last()
    assert change.changes["per_capita_income"] == [None, "2000.00"]
    assert change.changes["step"] == [Step.INCOME_CHECK, Step.CONDITIONS_CHECK]
