"""Kept figures (registry.figures) equal a full recount after every kind of change, whether
they were settled after the commit or by the read that needs them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Q

from core.areas import areas_load
from registry import figures, selectors, services
from registry.choices import HouseholdStatus, MonitoringCategory, Relation
from registry.imports.households import import_ledger
from registry.models import Household, Income, Member, StaleVillageFigures, VillageFigures

from ..conftest import VILLAGE_A, VILLAGE_B, VILLAGE_C
from ..factories import make_household, member_data, procedure_officer
from .test_import import family, sample_people, workbook


def counted_by_hand(year: int) -> dict[str, dict]:
    """The figures recounted row by row in Python, independently of registry.figures."""
    table: dict[str, dict] = {}
    for household in Household.objects.prefetch_related("members", "incomes"):
        row = table.setdefault(household.village_id, dict.fromkeys(figures.COUNTS, 0))
        row[f"households_{household.status}"] += 1
        row[f"people_{household.status}"] += sum(
            member.left_on is None for member in household.members.all()
        )
        if household.status == HouseholdStatus.REMOVED:
            continue
        row["missing_phone"] += household.phone == ""
        row["missing_bank"] += household.bank_account == ""
        row["missing_income"] += all(income.year != year for income in household.incomes.all())
        if household.monitoring_category != MonitoringCategory.NONE:
            row[f"monitoring_{household.monitoring_category}"] += 1
    return table


def kept() -> dict[str, dict]:
    return {
        row.village_id: {name: getattr(row, name) for name in figures.COUNTS}
        for row in VillageFigures.objects.all()
    }


def read_everything() -> dict[str, dict]:
    """The kept figures after a read has settled what is stale (as a page's read does)."""
    figures.settle(Q())
    return kept()


def assert_kept_equals_recount() -> None:
    year = selectors.current_income_year()
    assert read_everything() == counted_by_hand(year) == figures.count(year=year)
    assert not StaleVillageFigures.objects.exists()


@pytest.fixture
def town(households, this_years_line):
    """The four villages' households (one each), and their figures counted."""
    figures.rebuild()
    return households


def register(town, actor):
    make_household(village=VILLAGE_A, actor=actor, status="applicant", phone="")


def edit_phone_and_bank(town, actor):
    household = town["A"]
    services.household_update(
        actor=actor,
        household=household,
        version=household.version,
        data={"phone": "13912345678", "bank_account": "6228480000000000"},
    )


def move_to_another_village(town, actor):
    from core.models import Area

    household = town["A"]
    services.household_update(
        actor=actor,
        household=household,
        version=household.version,
        data={"village": Area.objects.get(code=VILLAGE_B)},
    )


def edit_with_members(town, actor):
    household = town["B"]
    services.household_save_with_members(
        actor=actor,
        household=household,
        version=household.version,
        data={"phone": ""},
        members=[{"data": member_data(Relation.SON, name="张小军")}],
    )


def add_member(town, actor):
    services.member_add(actor=actor, household=town["C"], data=member_data(Relation.SON))


def member_leaves(town, actor):
    daughter = town["A"].members.get(name="张玉兰")
    services.member_leave(actor=actor, member=daughter, version=daughter.version, reason="death")


def change_head(town, actor):
    household = town["A"]
    services.household_change_head(
        actor=actor,
        household=household,
        version=household.version,
        new_head=household.members.get(relation=Relation.SPOUSE),
        previous_head_relation=Relation.SPOUSE,
    )


def record_income(town, actor):
    services.income_record(
        actor=actor,
        household=town["A"],
        year=selectors.current_income_year(),
        data={"wage_income": Decimal("6000")},
    )


def delete_an_applicant(town, actor):
    applicant = make_household(village=VILLAGE_C, actor=actor, status="applicant")
    assert_kept_equals_recount()
    services.household_delete(actor=actor, household=applicant)


def bulk_update(town, actor):
    services.households_bulk_update(
        actor=actor,
        households=Household.objects.filter(pk__in=[town["A"].pk, town["B"].pk]),
        data={"monitoring_category": MonitoringCategory.MARGINAL, "bank_account": ""},
    )


def exit_and_remove(town, actor):
    services.household_status_set(
        actor=procedure_officer(), household=town["A"], to="exited", year=2020, source="测试"
    )
    services.household_status_set(
        actor=procedure_officer(),
        household=town["B"],
        to="removed",
        year=2020,
        source="测试",
        reason="misidentified",
    )


def monitor(town, actor):
    services.household_monitoring_set(
        actor=procedure_officer(),
        household=town["C"],
        category=MonitoringCategory.SUDDEN,
        source="测试",
    )


def import_a_ledger(town, actor, tmp_path):
    people = sample_people()
    year = selectors.current_income_year()
    rows = family("H001", people["head"], people["wife"], 年度=year) + family(
        "H002", people["head2"], people["daughter2"], village="南泥沟村", 联系电话=""
    )
    report = import_ledger(workbook(tmp_path / "first.xlsx", rows), actor=actor)
    assert report.applied, report.errors
    assert_kept_equals_recount()
    # A re-import that moves a member out and changes the phone.
    rows = family("H001", people["head"], 年度=year, 联系电话="") + family(
        "H002", people["head2"], people["daughter2"], village="南泥沟村"
    )
    report = import_ledger(workbook(tmp_path / "again.xlsx", rows), actor=actor)
    assert report.applied, report.errors


CHANGES = [
    register,
    edit_phone_and_bank,
    move_to_another_village,
    edit_with_members,
    add_member,
    member_leaves,
    change_head,
    record_income,
    delete_an_applicant,
    bulk_update,
    exit_and_remove,
    monitor,
    import_a_ledger,
]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__ for change in CHANGES])
def test_kept_figures_equal_a_recount_after_every_kind_of_change(town, superuser, change, tmp_path):
    assert_kept_equals_recount()
    before = kept()
    arguments = (town, superuser, tmp_path) if change is import_a_ledger else (town, superuser)
    change(*arguments)
    marked = set(StaleVillageFigures.objects.values_list("village_id", flat=True))
    assert marked, "a change marks the villages it touched"
    assert_kept_equals_recount()
    if change not in (change_head, delete_an_applicant):  # these leave the figures as they were
        assert kept() != before


