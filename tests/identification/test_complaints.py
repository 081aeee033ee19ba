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
