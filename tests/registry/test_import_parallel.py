"""A large ledger is validated on two cores (core.imports.parallel): the second half of the
families in a forked process. The report and the database must be what one process makes."""

import os

import pytest
from django.db import connection, transaction

from core.imports import parallel
from core.models import ChangeRecord
from registry.imports.households import import_ledger
from registry.models import Household, Income, Member

from ..factories import id_number
from .test_import import HEADER, family, workbook


@pytest.fixture
def forks(monkeypatch):
    """Counts the forks an import makes."""
    made = []
    real_fork = os.fork

    def fork():
        pid = real_fork()
        if pid:
            made.append(pid)
        return pid

    monkeypatch.setattr(parallel.os, "fork", fork)
    return made


def _families(count, *, broken=()):
    """`count` good families, with the faults named in `broken` at the given family indexes."""
    rows = []
    for index in range(count):
        number = f"P{index:04d}"
        head = (f"户主{index}", id_number(), "户主")
        others = [(f"成员{index}", id_number(male=False), "配偶")]
        cells = {}
        fault = dict(broken).get(index)
        if fault == "village":
            cells["行政村"] = "不存在村"
        elif fault == "education":
            cells["文化程度"] = "博士后"
        elif fault == "two heads":
            others = [(f"成员{index}", id_number(male=False), "户主")]
        elif fault == "bad number":
            head = (head[0], head[1][:17] + ("1" if head[1][17] == "0" else "0"), "户主")
        rows += family(number, head, *others, **cells)
    return rows


def _import(path, actor, settings, *, split: bool, **options):
    settings.IMPORT_PARALLEL_FROM = 0 if split else 10**9
    return import_ledger(path, actor=actor, **options)


def _stored() -> dict:
    """The registry as natural keys and values, without ids or times."""
    numbers = dict(Household.objects.values_list("id", "number"))

    def changes(record):
        values = dict(record.changes)
        if "household" in values:
            values["household"] = numbers[values["household"]]
        return sorted(values.items()).__repr__()

    return {
        "households": sorted(
            Household.objects.values_list(
                "number", "village_id", "head_name", "size", "status", "phone", "version"
            )
        ),
        "members": sorted(
            Member.objects.values_list("household__number", "id_number", "name", "relation", "sex")
        ),
        "incomes": sorted(
            Income.objects.values_list(
                "household__number", "year", "wage_income", "production_cost"
            )
        ),
        "causes": sorted(
            Household.other_causes.through.objects.values_list(
                "household__number", "povertycause_id"
            )
        ),
        "history": sorted(
            (r.model, r.object_repr, r.area_code, numbers[r.household_id], r.action, changes(r))
            for r in ChangeRecord.objects.all()
        ),
    }


def test_a_ledger_with_errors_gets_the_same_report_on_two_cores(
    tmp_path, superuser, settings, forks
):
    rows = _families(
        40,
        broken=[(3, "village"), (12, "education"), (25, "two heads"), (33, "bad number")],
    )
    # One person on a row of each half: the later row is the one refused, naming the first.
    rows[70]["证件号码"] = rows[2]["证件号码"]
    path = workbook(tmp_path / "errors.xlsx", rows)
    serial = _import(path, superuser, settings, split=False)
    assert not forks
    parallel_report = _import(path, superuser, settings, split=True)
    assert len(forks) == 1
    assert parallel_report.as_dict(with_cells=True) == serial.as_dict(with_cells=True)
    messages = [issue.message for issue in serial.errors]
    assert any("与第 6 行重复" in m for m in messages) and len(serial.errors) >= 6
    assert not Household.objects.exists()


def test_what_is_said_once_for_the_file_is_said_once_on_two_cores(
    tmp_path, superuser, settings, forks
):
    """A ledger with incomes and no 年度 column: the year is asked for once, not per half."""
    path = workbook(
        tmp_path / "no-year.xlsx", _families(20), header=[h for h in HEADER if h != "年度"]
    )
    serial = _import(path, superuser, settings, split=False)
    parallel_report = _import(path, superuser, settings, split=True)
    assert forks and parallel_report.as_dict(with_cells=True) == serial.as_dict(with_cells=True)
    assert [issue.row for issue in serial.errors] == [None]
    assert serial.options_asked == ["year"]


def test_status_cells_ignored_are_said_once_on_two_cores(tmp_path, cadre_a, settings, forks):
    """Status columns count only in a migration import: a cadre is told so at the first family
    that fills them, whichever process validated it."""
    rows = _families(20)
    for row in rows:
        if row["户编号"]:
            row["户状态"] = "已脱贫"
    path = workbook(tmp_path / "status.xlsx", rows, header=[*HEADER, "户状态"])
    serial = _import(path, cadre_a, settings, split=False, dry_run=True)
    parallel_report = _import(path, cadre_a, settings, split=True, dry_run=True)
    assert forks and parallel_report.as_dict(with_cells=True) == serial.as_dict(with_cells=True)
    ignored = [(i.row, i.column) for i in serial.warnings if "迁移导入" in i.message]
    assert ignored == [(4, "户状态")]


def test_a_good_ledger_makes_the_same_registry_on_two_cores(tmp_path, superuser, settings, forks):
    path = workbook(tmp_path / "good.xlsx", _families(30))
    with transaction.atomic():
        serial = _import(path, superuser, settings, split=False)
        stored_by_one = _stored()
        transaction.set_rollback(True)
    assert not Household.objects.exists()
    parallel_report = _import(path, superuser, settings, split=True)
    assert forks and parallel_report.applied
    assert parallel_report.as_dict() == serial.as_dict()
    assert _stored() == stored_by_one
    assert Member.objects.count() == 60 and ChangeRecord.objects.filter(action="create").exists()


def _halves(part, *, main):
    return (main, os.getpid(), [item * 2 for item in part])


def test_the_halves_come_back_in_order_from_two_processes():
    first, second = parallel.in_halves(list(range(7)), _halves, split=True)
    assert first[0] and not second[0] and first[1] == os.getpid() != second[1]
    assert first[2] + second[2] == [0, 2, 4, 6, 8, 10, 12]
    assert parallel.in_halves([1, 2], _halves, split=False) == [(True, os.getpid(), [2, 4])]


def _query(part, *, main):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return part


def _fail(part, *, main):
    if not main:
        raise ValueError("the second half is broken")
    return part


@pytest.mark.django_db
def test_the_forked_half_may_not_query_and_its_failure_is_raised():
    connection.ensure_connection()
    with pytest.raises(parallel.ChildFailed, match="must not use the database"):
        parallel.in_halves([1, 2, 3, 4], _query, split=True)
    with pytest.raises(parallel.ChildFailed, match="the second half is broken"):
        parallel.in_halves([1, 2, 3, 4], _fail, split=True)
    # The parent's connection is still good.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)