def test_a_committed_change_settles_its_villages_itself(
    town, superuser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record_income(town, superuser)
        member_leaves(town, superuser)
    assert not StaleVillageFigures.objects.exists()
    assert kept() == counted_by_hand(selectors.current_income_year())


def test_a_change_of_many_villages_is_counted_by_a_task(town, superuser, eager_tasks, monkeypatch):
    monkeypatch.setattr(figures, "SETTLE_AFTER_COMMIT", 1)
    with eager_tasks():
        bulk_update(town, superuser)  # villages A and B, counted by registry.tasks.settle_figures
    assert not StaleVillageFigures.objects.exists()
    assert kept() == counted_by_hand(selectors.current_income_year())


def test_a_failed_count_after_a_commit_leaves_the_marks_for_the_next_read(
    town, superuser, django_capture_on_commit_callbacks, monkeypatch
):
    tried = []

    def broken(villages, **_kwargs):
        tried.append(set(villages))
        raise RuntimeError("the database went away")

    monkeypatch.setattr(figures, "recount", broken)
    with django_capture_on_commit_callbacks(execute=True):
        record_income(town, superuser)  # the request does not fail
    assert tried == [{VILLAGE_A}]
    assert StaleVillageFigures.objects.filter(village_id=VILLAGE_A).exists()
    monkeypatch.undo()
    assert_kept_equals_recount()


def test_a_rolled_back_change_leaves_no_mark(town, superuser):
    with pytest.raises(Exception, match="已登记"):
        record_income(town, superuser)
        record_income(town, superuser)
    assert StaleVillageFigures.objects.filter(village_id=VILLAGE_A).count() == 1
    assert_kept_equals_recount()


def test_a_mark_written_while_a_village_is_counted_stays_for_the_next_read(town, superuser):
    """settle deletes only the marks it read before counting: a change committed in between
    keeps its own, and its village is counted again by the next read."""
    record_income(town, superuser)
    marks = list(StaleVillageFigures.objects.values_list("id", flat=True))
    late = StaleVillageFigures.objects.create(village_id=VILLAGE_A)
    figures.recount([VILLAGE_A])
    StaleVillageFigures.objects.filter(id__in=marks).delete()
    assert list(StaleVillageFigures.objects.values_list("id", flat=True)) == [late.id]
    assert_kept_equals_recount()


def test_figures_counted_for_last_year_are_counted_again_for_this_one(town, superuser):
    year = selectors.current_income_year()
    Income.objects.create(household=town["A"], year=year - 1, household_size=3)
    figures.recount([VILLAGE_A, VILLAGE_B, VILLAGE_C], year=year - 1)
    assert VillageFigures.objects.get(village_id=VILLAGE_A).missing_income == 0
    totals = figures.totals(superuser)
    assert totals.missing()["income"] == 4
    assert set(VillageFigures.objects.values_list("income_year", flat=True)) == {year}


def test_totals_and_areas_are_scoped_and_summed_by_area_code(town, cadre_a, county_office):
    make_household(village=VILLAGE_A, actor=cadre_a, status="applicant")
    assert figures.totals(cadre_a).households() == {
        "applicant": 1,
        "registered": 1,
        "exited": 0,
        "removed": 0,
    }
    assert figures.totals(cadre_a).people()["registered"] == 3
    county = figures.totals(county_office)
    assert county.households()["registered"] == 3  # villages A, B, C; not D of another county
    assert figures.totals(county_office, "620623101000").households()["registered"] == 1
    townships = figures.by_child_area(county_office, 9)
    assert {code: kept.households()["registered"] for code, kept in townships.items()} == {
        "620623100": 2,
        "620623101": 1,
    }
    assert figures.totals(cadre_a, VILLAGE_C).households()["registered"] == 0


def test_a_village_whose_last_household_went_has_no_figures(areas, superuser, this_years_line):
    applicant = make_household(village=VILLAGE_C, actor=superuser, status="applicant")
    figures.settle(Q())
    assert VillageFigures.objects.filter(village_id=VILLAGE_C).exists()
    services.household_delete(actor=superuser, household=applicant)
    assert read_everything() == {}


def test_the_rebuild_command_counts_rows_written_beneath_the_services(town, capsys):
    Member.objects.filter(household=town["A"]).update(
        left_on=dt.date(2020, 1, 1), leave_reason="death"
    )
    Household.objects.filter(pk=town["B"].pk).update(phone="")
    assert kept() != counted_by_hand(selectors.current_income_year())
    call_command("rebuild_figures")
    assert "已重新统计 4 个村" in capsys.readouterr().out
    assert kept() == counted_by_hand(selectors.current_income_year())


def test_the_migration_marks_every_village_with_households(town):
    """Households registered before figures were kept are counted at the first read."""
    VillageFigures.objects.all().delete()
    from importlib import import_module

    from django.apps import apps

    migration = import_module("registry.migrations.0011_village_figures")
    migration.mark_every_village(apps, None)
    assert set(StaleVillageFigures.objects.values_list("village_id", flat=True)) == set(
        Household.objects.values_list("village_id", flat=True)
    )
    assert_kept_equals_recount()


def test_areas_load_adds_villages_without_figures(town):
    """A village with no household has no figures row, and sums to nothing."""
    areas_load([{"code": "620623101201", "name": "新村"}])
    assert figures.totals(procedure_officer(), "620623101201").households()["applicant"] == 0


def test_the_home_page_shows_a_registration_at_once(client, town, cadre_a, other_county_office):
    client.force_login(cadre_a)
    before = client.get("/").context
    make_household(village=VILLAGE_A, actor=cadre_a, status="applicant", phone="")
    page = client.get("/")
    assert page.context["total"] == before["total"] + 1
    assert page.context["summary"].missing["phone"] == before["summary"].missing["phone"] + 1
    client.force_login(other_county_office)  # another county's office sees only its own
    assert client.get("/").context["total"] == 1
