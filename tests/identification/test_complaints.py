"""Complaints (issue 11 item 4): every one received, assigned with a deadline, checked and
answered, each by the post the rule names; each opens a finding; one questioning a
household's status opens a removal or re-entry application."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import Area
from identification.choices import ApplicationKind, FindingKind, Step
from identification.services import complaints

from ..conftest import VILLAGE_A
from ..factories import make_household

TODAY = dt.date.today()


def receive(actor, **more):
    fields = {
        "channel": "phone",
        "received_on": TODAY,
        "concern": "wrong_entry",
        "content": "该户儿子在县城开店，家有轿车，不应评为贫困户。",
        "complainant_name": "",
    }
    return complaints.complaint_record(actor=actor, **(fields | more))


def test_a_complaint_is_received_assigned_checked_and_answered(
    cadre_a, cadre_b, township_office, superuser
):
    household = make_household(village=VILLAGE_A, actor=superuser)
    with pytest.raises(PermissionDenied):
        receive(cadre_b, household=household)
    with pytest.raises(ValidationError) as error:
        receive(cadre_a, household=household, content=" ")
    assert "content" in error.value.message_dict
    complaint = receive(cadre_a, household=household)  # anonymous: no name
    assert complaint.area_id == VILLAGE_A and complaint.state == "received"
    finding = complaint.finding
    assert finding.kind == FindingKind.COMPLAINT and finding.household == household
    assert "信访举报第" in finding.message
    with pytest.raises(PermissionDenied):  # assigning is the office's
        complaints.complaint_assign(
            actor=cadre_a, complaint=complaint, version=1, assignee=cadre_a, deadline=TODAY
        )
    with pytest.raises(ValidationError) as error:
        complaints.complaint_assign(
            actor=township_office, complaint=complaint, version=1, assignee=cadre_b, deadline=TODAY
        )
    assert "assignee" in error.value.message_dict  # cadre_b cannot see village A
    deadline = TODAY + dt.timedelta(days=15)
    complaint = complaints.complaint_assign(
        actor=township_office, complaint=complaint, version=1, assignee=cadre_a, deadline=deadline
    )
    finding.refresh_from_db()
    assert complaint.state == "assigned" and finding.responsible == cadre_a
    with pytest.raises(ValidationError):  # not yet checked
        complaints.complaint_answer(
            actor=township_office, complaint=complaint, version=2, upheld=False, answer="x"
        )
    complaint = complaints.complaint_check(actor=cadre_a, complaint=complaint, version=2)
    with pytest.raises(PermissionDenied):  # the answer is the office's
        complaints.complaint_answer(
            actor=cadre_a, complaint=complaint, version=3, upheld=False, answer="x"
        )
    complaint = complaints.complaint_answer(
        actor=township_office,
        complaint=complaint,
        version=3,
        upheld=True,
        answer="经核实，该户之子已分户，家有轿车属实，启动清退程序。",
    )
    assert complaint.state == "answered" and complaint.upheld and complaint.answered_at


def test_a_complaint_about_a_status_opens_an_application(cadre_a, superuser):
    registered = make_household(village=VILLAGE_A, actor=superuser)
    complaint = receive(cadre_a, household=registered)
    assert complaints.application_kind_for(complaint) == ApplicationKind.REMOVAL
    application = complaints.complaint_open_application(actor=cadre_a, complaint=complaint)
    assert application.kind == ApplicationKind.REMOVAL and application.complaint == complaint
    assert application.step == Step.INCOME_CHECK and "信访举报第" in application.reason
    exited = make_household(village=VILLAGE_A, actor=superuser, status="exited")
    wrong_exit = receive(cadre_a, household=exited, concern="wrong_exit")
    assert complaints.application_kind_for(wrong_exit) == ApplicationKind.REENTRY
    about_funds = receive(cadre_a, area=Area.objects.get(code=VILLAGE_A), concern="funds")
    assert complaints.application_kind_for(about_funds) is None
    with pytest.raises(ValidationError):
        complaints.complaint_open_application(actor=cadre_a, complaint=about_funds)


def test_the_pages_take_a_complaint_to_its_answer(
    client, cadre_a, cadre_b, township_office, superuser
):
    household = make_household(village=VILLAGE_A, actor=superuser)
    client.force_login(cadre_a)
    form = client.get(f"/complaints/new/?household={household.pk}")
    assert household.number in form.text
    refused = client.post(
        "/complaints/new/",
        {"channel": "letter", "received_on": TODAY.isoformat(), "concern": "wrong_entry",
         "household_number": "不存在", "content": "有车"},
    )  # fmt: skip
    assert refused.status_code == 400 and "没有这个户编号" in refused.text
    response = client.post(
        "/complaints/new/",
        {"channel": "letter", "received_on": TODAY.isoformat(), "concern": "wrong_entry",
         "household_number": household.number, "content": "该户家有轿车"},
    )  # fmt: skip
    complaint = household.complaints.get()
    assert response["Location"] == f"/complaints/{complaint.pk}/"
    page = client.get(response["Location"]).text
    assert "据此提出“清退”申请" in page and "交办" not in page  # assigning is the office's
    client.force_login(cadre_b)
    assert client.get(f"/complaints/{complaint.pk}/").status_code == 404
    assert client.post(f"/complaints/{complaint.pk}/check/", {"version": 1}).status_code == 404
    client.force_login(township_office)
    client.post(
        f"/complaints/{complaint.pk}/assign/",
        {"version": 1, "assignee": cadre_a.pk, "deadline": (TODAY + dt.timedelta(10)).isoformat()},
    )
    client.post(f"/complaints/{complaint.pk}/check/", {"version": 2})
    bad = client.post(f"/complaints/{complaint.pk}/answer/", {"version": 3, "upheld": "1"})
    assert bad.status_code == 400
    client.post(
        f"/complaints/{complaint.pk}/answer/",
        {"version": 3, "upheld": "0", "answer": "轿车系借用亲戚的，反映不属实。"},
    )
    complaint.refresh_from_db()
    assert complaint.state == "answered" and complaint.upheld is False
    assert "已答复" in client.get("/complaints/").text


def test_what_a_complaint_says_decides_the_application_it_may_open(cadre_a, superuser):
    registered = make_household(village=VILLAGE_A, actor=superuser)
    missed_but_in = receive(cadre_a, household=registered, concern="missed")
    assert complaints.application_kind_for(missed_but_in) is None  # a 漏评 about a poor household
    wrong_entry = receive(cadre_a, household=registered)
    assert complaints.application_kind_for(wrong_entry) == ApplicationKind.REMOVAL
    wrong_entry.upheld = False  # answered as untrue
    assert complaints.application_kind_for(wrong_entry) is None


def test_assigning_a_complaint_assigns_its_finding_through_the_findings_rules(
    cadre_a, township_office, superuser, client
):
    household = make_household(village=VILLAGE_A, actor=superuser)
    complaint = receive(cadre_a, household=household)
    deadline = TODAY + dt.timedelta(days=10)
    complaints.complaint_assign(
        actor=township_office, complaint=complaint, version=1, assignee=cadre_a, deadline=deadline
    )
    finding = complaint.finding
    finding.refresh_from_db()
    assert finding.version == 2 and finding.responsible == cadre_a and finding.deadline == deadline
    client.force_login(cadre_a)
    assert client.get("/complaints/new/?household=abc").status_code == 200
