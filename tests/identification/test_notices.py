"""Public notices of the 12345 procedure (issue 11 item 3): periods in calendar or working
days with holidays as data; objections under a real name, which hold a case until decided and,
upheld, send it back; the beat job ending notices; the county announcement, the only place a
household's status changes, for each kind of application."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import ChangeRecord
from identification.choices import NoticeLevel, NoticeState, Outcome, Step
from identification.models import Holiday, NoticePeriod
from identification.services import notices, procedure

from ..conftest import VILLAGE_A
from .steps import TODAY, advance, applying, do

COUNTY, TOWNSHIP = "620623000000", "620623100000"
WHERE = "华藏寺镇人民政府 0935-1234567"


@pytest.fixture
def year(this_years_line):
    return this_years_line.year


def publish(actor, level, area, applications, **more):
    return notices.notice_publish(
        actor=actor,
        level=level,
        area_code=area,
        year=applications[0].year,
        applications=[a.pk for a in applications],
        where_to_object=WHERE,
        **more,
    )


def end(notice):
    """The day after the notice's last day: the beat job ends it."""
    return notices.notices_close_ended(today=notice.ends_on + dt.timedelta(days=1))


def object_to(actor, notice, application, **more):
    return notices.objection_record(
        actor=actor,
        notice=notice,
        item=notice.items.get(object_id=application.pk),
        objector_name=more.pop("name", "李四"),
        objector_contact="13800000000",
        channel="visit",
        received_on=more.pop("received_on", notice.starts_on),
        content="该户有一辆小轿车",
        **more,
    )


def refresh(*objects):
    for obj in objects:
        obj.refresh_from_db()


def test_a_period_counts_calendar_days_or_working_days_with_holidays(areas):
    friday = dt.date(2026, 9, 25)
    assert notices.period_end(friday, 7, False) == dt.date(2026, 10, 1)
    for day in range(1, 8):
        Holiday.objects.create(date=dt.date(2026, 10, day), name="国庆节")
    # Fri 25; Mon 28, Tue 29, Wed 30; the holiday week; Thu 8 October.
    assert notices.period_end(friday, 5, True) == dt.date(2026, 10, 8)
    Holiday.objects.create(date=dt.date(2026, 9, 27), name="国庆调休", workday=True)
    assert notices.period_end(friday, 5, True) == dt.date(2026, 9, 30)  # Sunday 27 worked


def test_a_county_sets_its_period_per_level(areas):
    assert notices.notice_period(VILLAGE_A, NoticeLevel.VILLAGE) == (7, False)
    NoticePeriod.objects.create(level=NoticeLevel.VILLAGE, days=6)
    NoticePeriod.objects.create(
        area_id=COUNTY, level=NoticeLevel.VILLAGE, days=5, working_days=True
    )
    assert notices.notice_period(VILLAGE_A, NoticeLevel.VILLAGE) == (5, True)
    assert notices.notice_period("620622100200", NoticeLevel.VILLAGE) == (6, False)


def test_the_village_notice_runs_its_period_and_an_objection_holds_its_case(
    cadre_a, cadre_b, township_office, year
):
    first = advance(cadre_a, applying(cadre_a, year=year), Step.VILLAGE_NOTICE)
    second = advance(cadre_a, applying(cadre_a, year=year), Step.VILLAGE_NOTICE)
    with pytest.raises(PermissionDenied):
        publish(cadre_b, NoticeLevel.VILLAGE, VILLAGE_A, [first])
    with pytest.raises(ValidationError) as error:
        publish(cadre_a, NoticeLevel.VILLAGE, VILLAGE_A, [first], starts_on=TODAY - dt.timedelta(1))
    assert "starts_on" in error.value.message_dict
    notice = publish(cadre_a, NoticeLevel.VILLAGE, VILLAGE_A, [first, second])
    assert notice.ends_on == TODAY + dt.timedelta(days=6) and notice.state == NoticeState.RUNNING
    assert [item.head_name for item in notice.items.all()] == ["张建国", "张建国"]
    with pytest.raises(ValidationError):  # already on a running notice
        publish(cadre_a, NoticeLevel.VILLAGE, VILLAGE_A, [first])
    with pytest.raises(ValidationError) as error:
        object_to(cadre_a, notice, first, name="")
    assert "实名" in error.value.message_dict["objector_name"][0]
    objection = object_to(cadre_a, notice, first)
    assert notices.notices_close_ended(today=notice.ends_on) == 0  # its last day: still running
    assert end(notice) == 1
    refresh(notice, first, second)
    assert notice.state == NoticeState.ENDED
    assert second.step == Step.TOWNSHIP_REVIEW  # no objection: on to the township
    assert first.step == Step.VILLAGE_NOTICE  # held by the open objection
    noticed = second.records.last()
    assert noticed.outcome == Outcome.NOTICED and noticed.notice == notice
    with pytest.raises(ValidationError):
        notices.objection_decide(
            actor=cadre_a, objection=objection, version=1, upheld=False, decision=""
        )
    notices.objection_decide(
        actor=cadre_a,
        objection=objection,
        version=1,
        upheld=False,
        decision="车辆系其子所有，已分户",
    )
    refresh(first)
    assert first.step == Step.TOWNSHIP_REVIEW  # decided after the end: on at once
    assert ChangeRecord.objects.filter(model="identification.objection").count() == 2


