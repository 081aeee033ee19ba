"""The API of the 12345 procedure, notices, objections and complaints (issue 11 item 6): the
same services as the pages, so the same rules, with their refusals as the API gives them (400 at
the field, 403 for the wrong post, 404 for another area, 409 for a stale version)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from identification.choices import NoticeLevel, Step
from identification.demo import photo
from identification.models import Application, Attachment, Objection
from identification.services import notices

from ..conftest import VILLAGE_A, VILLAGE_B
from ..factories import make_household
from .steps import CHECKLIST, TODAY, VOTES, applying

# api(user) logs the one test client in as that user: call it again to switch users.
COUNTY, TOWNSHIP = "620623000000", "620623100000"
WHERE = "华藏寺镇人民政府 0935-1234567"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def year(this_years_line):
    return this_years_line.year


def step(api_user, application_id, version, outcome="passed", **more):
    return api_user.post(
        f"/api/applications/{application_id}/step/",
        {"version": version, "outcome": outcome, **more},
    )


def passed(response, expected_step):
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["step"] == expected_step, body
    return body


def end(notice_id):
    notice = notices.Notice.objects.get(pk=notice_id)
    notices.notices_close_ended(today=notice.ends_on + dt.timedelta(days=1))


def publish(api_user, level, area, body, **more):
    return api_user.post(
        "/api/notices/",
        {
            "level": level,
            "area": area,
            "year": body["year"],
            "applications": [body["id"]],
            "where_to_object": WHERE,
            **more,
        },
    )


def test_an_entry_goes_through_every_step_by_the_api(
    api, client, cadre_a, township_office, county_office, year, superuser
):
    household = make_household(village=VILLAGE_A, actor=superuser, status="applicant")
    cadre = api(cadre_a)
    cadre.post("/api/incomes/", {"household": household.pk, "year": year, "wage_income": "6000"})
    opened = cadre.post(
        "/api/applications/",
        {"household": household.pk, "kind": "entry", "year": year, "reason": "因病致贫"},
    )
    assert opened.status_code == 201, opened.json()
    body = opened.json()
    assert body["step"] == Step.INCOME_CHECK and body["records"][0]["outcome"] == "applied"
    assert body["actions"] == {
        "outcomes": ["passed", "rejected"],
        "send_back_to": [],
        "withdraw": True,
    }
    app_id = body["id"]

    body = passed(step(cadre, app_id, body["version"]), Step.CONDITIONS_CHECK)
    assert body["per_capita_income"] == "2000.00"
    assert set(body["actions"]["send_back_to"]) == {Step.INCOME_CHECK}
    data = {**CHECKLIST, "remarks": {"housing": "土坯房，裂缝"}}
    no_photo = step(cadre, app_id, body["version"], data=data)
    assert no_photo.status_code == 400 and "files" in no_photo.json()
    seen = client.post(  # the photos of the visit come as multipart, the checklist with them
        f"/api/applications/{app_id}/step/",
        {
            "version": body["version"],
            "outcome": "passed",
            **{f"data.{item}": value for item, value in CHECKLIST.items()},
            "data.remarks.housing": "土坯房，裂缝",
            "files": [photo()],
        },
    )
    body = passed(seen, Step.RANKING)
    assert body["records"][-1]["data"]["remarks"] == {"housing": "土坯房，裂缝"}
    assert body["records"][-1]["attachments"][0]["content_type"] == "image/png"

    ranking = cadre.get("/api/applications/ranking/", village=VILLAGE_A, year=year).json()
    assert [row["application"]["id"] for row in ranking["waiting"]] == [app_id]
    assert ranking["may_confirm"] and ranking["quota_left"] is None
    confirmed = cadre.post("/api/applications/ranking/", {"village": VILLAGE_A, "year": year})
    assert confirmed.status_code == 200 and confirmed.json()["ranked"][0]["rank"] == 1

    body = cadre.get(f"/api/applications/{app_id}/").json()
    meeting = {"held_on": TODAY.isoformat(), "present": 12}
    body = passed(step(cadre, app_id, body["version"], data=meeting), Step.COMMITTEE_REVIEW)
    body = passed(step(cadre, app_id, body["version"], data=meeting), Step.CROSS_MATCH)
    body = passed(step(cadre, app_id, body["version"]), Step.ASSEMBLY_VOTE)
    body = passed(step(cadre, app_id, body["version"], data=VOTES), Step.VILLAGE_NOTICE)
    assert body["actions"]["outcomes"] == []  # the notice's end moves it on

    village_notice = publish(cadre, NoticeLevel.VILLAGE, VILLAGE_A, body)
    assert village_notice.status_code == 201, village_notice.json()
    notice = village_notice.json()
    assert notice["state"] == "running" and notice["items"][0]["head_name"] == household.head_name
    objection = cadre.post(
        "/api/objections/",
        {
            "item": notice["items"][0]["id"],
            "objector_name": "李四",
            "objector_contact": "13800000000",
            "channel": "visit",
            "received_on": notice["starts_on"],
            "content": "该户有一辆小轿车",
        },
    )
    assert objection.status_code == 201, objection.json()
    assert objection.json()["case"] == app_id
    end(notice["id"])
    assert cadre.get(f"/api/applications/{app_id}/").json()["step"] == Step.VILLAGE_NOTICE
    decided = cadre.post(
        f"/api/objections/{objection.json()['id']}/decide/",
        {"version": 1, "upheld": False, "decision": "经核实，轿车为其子所有，已分户。"},
    )
    assert decided.status_code == 200 and decided.json()["state"] == "not_upheld"
    body = cadre.get(f"/api/applications/{app_id}/").json()
    assert body["step"] == Step.TOWNSHIP_REVIEW

    township = api(township_office)
    body = passed(step(township, app_id, body["version"]), Step.TOWNSHIP_NOTICE)
    township_notice = publish(township, NoticeLevel.TOWNSHIP, TOWNSHIP, body)
    assert township_notice.status_code == 201
    end(township_notice.json()["id"])

    county = api(county_office)
    body = county.get(f"/api/applications/{app_id}/").json()
    body = passed(step(county, app_id, body["version"]), Step.COUNTY_ANNOUNCEMENT)
    announcement = publish(county, NoticeLevel.COUNTY, COUNTY, body, where_to_object="")
    assert announcement.status_code == 201 and announcement.json()["state"] == "published"
    household.refresh_from_db()
    assert household.status == "registered" and household.first_identified_year == year
    records = county.get(f"/api/applications/{app_id}/").json()["records"]
    assert [r["step"] for r in records][-2:] == [Step.COUNTY_REVIEW, Step.COUNTY_ANNOUNCEMENT]


def test_the_api_refuses_what_the_services_refuse(api, cadre_a, cadre_b, county_office, year):
    application = applying(cadre_a, year=year)
    wrong_post = step(api(county_office), application.pk, application.version)
    assert wrong_post.status_code == 403 and "村级岗位" in wrong_post.json()["detail"]
    elsewhere = step(api(cadre_b), application.pk, application.version)
    assert elsewhere.status_code == 404
    not_here = step(api(cadre_a), application.pk, application.version, outcome="sent_back")
    assert not_here.status_code == 400 and "outcome" in not_here.json()
    no_reason = step(api(cadre_a), application.pk, application.version, outcome="rejected")
    assert no_reason.status_code == 400 and "note" in no_reason.json()
    passed(step(api(cadre_a), application.pk, application.version), Step.CONDITIONS_CHECK)
    stale = step(api(cadre_a), application.pk, application.version)
    assert stale.status_code == 409
    assert stale.json()["current"]["step"] == Step.CONDITIONS_CHECK
    unchecked = step(api(cadre_a), application.pk, application.version + 1, data={"water": "met"})
    assert unchecked.status_code == 400 and "data.housing" in unchecked.json()
    bad_item = step(api(cadre_a), application.pk, application.version + 1, data={"water": "maybe"})
    assert bad_item.status_code == 400 and "data.water" in bad_item.json()


def test_a_vote_without_quorum_is_refused_at_its_field(api, cadre_a, year):
    from .steps import advance

    application = advance(cadre_a, applying(cadre_a, year=year), Step.ASSEMBLY_VOTE)
    few = step(api(cadre_a), application.pk, application.version, data={**VOTES, "present": 19})
    assert few.status_code == 400
    assert "三分之二" in few.json()["data.present"][0]
    unread = step(
        api(cadre_a), application.pk, application.version, data={**VOTES, "read_out": False}
    )
    assert unread.status_code == 400 and "data.read_out" in unread.json()


def test_a_step_takes_its_forms_as_multipart(client, cadre_a, year, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = applying(cadre_a, year=year)
    client.force_login(cadre_a)
    answer = client.post(
        f"/api/applications/{application.pk}/step/",
        {
            "version": application.version,
            "outcome": "passed",
            "files": [SimpleUploadedFile("申请书.png", PNG, content_type="image/png")],
        },
    )
    assert answer.status_code == 200, answer.json()
    record = answer.json()["records"][-1]
    assert record["attachments"][0]["name"] == "申请书.png"
    assert Attachment.objects.get().content_type == "image/png"
    refused = client.post(
        f"/api/applications/{application.pk}/step/",
        {
            "version": application.version + 1,
            "outcome": "passed",
            **{f"data.{item}": value for item, value in CHECKLIST.items()},
            "files": [SimpleUploadedFile("a.png", b"not an image", content_type="image/png")],
        },
    )
    assert refused.status_code == 400 and "files" in refused.json()


def test_notices_and_objections_are_refused_as_the_services_refuse(
    api, cadre_a, cadre_b, township_office, county_office, year
):
    from .steps import advance

    application = advance(cadre_a, applying(cadre_a, year=year), Step.VILLAGE_NOTICE)
    body = api(cadre_a).get(f"/api/applications/{application.pk}/").json()
    not_theirs = publish(api(cadre_b), NoticeLevel.VILLAGE, VILLAGE_A, body)
    assert not_theirs.status_code == 403
    too_early = publish(api(county_office), NoticeLevel.COUNTY, COUNTY, body)
    assert too_early.status_code == 400 and "applications" in too_early.json()
    notice = publish(api(cadre_a), NoticeLevel.VILLAGE, VILLAGE_A, body).json()
    anonymous = api(cadre_a).post(
        "/api/objections/",
        {
            "item": notice["items"][0]["id"],
            "objector_name": "",
            "objector_contact": "13800000000",
            "channel": "visit",
            "received_on": notice["starts_on"],
            "content": "x",
        },
    )
    assert anonymous.status_code == 400 and "objector_name" in anonymous.json()
    other_area = api(cadre_b).post(
        "/api/objections/",
        {
            "item": notice["items"][0]["id"],
            "objector_name": "李四",
            "objector_contact": "13800000000",
            "channel": "visit",
            "received_on": notice["starts_on"],
            "content": "x",
        },
    )
    assert other_area.status_code == 400 and "item" in other_area.json()
    assert api(cadre_b).get(f"/api/notices/{notice['id']}/").status_code == 404
    assert not Objection.objects.exists()
    assert api(township_office).get("/api/notices/", level="village").json()["count"] == 1


def test_the_ranking_is_read_only_in_the_users_villages(api, cadre_a, cadre_b, year):
    applying(cadre_a, year=year)
    assert api(cadre_b).get("/api/applications/ranking/", village=VILLAGE_A).status_code == 404
    refused = api(cadre_b).post("/api/applications/ranking/", {"village": VILLAGE_B})
    assert refused.status_code == 400  # nothing waits in cadre B's village
    bad_year = api(cadre_a).get("/api/applications/ranking/", village=VILLAGE_A, year="x")
    assert bad_year.status_code == 400 and "year" in bad_year.json()


def test_a_complaint_is_taken_to_its_answer_by_the_api(
    api, cadre_a, cadre_b, township_office, superuser
):
    household = make_household(village=VILLAGE_A, actor=superuser)
    received = api(cadre_a).post(
        "/api/complaints/",
        {
            "channel": "phone",
            "received_on": TODAY.isoformat(),
            "concern": "wrong_entry",
            "household": household.pk,
            "content": "该户家有轿车，子女在城里买房。",
        },
    )
    assert received.status_code == 201, received.json()
    complaint = received.json()
    assert complaint["area"] == VILLAGE_A and complaint["finding"] is not None
    assert complaint["actions"]["assign"] is False  # the office assigns
    assert api(cadre_b).get(f"/api/complaints/{complaint['id']}/").status_code == 404
    too_soon = api(township_office).post(
        f"/api/complaints/{complaint['id']}/answer/",
        {"version": 1, "upheld": True, "answer": "属实"},
    )
    assert too_soon.status_code == 400 and "state" in too_soon.json()
    stranger = api(township_office).post(
        f"/api/complaints/{complaint['id']}/assign/",
        {"version": 1, "assignee": cadre_b.pk, "deadline": TODAY.isoformat()},
    )
    assert stranger.status_code == 400 and "assignee" in stranger.json()
    assigned = api(township_office).post(
        f"/api/complaints/{complaint['id']}/assign/",
        {"version": 1, "assignee": cadre_a.pk, "deadline": TODAY.isoformat()},
    )
    assert assigned.status_code == 200 and assigned.json()["state"] == "assigned"
    checking = api(cadre_a).post(f"/api/complaints/{complaint['id']}/check/", {"version": 2})
    assert checking.status_code == 200 and checking.json()["state"] == "checking"
    cadre_answers = api(cadre_a).post(
        f"/api/complaints/{complaint['id']}/answer/",
        {"version": 3, "upheld": True, "answer": "属实"},
    )
    assert cadre_answers.status_code == 403
    answered = api(township_office).post(
        f"/api/complaints/{complaint['id']}/answer/",
        {"version": 3, "upheld": True, "answer": "经核实属实，启动清退程序。"},
    )
    assert answered.status_code == 200 and answered.json()["actions"]["application"] is None
    assert (
        api(cadre_a).get(f"/api/complaints/{complaint['id']}/").json()["actions"]["application"]
        == "removal"
    )
    opened = api(cadre_a).post(f"/api/complaints/{complaint['id']}/application/")
    assert opened.status_code == 201 and opened.json()["kind"] == "removal"
    assert Application.objects.get().complaint_id == complaint["id"]
    assert api(cadre_a).get("/api/complaints/", open="true").json()["count"] == 0
