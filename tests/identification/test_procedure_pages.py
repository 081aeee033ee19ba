"""The 12345 procedure through the pages (issue 11 item 5): a cadre opens an application from
the household's page and does the village's steps; the ranking page; notices, objections and
the print view; the township and county do theirs; a user of another area is refused."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from identification.choices import NoticeLevel, Step
from identification.demo import photo
from identification.models import Application, Notice
from identification.services import notices
from registry import services

from ..conftest import VILLAGE_A
from ..factories import make_household
from .steps import CHECKLIST, TODAY, VOTES, advance, applying

PDF = b"%PDF-1.4\n%fake but well-formed enough for its first bytes\n"


@pytest.fixture
def year(this_years_line):
    return this_years_line.year


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def step_page(client, application, **data):
    application.refresh_from_db()
    return client.post(
        f"/applications/{application.pk}/step/",
        {"version": application.version, "outcome": "passed", **data},
    )


def test_a_cadre_opens_an_application_and_does_the_village_steps(
    client, cadre_a, cadre_b, year, media
):
    household = make_household(village=VILLAGE_A, actor=cadre_a, status="applicant")
    services.income_record(
        actor=cadre_a, household=household, year=year, data={"wage_income": 6000}
    )
    client.force_login(cadre_a)
    page = client.get(f"/households/{household.pk}/").text
    assert "提出识别申请" in page
    form = client.get(f"/households/{household.pk}/apply/")
    assert form.status_code == 200 and "返贫纳入" not in form.text  # an applicant enters
    refused = client.post(
        f"/households/{household.pk}/apply/",
        {"kind": "entry", "year": year, "applied_on": TODAY.isoformat(), "reason": ""},
    )
    assert refused.status_code == 400 and "field invalid" in refused.text
    response = client.post(
        f"/households/{household.pk}/apply/",
        {
            "kind": "entry",
            "year": year,
            "applied_on": TODAY.isoformat(),
            "reason": "因病致贫，缺劳力",
            "files": SimpleUploadedFile("申请书.pdf", PDF, content_type="application/pdf"),
        },
    )
    application = Application.objects.get()
    assert response["Location"] == f"/applications/{application.pk}/"
    # While it is open the household's page offers no second one.
    assert "提出识别申请" not in client.get(f"/households/{household.pk}/").text
    detail = client.get(response["Location"]).text
    assert "人均纯收入 <strong>2000.00</strong> 元" in detail and "申请书.pdf" in detail
    attachment = application.records.get().attachments.get()
    assert client.get(f"/applications/files/{attachment.pk}/").status_code == 200
    assert step_page(client, application).status_code == 302  # 一核
    half = {"housing": "met"}
    refused = step_page(client, application, **half)
    assert refused.status_code == 400 and "“饮水安全”未填写。" in refused.text
    assert "请上传入户查看时拍的照片" in refused.text  # every refusal at once
    no_photo = step_page(client, application, **CHECKLIST)
    assert no_photo.status_code == 400 and "请上传入户查看时拍的照片" in no_photo.text
    assert step_page(client, application, **CHECKLIST, files=[photo()]).status_code == 302  # 二看
    assert application.records.get(step="conditions_check").attachments.count() == 1
    ranking = client.get("/applications/ranking/", {"village": VILLAGE_A, "year": year})
    assert "1. " in ranking.text and "确认 1 户的排名" in ranking.text
    client.post(f"/applications/ranking/?village={VILLAGE_A}&year={year}")
    meeting = {"held_on": TODAY.isoformat(), "present": 12}
    step_page(client, application, **meeting)
    step_page(client, application, **meeting)
    step_page(client, application)  # 一比对
    no_quorum = step_page(client, application, **(VOTES | {"present": 10, "read_out": "on"}))
    assert no_quorum.status_code == 400 and "三分之二" in no_quorum.text
    step_page(client, application, **(VOTES | {"read_out": "on"}))
    application.refresh_from_db()
    assert application.step == Step.VILLAGE_NOTICE
    # Another village's cadre sees none of it.
    client.force_login(cadre_b)
    assert client.get(f"/applications/{application.pk}/").status_code == 404
    assert client.get(f"/applications/files/{attachment.pk}/").status_code == 404
    assert step_page(client, application).status_code == 404
    assert "张建国" not in client.get("/applications/").text


def test_notices_objections_and_the_print_view(
    client, cadre_a, cadre_b, township_office, county_office, year
):
    application = advance(cadre_a, applying(cadre_a, year=year), Step.VILLAGE_NOTICE)
    client.force_login(cadre_a)
    form = client.get("/notices/new/village/")
    assert form.status_code == 200 and "张建国" in form.text
    assert client.get("/notices/new/county/").status_code == 403  # the county's to announce
    response = client.post(
        "/notices/new/village/",
        {
            "area": VILLAGE_A,
            "year": year,
            "applications": [application.pk],
            "starts_on": TODAY.isoformat(),
            "where_to_object": "华藏寺镇 0935-1234567",
        },
    )
    notice = Notice.objects.get()
    assert response["Location"] == f"/notices/{notice.pk}/"
    printed = client.get(f"/notices/{notice.pk}/print/").text
    head = application.household.members.get(relation="head")
    assert "张建国" in printed and head.id_number not in printed and "0935-1234567" in printed
    item = notice.items.get()
    refused = client.post(
        f"/notices/{notice.pk}/objections/",
        {"item": item.pk, "objector_name": "", "objector_contact": "1", "channel": "visit",
         "received_on": TODAY.isoformat(), "content": "有车"},
    )  # fmt: skip
    assert refused.status_code == 400
    client.post(
        f"/notices/{notice.pk}/objections/",
        {"item": item.pk, "objector_name": "李四", "objector_contact": "13800000000",
         "channel": "visit", "received_on": TODAY.isoformat(), "content": "该户有一辆小轿车"},
    )  # fmt: skip
    objection = notice.objections.get()
    page = client.get(f"/notices/{notice.pk}/").text
    assert "该户有一辆小轿车" in page and "处理异议" in page
    client.post(
        f"/objections/{objection.pk}/decide/",
        {"version": 1, "upheld": "0", "decision": "车辆系其子所有，已分户"},
    )
    objection.refresh_from_db()
    assert objection.state == "not_upheld"
    client.force_login(cadre_b)
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/notices/{notice.pk}/print/").status_code == 404
    # The period ends; the township reviews and sees it waiting on its list.
    notices.notices_close_ended(today=notice.ends_on + dt.timedelta(days=1))
    client.force_login(township_office)
    listing = client.get("/applications/").text
    assert "待您办理" in listing and "乡镇审核" in listing


def test_the_county_announces_from_its_page(client, cadre_a, township_office, county_office, year):
    application = advance(cadre_a, applying(cadre_a, year=year), Step.VILLAGE_NOTICE)
    village = notices.notice_publish(
        actor=cadre_a,
        level=NoticeLevel.VILLAGE,
        area_code=VILLAGE_A,
        year=year,
        applications=[application.pk],
        where_to_object="村委会",
    )
    notices.notices_close_ended(today=village.ends_on + dt.timedelta(days=1))
    application = advance(cadre_a, application, Step.TOWNSHIP_NOTICE, township=township_office)
    township = notices.notice_publish(
        actor=township_office,
        level=NoticeLevel.TOWNSHIP,
        area_code="620623100000",
        year=year,
        applications=[application.pk],
        where_to_object="镇政府",
    )
    notices.notices_close_ended(today=township.ends_on + dt.timedelta(days=1))
    application = advance(cadre_a, application, Step.COUNTY_ANNOUNCEMENT, county=county_office)
    client.force_login(county_office)
    client.post(
        "/notices/new/county/",
        {"area": "620623000000", "year": year, "applications": [application.pk],
         "starts_on": TODAY.isoformat()},
    )  # fmt: skip
    application.refresh_from_db()
    assert application.step == Step.DONE
    assert application.household.status == "registered"
    page = client.get(f"/applications/{application.pk}/").text
    assert "已公告" in page and "县级公告" in page


def test_the_household_withdraws_through_its_village_at_any_step(
    client, cadre_a, township_office, year
):
    application = advance(cadre_a, applying(cadre_a, year=year), Step.VILLAGE_NOTICE)
    notice = notices.notice_publish(
        actor=cadre_a,
        level=NoticeLevel.VILLAGE,
        area_code=VILLAGE_A,
        year=year,
        applications=[application.pk],
        where_to_object="村委会",
    )
    client.force_login(township_office)
    refused = client.post(
        f"/applications/{application.pk}/step/",
        {"version": application.version, "outcome": "withdrawn", "note": "x"},
    )
    assert refused.status_code == 403
    client.force_login(cadre_a)
    page = client.get(f"/applications/{application.pk}/").text
    assert "农户撤回申请" in page  # at a notice step too, where no decision is the cadre's
    missing = client.post(
        f"/applications/{application.pk}/step/",
        {"version": application.version, "outcome": "withdrawn", "note": ""},
    )
    assert missing.status_code == 400 and "撤回原因" in missing.text
    client.post(
        f"/applications/{application.pk}/step/",
        {"version": application.version, "outcome": "withdrawn", "note": "外出务工，自愿撤回"},
    )
    application.refresh_from_db()
    assert application.step == Step.WITHDRAWN
    assert notice.items.get().withdrawn  # off the board
    assert "张建国" not in client.get(f"/notices/{notice.pk}/print/").text


def test_the_api_reads_applications_and_notices_in_scope(client, cadre_a, cadre_b, year):
    from rest_framework.authtoken.models import Token

    application = advance(cadre_a, applying(cadre_a, year=year), Step.VILLAGE_NOTICE)
    notice = notices.notice_publish(
        actor=cadre_a,
        level=NoticeLevel.VILLAGE,
        area_code=VILLAGE_A,
        year=year,
        applications=[application.pk],
        where_to_object="村委会",
    )

    def get(user, path, **params):
        token = Token.objects.get_or_create(user=user)[0]
        return client.get(path, params, HTTP_AUTHORIZATION=f"Token {token.key}")

    listed = get(cadre_a, "/api/applications/", step="village_notice").json()
    assert [a["id"] for a in listed["results"]] == [application.pk]
    detail = get(cadre_a, f"/api/applications/{application.pk}/").json()
    assert [r["step"] for r in detail["records"]][:2] == ["application", "income_check"]
    assert detail["records"][1]["data"]["line"] == "4000.00"
    lines = get(cadre_a, f"/api/notices/{notice.pk}/").json()["items"]
    assert lines[0]["head_name"] == "张建国" and "id_number" not in lines[0]
    assert get(cadre_b, f"/api/applications/{application.pk}/").status_code == 404
    assert get(cadre_b, "/api/notices/").json()["count"] == 0
    assert get(cadre_a, "/api/applications/", year="abc").status_code == 400
