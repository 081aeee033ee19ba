"""The periodic re-check: each rule raises the findings it should, rules are data that can be
switched off, and a second run opens nothing new (issue 10 item 3)."""

import datetime as dt
import json
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from identification.choices import FindingKind
from identification.models import CheckRule, Finding
from identification.services import recheck
from registry import selectors, services
from registry.models import PovertyLine

from ..conftest import VILLAGE_A
from ..factories import id_number, make_household, member_data


def income(actor, household, year, amount):
    services.income_record(
        actor=actor, household=household, year=year, data={"wage_income": Decimal(amount)}
    )


def opened(rule, **kwargs):
    return sorted(
        (finding.kind, finding.household_id) for finding in recheck(rules=[rule], **kwargs).opened
    )


def test_an_exited_household_below_the_line_is_a_return_risk(areas, superuser):
    poor = make_household(village=VILLAGE_A, actor=superuser, status="exited")
    fine = make_household(village=VILLAGE_A, actor=superuser, status="exited")
    income(superuser, poor, 2021, "11999")  # 3 people × 4000 = 12000
    income(superuser, fine, 2021, "12000")
    assert opened("exited_below_line") == [(FindingKind.RETURN_RISK, poor.pk)]
    assert "3999.67" in Finding.objects.get().message


def test_a_registered_household_above_the_line_two_years_running(areas, superuser):
    rich = make_household(village=VILLAGE_A, actor=superuser)
    once = make_household(village=VILLAGE_A, actor=superuser)
    for year in (2020, 2021):
        income(superuser, rich, year, "20000")
    income(superuser, once, 2020, "9000")
    income(superuser, once, 2021, "20000")
    assert opened("registered_above_line") == [(FindingKind.ABOVE_LINE, rich.pk)]


def test_no_income_this_year_only_once_the_year_has_a_line(areas, superuser):
    household = make_household(village=VILLAGE_A, actor=superuser)
    make_household(village=VILLAGE_A, actor=superuser, status="applicant")
    assert opened("no_income_this_year") == []  # this year's line is not entered yet
    PovertyLine.objects.create(year=selectors.current_income_year(), amount=4000, basis="national")
    assert opened("no_income_this_year") == [(FindingKind.NO_INCOME, household.pk)]


def test_ages_that_cannot_be_right(areas, superuser):
    today = timezone.localdate()
    old = member_data(
        "father",
        name="老人",
        birth_date=dt.date(today.year - 101, 1, 1),
        id_type="other",
        id_number="OLD-1",
    )
    young_head = member_data(name="少年", id_number=id_number(birth=dt.date(today.year - 12, 1, 1)))
    first = make_household(village=VILLAGE_A, actor=superuser, members=[member_data(), old])
    second = make_household(village=VILLAGE_A, actor=superuser, members=[young_head])
    found = recheck(rules=["member_too_old", "head_too_young"]).opened
    assert sorted((f.name, f.household_id) for f in found) == [
        ("少年", second.pk),
        ("老人", first.pk),
    ]


def test_households_with_no_members_or_departed_ones_counted(areas, superuser):
    household = make_household(village=VILLAGE_A, actor=superuser)
    for member in household.members.all():
        if member.relation != "head":
            services.member_leave(
                actor=superuser,
                member=member,
                version=member.version,
                reason="death",
                left_on=timezone.localdate(),
            )
    year = selectors.current_income_year()
    PovertyLine.objects.create(year=year, amount=4000, basis="national")
    services.income_record(
        actor=superuser, household=household, year=year, data={"household_size": 3}
    )
    assert opened("size_counts_departed") == [(FindingKind.SIZE_MISMATCH, household.pk)]
    assert opened("no_live_members") == []


def test_below_the_monitoring_threshold_and_not_monitored(areas, superuser):
    exited = make_household(village=VILLAGE_A, actor=superuser, status="exited")
    income(superuser, exited, 2021, "15000")  # 5000 a head: above 4000, below 6000
    poor = make_household(village=VILLAGE_A, actor=superuser, status="exited")
    income(superuser, poor, 2021, "9000")  # below the line: a return risk, said once
    assert opened("below_monitoring_threshold") == [(FindingKind.BELOW_THRESHOLD, exited.pk)]


def test_a_rule_switched_off_or_rerun_opens_nothing(areas, superuser):
    poor = make_household(village=VILLAGE_A, actor=superuser, status="exited")
    income(superuser, poor, 2021, "3000")
    CheckRule.objects.filter(code="exited_below_line").update(enabled=False)
    assert opened("exited_below_line") == []
    CheckRule.objects.filter(code="exited_below_line").update(enabled=True)
    assert len(opened("exited_below_line")) == 1
    again = recheck(rules=["exited_below_line"])
    assert again.opened == [] and again.still_open == 1


def test_the_command_prints_the_findings(areas, superuser, capsys):
    poor = make_household(village=VILLAGE_A, actor=superuser, status="exited")
    income(superuser, poor, 2021, "3000")
    call_command("recheck", "--rule", "exited_below_line", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["opened"] == 1 and printed["findings"][0]["household"] == poor.number
    assert printed["findings"][0]["kind"] == "return_risk"


def test_the_schedules_are_data_an_admin_edits(db):
    from django_celery_beat.models import PeriodicTask

    tasks = {t.name: json.loads(t.kwargs) for t in PeriodicTask.objects.all()}
    assert tasks["每晚定期核查"] == {"kind": "recheck"}
    assert tasks["每周名单比对"] == {"kind": "cross_match"}


def test_every_rule_is_data_with_its_source_and_its_logic(db):
    from identification.services.rechecks import RULES

    rules = CheckRule.objects.all()
    assert {rule.code for rule in rules} == set(RULES) and len(RULES) == 8
    assert all(rule.source for rule in rules)
