"""Rosters come through the one import pipeline: messy files, errors at their cells, a marked
workbook, and each import kept as a version (issue 10 item 1)."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from core.imports.annotate import annotate
from identification.imports.rosters import RosterImport
from identification.models import Roster

from ..factories import id_number


def roster_file(
    path, rows, header=("序号", "户主姓名", "身份证号", "保障人口", "低保类别", "月保障金")
):
    book = Workbook()
    sheet = book.active
    sheet.title = "低保名单"
    sheet.append(["天祝县城乡低保花名册"])
    sheet.append(list(header))
    for serial, row in enumerate(rows, start=1):
        sheet.append([serial, *row])
    book.save(path)
    return path


def run(path, actor, **options):
    options = {"roster_type": "dibao", "area": "620623000000", "as_of": "2026-10-01", **options}
    return RosterImport(actor=actor, **options).run(path)


def test_a_heads_only_dibao_roster_becomes_a_version(tmp_path, superuser):
    legacy = "620623800101123"  # a 15-digit number, upgraded as the registry stores it
    rows = [("王五", id_number(), 3, "A类", "1,230元"), ("赵六", legacy, "2", "B类", 880)]
    report = run(roster_file(tmp_path / "d.xlsx", rows), superuser, heads_only=True)
    assert report.errors == [] and report.entries.created == 2
    roster = Roster.objects.get()
    assert roster.heads_only and roster.as_of == dt.date(2026, 10, 1) and roster.entry_count == 2
    first, second = roster.entries.order_by("row")
    assert first.people == 3 and first.category == "A类" and str(first.monthly_amount) == "1230.00"
    assert second.id_number[:17] == "62062319800101123" and len(second.id_number) == 18
    # Each import is a version of its own.
    run(roster_file(tmp_path / "d2.xlsx", rows), superuser, as_of="2026-11-01")
    assert Roster.objects.count() == 2
    assert Roster.objects.newest_versions().get().as_of == dt.date(2026, 11, 1)


def test_bad_rows_are_errors_at_their_cells_and_marked(tmp_path, superuser):
    good = id_number()
    rows = [
        ("王五", "12345", 3, "", ""),
        ("", id_number(), 1, "", ""),
        ("李四", good, 1, "", ""),
        ("李四二", good, 1, "", ""),
    ]
    path = roster_file(tmp_path / "bad.xlsx", rows)
    report = run(path, superuser, roster_type="vehicle")
    # Columns are named as the national system names them, whatever the file calls them.
    assert [(i.row, i.column) for i in report.errors] == [
        (3, "证件号码"),
        (4, "姓名"),
        (6, "证件号码"),
    ]
    assert "与第 5 行重复" in report.errors[2].message
    assert not Roster.objects.exists()
    marked = load_workbook(io.BytesIO(annotate(path, report.errors, report.warnings)))
    assert marked["低保名单"].cell(row=3, column=3).comment is not None


def test_a_county_office_cannot_import_a_roster(tmp_path, county_office):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(roster_file(tmp_path / "d.xlsx", [("王五", id_number(), 1, "", "")]), county_office)


def test_the_command_imports_a_version_and_says_what_is_wrong(tmp_path, superuser, capsys):
    import json

    from django.core.management import call_command

    path = roster_file(tmp_path / "d.xlsx", [("王五", id_number(), 3, "A类", 500)])
    call_command("import_roster", str(path), "--type", "dibao", "--area", "620623", "--json")
    assert json.loads(capsys.readouterr().out)["entries"]["created"] == 1
    assert Roster.objects.get().area_id == "620623000000"
    bad = roster_file(tmp_path / "bad.xlsx", [("王五", "123", 3, "", "")])
    with pytest.raises(SystemExit) as exit_status:
        call_command("import_roster", str(bad), "--type", "dibao", "--area", "620623")
    assert exit_status.value.code == 1 and "证件号码" in capsys.readouterr().out


def test_only_areas_the_uploader_may_import_into_are_offered(areas, cadre_a, superuser):
    from identification.forms import RosterOptionsForm

    assert not RosterOptionsForm(user=cadre_a).fields["area"].queryset.exists()
    assert (
        RosterOptionsForm(user=superuser)
        .fields["area"]
        .queryset.filter(code="620623000000")
        .exists()
    )