def test_an_upheld_objection_sends_the_case_back_to_the_step_it_names(cadre_a, year):
    application = advance(cadre_a, applying(cadre_a, year=year), Step.VILLAGE_NOTICE)
    notice = publish(cadre_a, NoticeLevel.VILLAGE, VILLAGE_A, [application])
    objection = object_to(cadre_a, notice, application)
    with pytest.raises(ValidationError) as error:
        notices.objection_decide(
            actor=cadre_a, objection=objection, version=1, upheld=True, decision="属实"
        )
    assert "退回" in error.value.message_dict["send_back_to"][0]
    notices.objection_decide(
        actor=cadre_a,
        objection=objection,
        version=1,
        upheld=True,
        decision="经核实该户有经营性收入未计入",
        send_back_to=Step.INCOME_CHECK,
    )
    refresh(application)
    item = notice.items.get()
    assert application.step == Step.INCOME_CHECK and item.withdrawn
    assert "异议成立" in application.records.last().note
    end(notice)
    refresh(application)
    assert application.step == Step.INCOME_CHECK  # the notice's end does not move it


def test_an_objection_is_received_within_the_period(cadre_a, cadre_b, year):
    application = advance(cadre_a, applying(cadre_a, year=year), Step.VILLAGE_NOTICE)
    notice = publish(cadre_a, NoticeLevel.VILLAGE, VILLAGE_A, [application])
    with pytest.raises(ValidationError) as error:
        object_to(cadre_a, notice, application, received_on=TODAY - dt.timedelta(days=1))
    assert "公示期内" in error.value.message_dict["received_on"][0]
    with pytest.raises(PermissionDenied):
        object_to(cadre_b, notice, application)


def test_the_county_announces_only_after_the_township_notice_and_its_objections(
    cadre_a, township_office, county_office, year
):
    application = advance(cadre_a, applying(cadre_a, year=year), Step.VILLAGE_NOTICE)
    end(publish(cadre_a, NoticeLevel.VILLAGE, VILLAGE_A, [application]))
    application = advance(cadre_a, application, Step.TOWNSHIP_NOTICE, township=township_office)
    with pytest.raises(PermissionDenied):  # the township's notice is the township office's
        publish(cadre_a, NoticeLevel.TOWNSHIP, TOWNSHIP, [application])
    township_notice = publish(township_office, NoticeLevel.TOWNSHIP, TOWNSHIP, [application])
    objection = object_to(township_office, township_notice, application)
    with pytest.raises(ValidationError):  # still in its notice: nothing to announce
        publish(county_office, NoticeLevel.COUNTY, COUNTY, [application])
    end(township_notice)
    with pytest.raises(ValidationError):  # the objection is still open
        publish(county_office, NoticeLevel.COUNTY, COUNTY, [application])
    notices.objection_decide(
        actor=township_office, objection=objection, version=1, upheld=False, decision="不属实"
    )
    application = advance(cadre_a, application, Step.COUNTY_ANNOUNCEMENT, county=county_office)
    household = application.household
    assert household.status == "applicant"
    announcement = publish(county_office, NoticeLevel.COUNTY, COUNTY, [application])
    refresh(application, household)
    assert announcement.state == NoticeState.PUBLISHED
    assert application.step == Step.DONE and application.closed_at is not None
    assert household.status == "registered" and household.first_identified_year == year
    change = ChangeRecord.objects.filter(model="registry.household", action="status").last()
    assert f"公告第 {announcement.pk} 号" in change.source


@pytest.mark.parametrize(
    ("kind", "status", "net", "expected"),
    [
        ("reentry", "exited", "6000", {"status": "registered", "return_year": "year"}),
        (
            "removal",
            "registered",
            "30000",
            {"status": "removed", "removal_reason": "misidentified"},
        ),
        ("monitoring", "exited", "13000", {"status": "exited", "monitoring_category": "unstable"}),
    ],
)
def test_each_kind_ends_in_what_it_asked(
    kind, status, net, expected, cadre_a, township_office, county_office, year
):
    more = {"monitoring_category": "unstable"} if kind == "monitoring" else {}
    application = applying(cadre_a, year=year, kind=kind, status=status, net=net, **more)
    application = advance(cadre_a, application, Step.VILLAGE_NOTICE)
    end(publish(cadre_a, NoticeLevel.VILLAGE, VILLAGE_A, [application]))
    application = advance(cadre_a, application, Step.TOWNSHIP_NOTICE, township=township_office)
    end(publish(township_office, NoticeLevel.TOWNSHIP, TOWNSHIP, [application]))
    application = advance(cadre_a, application, Step.COUNTY_ANNOUNCEMENT, county=county_office)
    publish(county_office, NoticeLevel.COUNTY, COUNTY, [application])
    household = application.household
    household.refresh_from_db()
    for field, value in expected.items():
        assert getattr(household, field) == (year if value == "year" else value), field


def test_the_beat_job_ends_notices(cadre_a, year):
    from django_celery_beat.models import PeriodicTask

    from identification.tasks import close_ended_notices

    task = PeriodicTask.objects.get(task="identification.tasks.close_ended_notices")
    assert task.enabled and task.crontab is not None
    application = advance(cadre_a, applying(cadre_a, year=year), Step.VILLAGE_NOTICE)
    notice = publish(cadre_a, NoticeLevel.VILLAGE, VILLAGE_A, [application])
    from identification.models import Notice

    Notice.objects.filter(pk=notice.pk).update(ends_on=TODAY - dt.timedelta(days=1))
    assert close_ended_notices() == 1
    application.refresh_from_db()
    assert application.step == Step.TOWNSHIP_REVIEW


def test_a_rejected_case_is_told_why(cadre_a, township_office, year):
    application = advance(cadre_a, applying(cadre_a, year=year), Step.VILLAGE_NOTICE)
    end(publish(cadre_a, NoticeLevel.VILLAGE, VILLAGE_A, [application]))
    with pytest.raises(ValidationError):
        do(township_office, application, Outcome.REJECTED)
    done = do(township_office, application, Outcome.REJECTED, note="家庭成员有财政供养人员")
    assert done.step == Step.REJECTED and done.rejection_reason == "家庭成员有财政供养人员"
    assert procedure.may_act(township_office, done) is False


def test_a_step_is_done_by_a_post_of_its_level(cadre_a, township_office, county_office, year):
    """The county office may review too, but the township's review is the township's."""
    from identification import selectors

    application = advance(cadre_a, applying(cadre_a, year=year), Step.VILLAGE_NOTICE)
    end(publish(cadre_a, NoticeLevel.VILLAGE, VILLAGE_A, [application]))
    with pytest.raises(PermissionDenied) as error:
        do(county_office, application)
    assert "乡镇级岗位" in str(error.value)
    assert not selectors.waiting_for(county_office).exists()
    assert list(selectors.waiting_for(township_office)) == [application]
    passed = do(township_office, application)
    assert passed.records.last().post == "乡镇扶贫办 · 华藏寺镇"


def test_an_objection_holds_its_case_wherever_it_goes(cadre_a, year):
    """Recorded late, an objection about a case that has moved on is refused; while one is
    open, the case is on no new notice and leaves none."""
    moved_on = advance(cadre_a, applying(cadre_a, year=year), Step.VILLAGE_NOTICE)
    held = advance(cadre_a, applying(cadre_a, year=year), Step.VILLAGE_NOTICE)
    notice = publish(cadre_a, NoticeLevel.VILLAGE, VILLAGE_A, [moved_on, held])
    objection = object_to(cadre_a, notice, held)
    end(notice)
    with pytest.raises(ValidationError) as error:  # received in the period, recorded after
        object_to(cadre_a, notice, moved_on)
    assert "已不在公示中" in error.value.message_dict["item"][0]
    with pytest.raises(ValidationError) as error:
        publish(cadre_a, NoticeLevel.VILLAGE, VILLAGE_A, [held])
    assert "尚未处理的异议" in error.value.message_dict["applications"][0]
    from identification import selectors

    assert held not in selectors.publishable(cadre_a, NoticeLevel.VILLAGE, VILLAGE_A, year)
    notices.objection_decide(
        actor=cadre_a, objection=objection, version=1, upheld=False, decision="不属实"
    )
    refresh(held)
    assert held.step == Step.TOWNSHIP_REVIEW


def test_a_notice_period_has_at_least_a_day(areas):
    NoticePeriod.objects.create(level=NoticeLevel.VILLAGE, days=0)  # a bad row, as data
    assert notices.notice_period(VILLAGE_A, NoticeLevel.VILLAGE) == (1, False)
