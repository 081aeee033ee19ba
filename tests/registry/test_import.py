"""The household ledger import: real ledgers' quirks, every error at its cell, all or nothing."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from core.imports.issues import UnreadableFile
from core.models import ChangeRecord
from registry.imports.households import import_ledger
from registry.models import Household, Income, Member

from ..factories import id_number

HEADER = ["序号", "县", "乡镇", "行政村", "村民小组", "户编号", "户主姓名", "家庭人口数", "姓名",
          "证件号码", "性别", "民族", "出生日期", "与户主关系", "文化程度", "健康状况", "劳动技能",
          "贫困户属性", "主要致贫原因", "其他致贫原因", "联系电话", "年度", "工资性收入",
          "生产经营性收入", "转移性收入", "生产经营性支出", "备注"]  # fmt: skip


def family(number, head, *others, village="岔口驿村", township="华藏寺镇", **cells):
    """Ledger rows of one household: the household's cells on its first row only."""
    people = [head, *others]
    rows = []
    for index, (name, number_id, relation) in enumerate(people):
        row = dict.fromkeys(HEADER, "")
        row.update({"姓名": name, "证件号码": number_id, "与户主关系": relation, "民族": "汉族"})
        if index == 0:
            row.update(
                {
                    "县": "天祝藏族自治县",
                    "乡镇": township,
                    "行政村": village,
                    "村民小组": "一组",
                    "户编号": number,
                    "户主姓名": head[0],
                    "家庭人口数": len(people),
                    "贫困户属性": "一般贫困户",
                    "主要致贫原因": "缺劳动力",
                    "其他致贫原因": "因病、缺技术",
                    "联系电话": "13809351234",
                    "年度": 2016,
                    "工资性收入": "6,000元",
                    "生产经营性收入": 1500,
                    "转移性收入": "",
                    "生产经营性支出": 300,
                }
            )
        row.update(cells if index == 0 else {})
        rows.append(row)
    return rows


TITLE = ["天祝县建档立卡贫困人口台账"]
FILLED_BY = ["填报单位：华藏寺镇", "", "", "", "", "填报时间：2016年12月"]
NOTES = ["本表为演示说明，请勿修改表头。"]


def workbook(path, rows, *, title=True, notes=False, header=HEADER):
    """The ledger as real ones come: a notes sheet first, a merged title and a 填报单位 line
    above the header, 序号 numbering the rows. .xlsx, or .xls / .ods by the path's suffix."""
    lines = [TITLE, FILLED_BY] if title else []
    lines.append(header)
    for serial, row in enumerate(rows, start=1):
        lines.append([serial if name == "序号" else row.get(name, "") for name in header])
    sheets = [("填表说明", [NOTES])] if notes else []
    sheets.append(("台账", lines))
    writer = {".xls": _write_xls, ".ods": _write_ods}.get(path.suffix, _write_xlsx)
    writer(path, sheets, merged_title=title)
    return path


def _write_xlsx(path, sheets, *, merged_title):
    book = Workbook()
    book.remove(book.active)
    for name, lines in sheets:
        sheet = book.create_sheet(name)
        for line in lines:
            sheet.append(line)
    if merged_title:
        book["台账"].merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    book.save(path)


def _write_xls(path, sheets, *, merged_title):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for name, lines in sheets:
        sheet = book.add_sheet(name)
        for row, line in enumerate(lines):
            if merged_title and name == "台账" and row == 0:
                sheet.write_merge(0, 0, 0, 7, line[0])
                continue
            for col, value in enumerate(line):
                if value != "":
                    sheet.write(row, col, value)
    book.save(str(path))


def _write_ods(path, sheets, *, merged_title):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name, lines in sheets:
        table = Table(name=name)
        for line in lines:
            row = TableRow()
            for value in line:
                if isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value)
                else:
                    cell = TableCell(valuetype="string")
                if value != "":
                    cell.addElement(P(text=str(value)))
                row.addElement(cell)
            table.addElement(row)
        document.spreadsheet.addElement(table)
    document.save(str(path))


def sample_people() -> dict:
    """Two families' people, each with a fresh valid ID number."""
    return {
        "head": ("马福海", id_number(), "户主"),
        "wife": ("马秀英", id_number(male=False), "配偶"),
        "son": ("马小军", id_number(), "之子"),
        "head2": ("王建国", id_number(), "户主"),
        "daughter2": ("王玉兰", id_number(male=False), "女儿"),
    }


@pytest.fixture
def people():
    return sample_people()


@pytest.fixture(params=[".xlsx"])
def ledger(request, tmp_path, people):
    """Two households on the data sheet after a notes sheet, as .xlsx unless a test asks for
    another format by indirect parametrisation."""
    rows = family("H001", people["head"], people["wife"], people["son"]) + family(
        "H002", people["head2"], people["daughter2"], village="南泥沟村"
    )
    return workbook(tmp_path / f"ledger{request.param}", rows, notes=True)


@pytest.mark.parametrize("ledger", [".xlsx", ".xls", ".ods"], indirect=True)
def test_a_real_shaped_ledger_imports(ledger, superuser, people):
    report = import_ledger(ledger, actor=superuser)
    assert report.errors == [] and report.applied
    assert vars(report.households) == {"created": 2, "updated": 0, "unchanged": 0}
    assert vars(report.members) == {"created": 5, "updated": 0, "unchanged": 0}
    household = Household.objects.get(number="H001")
    assert (household.village_id, household.head_name, household.size) == (
        "620623100200",
        "马福海",
        3,
    )
    assert household.main_cause_id == "lack_labour"
    assert set(household.other_causes.values_list("code", flat=True)) == {"illness", "lack_skills"}
    assert household.members.get(name="马小军").relation == "son"
    assert Household.objects.get(number="H002").members.get(name="王玉兰").relation == "daughter"
    income = Income.objects.get(household=household, year=2016)
    assert (income.wage_income, income.net_income, income.household_size) == (6000, 7200, 3)
    assert ChangeRecord.objects.filter(household_id=household.pk, action="create").count() == 5
    assert [w.column for w in report.warnings] == ["备注"]


def test_a_chinese_ledger_imports_for_a_user_reading_english(ledger, superuser):
    from django.utils import translation

    with translation.override("en"):
        report = import_ledger(ledger, actor=superuser)
    assert report.errors == [] and report.applied
    wife = Member.objects.get(name="马秀英")
    assert (wife.relation, wife.sex) == ("spouse", "female")


def test_reimporting_the_same_data_changes_nothing(ledger, superuser):
    import_ledger(ledger, actor=superuser)
    records = ChangeRecord.objects.count()
    report = import_ledger(ledger, actor=superuser)
    assert not ChangeRecord.objects.filter(action="update").exists(), list(
        ChangeRecord.objects.filter(action="update").values_list("model", "changes")
    )
    assert vars(report.households) == {"created": 0, "updated": 0, "unchanged": 2}
    assert vars(report.members) == {"created": 0, "updated": 0, "unchanged": 5}
    assert vars(report.incomes) == {"created": 0, "updated": 0, "unchanged": 2}
    assert ChangeRecord.objects.count() == records


def test_a_reimport_updates_and_reports_missing_members(tmp_path, superuser, people, ledger):
    import_ledger(ledger, actor=superuser)
    changed = workbook(
        tmp_path / "changed.xlsx",
        family("H001", people["head"], people["wife"], 联系电话="13900000000")
        + family("H002", people["head2"], people["daughter2"], village="南泥沟村"),
    )
    report = import_ledger(changed, actor=superuser)
    assert vars(report.households) == {"created": 0, "updated": 1, "unchanged": 1}
    household = Household.objects.get(number="H001")
    assert household.phone == "13900000000" and household.version == 2
    assert household.members.live().count() == 3  # 马小军 is not deleted
    assert any("马小军" in w.message for w in report.warnings)
    updates = ChangeRecord.objects.filter(household_id=household.pk, action="update")
    assert updates.get(model="registry.household").changes == {
        "phone": ["13809351234", "13900000000"]
    }
    # The ledger now counts two people, and this year's income is per two.
    assert updates.get(model="registry.income").changes == {"household_size": [3, 2]}


def test_a_reimport_changes_members_swaps_the_head_and_adds_one(tmp_path, superuser, people):
    """Stored members are compared with the file's rows: a changed one gets its next version
    and one change record, a new one is added, and the household's head and size follow."""
    first = family("H001", people["head"], people["wife"])
    import_ledger(workbook(tmp_path / "a.xlsx", first), actor=superuser)
    wife_name, wife_number, _relation = people["wife"]
    again = family(
        "H001",
        (wife_name, wife_number, "户主"),
        (people["head"][0] + "二", people["head"][1], "配偶"),
        people["son"],
    )
    report = import_ledger(workbook(tmp_path / "b.xlsx", again), actor=superuser)
    assert report.errors == [], report.errors
    assert vars(report.members) == {"created": 1, "updated": 2, "unchanged": 0}
    household = Household.objects.get(number="H001")
    assert (household.head_name, household.size) == (wife_name, 3)
    wife = household.members.get(id_number=wife_number)
    assert (wife.relation, wife.version) == ("head", 2)
    records = ChangeRecord.objects.filter(model="registry.member", object_id=wife.pk)
    assert [(r.action, r.changes) for r in records.order_by("id")][1:] == [
        ("update", {"relation": ["spouse", "head"]})
    ]
    husband = household.members.get(id_number=people["head"][1])
    assert husband.name.endswith("二") and husband.relation == "spouse"
    son = household.members.get(id_number=people["son"][1])
    assert ChangeRecord.objects.filter(
        model="registry.member", object_id=son.pk, action="create", area_code=household.village_id
    ).exists()


def test_member_cells_merged_down_and_blank_household_cells(tmp_path, superuser, people):
    path = workbook(
        tmp_path / "merged.xlsx", family("H001", people["head"], people["wife"]), title=False
    )
    book = load_workbook(path)
    sheet = book.active
    column = HEADER.index("户编号") + 1
    sheet.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
    sheet.append([""] * len(HEADER))
    sheet.append(["合计", "", "", "", "", "", "", 2])
    book.save(path)
    report = import_ledger(path, actor=superuser)
    assert report.errors == []
    assert Household.objects.get(number="H001").members.count() == 2


def test_a_two_row_header_with_group_cells(tmp_path, superuser, people):
    book = Workbook()
    sheet = book.active
    groups = ["基本信息"] * 8 + ["家庭成员"] * 9 + ["帮扶信息"] * 5 + ["收入情况"] * 5
    sheet.append(groups)
    sheet.merge_cells("A1:H1")
    sheet.append(HEADER)
    for row in family("H001", people["head"], people["wife"]):
        sheet.append([row.get(name, "") for name in HEADER])
    book.save(tmp_path / "two-rows.xlsx")
    report = import_ledger(tmp_path / "two-rows.xlsx", actor=superuser)
    assert report.errors == [] and report.households.created == 1


def test_values_are_normalised(tmp_path, superuser):
    head, child = id_number(), id_number()
    old = "110105491231002"  # 15 digits
    rows = family(
        "H003",
        ("张三", "  " + head[:-1] + head[-1].lower() + " ", "本人"),
        ("李四", old, "妻"),
        ("张五", child.translate(str.maketrans("0123456789", "０１２３４５６７８９")), "子"),
        工资性收入="1,200.50元",
        生产经营性支出="",
    )
    rows[0]["出生日期"] = f"{head[6:10]}.{int(head[10:12])}.{int(head[12:14])}"  # 1980.1.1
    rows[0]["性别"] = "男"
    rows[1]["出生日期"] = "19491231"
    rows[2]["出生日期"] = dt.date(int(child[6:10]), int(child[10:12]), int(child[12:14]))
    report = import_ledger(workbook(tmp_path / "n.xlsx", rows), actor=superuser)
    assert report.errors == [], report.errors
    household = Household.objects.get(number="H003")
    assert household.members.get(name="李四").id_number == "11010519491231002X"
    assert household.members.get(name="李四").relation == "spouse"
    assert household.members.get(name="张五").id_number == child
    assert Income.objects.get(household=household).wage_income == Decimal("1200.50")


def test_every_error_is_reported_at_its_cell_and_nothing_is_written(tmp_path, superuser, people):
    good = id_number()
    bad_check = good[:17] + ("1" if good[17] == "0" else "0")
    rows = (
        family(
            "H010",
            ("甲", bad_check, "户主"),
        )
        + family("H011", ("乙", 6.20623199001011e17, "户主"))
        + family("H012", ("丙", id_number(), "户主"), ("丁", id_number(), "户主"))
        + family("H013", ("戊", id_number(), "户主"), village="不存在村")
        + family("H014", ("己", id_number(), "户主"), 生产经营性支出="-5")
        + family("H015", ("庚", id_number(), "户主"), 文化程度="博士后")
        + family("H016", ("辛", id_number(male=True), "户主"), 性别="女")
        + family("H017", ("壬", id_number(), "户主"), 村民小组="一" * 31)
    )
    report = import_ledger(workbook(tmp_path / "bad.xlsx", rows), actor=superuser)
    assert not report.applied
    by_column = {(issue.row, issue.column): issue.message for issue in report.errors}
    assert all(issue.sheet == "台账" for issue in report.errors)
    assert "校验位" in by_column[(4, "证件号码")]
    assert "文本" in by_column[(5, "证件号码")]  # the number Excel rounded
    assert "只有一位户主" in by_column[(6, "与户主关系")]
    assert "不存在" in by_column[(8, "行政村")]
    assert (9, "生产经营性支出") in by_column
    assert "不在可选值中" in by_column[(10, "文化程度")]
    assert "号码显示为男" in by_column[(11, "性别")]
    # Django's own words here would be "确保该变量包含不超过 30 字符" (locale/zh_Hans overrides them).
    assert by_column[(12, "村民小组")] == "最多 30 个字，现有 31 个。"
    assert not Household.objects.exists() and not Member.objects.exists()


def test_an_error_in_the_last_row_leaves_the_database_untouched(
    tmp_path, superuser, people, ledger
):
    rows = family("H001", people["head"], people["wife"]) + family("H009", ("最后", "123", "户主"))
    report = import_ledger(workbook(tmp_path / "last.xlsx", rows), actor=superuser)
    assert [issue.row for issue in report.errors] == [6]
    assert not Household.objects.exists()


def test_one_person_one_record_within_the_file_and_the_database(
    tmp_path, superuser, households, people
):
    taken = households["B"].members.get(relation="head").id_number
    rows = family("H001", people["head"], ("重复", people["head"][1], "之子")) + family(
        "H002", ("别人", taken, "户主")
    )
    report = import_ledger(workbook(tmp_path / "dup.xlsx", rows), actor=superuser)
    messages = [issue.message for issue in report.errors]
    assert any("与第 4 行重复" in m for m in messages)
    assert any("已在" in m and households["B"].number in m for m in messages)


def test_a_township_user_cannot_import_into_another_township(
    tmp_path, township_office, people, areas
):
    from core.posts import post_grant

    post_grant(username="township", role="admin", area_code="620623100")
    rows = family("H020", people["head"], village="金强驿村", township="打柴沟镇")
    report = import_ledger(workbook(tmp_path / "scope.xlsx", rows), actor=township_office)
    assert [issue.column for issue in report.errors] == ["行政村"]
    assert not Household.objects.exists()


def test_the_command_prints_json_and_exits_by_outcome(tmp_path, ledger, superuser, capsys):
    call_command("import_ledger", str(ledger), "--dry-run", "--json")  # exit status 0
    result = json.loads(capsys.readouterr().out)
    assert result["households"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert not Household.objects.exists()  # a dry run writes nothing
    call_command("import_ledger", str(ledger), "--json")
    assert json.loads(capsys.readouterr().out)["members"]["created"] == 5
    bad = workbook(tmp_path / "bad.xlsx", family("H030", ("甲", "123", "户主")))
    with pytest.raises(SystemExit) as exit_:
        call_command("import_ledger", str(bad), "--json")
    assert exit_.value.code == 1
    error = json.loads(capsys.readouterr().out)["errors"][0]
    assert set(error) == {"sheet", "row", "column", "message"} and error["column"] == "证件号码"
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        call_command("import_ledger", str(text), "--json")
    assert exit_.value.code == 2


def test_unreadable_files_are_refused_clearly(tmp_path, superuser):
    encrypted = tmp_path / "locked.xlsx"
    encrypted.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 1024)
    with pytest.raises(UnreadableFile, match="密码"):
        import_ledger(encrypted, actor=superuser)
    bomb = tmp_path / "bomb.xlsx"
    import zipfile

    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
    with pytest.raises(UnreadableFile, match="压缩炸弹"):
        import_ledger(bomb, actor=superuser)


def test_export_then_import_round_trips(
    client, households, cadre_a, tmp_path, superuser, this_years_line
):
    from registry import services

    services.income_record(
        actor=superuser,
        household=households["A"],
        year=this_years_line.year,  # the export's income columns are this year's
        data={"wage_income": "9000"},
    )
    client.force_login(cadre_a)
    path = tmp_path / "export.xlsx"
    path.write_bytes(client.get("/households/export.xlsx").content)
    report = import_ledger(path, actor=cadre_a)
    assert report.errors == [], report.errors
    assert vars(report.households) == {"created": 0, "updated": 0, "unchanged": 1}
    assert vars(report.members) == {"created": 0, "updated": 0, "unchanged": 3}
    assert vars(report.incomes) == {"created": 0, "updated": 0, "unchanged": 1}


def test_neutralised_cells_from_an_export_come_back_as_typed(tmp_path, superuser, people):
    rows = family("H040", people["head"], 村民小组="'=一组")
    report = import_ledger(workbook(tmp_path / "n.xlsx", rows), actor=superuser)
    assert report.errors == []
    assert Household.objects.get(number="H040").group == "=一组"


def test_the_same_file_is_recognised_by_its_hash(ledger, superuser):
    first = import_ledger(ledger, actor=superuser)
    assert not [w for w in first.warnings if "导入过" in w.message]
    again = import_ledger(ledger, actor=superuser)
    assert any("导入过" in w.message and "root" in w.message for w in again.warnings)
    assert again.file_hash == first.file_hash


@pytest.mark.parametrize(
    ("persona", "village"), [("cadre_a", "620623100200"), ("cadre_b", "620623100201")]
)
def test_the_template_has_the_columns_dropdowns_and_an_example(
    db, client, request, tmp_path, persona, village
):
    from core.imports.headers import find_header
    from core.imports.reading import read_workbook
    from registry.choices import Relation
    from registry.imports.households import COLUMNS

    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get("/households/import/template.xlsx")
    assert response.status_code == 200
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    book = load_workbook(path)
    assert book.sheetnames == ["填表说明", "台账", "选项"]
    sheet = book["台账"]
    headers = [cell.value for cell in sheet[1]]
    options = book["选项"]
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        header = headers[[c.column_letter for c in sheet[1]].index(column)]
        reference = validation.formula1.split("!")[1].replace("$", "")
        start, end = reference.split(":")
        lists[header] = [c.value for (c,) in options[f"{start}:{end}"]]
    assert lists["性别"] == ["男", "女"]
    assert lists["与户主关系"] == [str(label) for label in Relation.labels]
    assert "缺劳力" in lists["主要致贫原因"] and "一般贫困户" in lists["贫困户属性"]
    assert len(lists["民族"]) == 56
    assert sheet["I2"].number_format == "@"  # 证件号码 is text
    header = find_header(read_workbook(path), COLUMNS)
    assert header.sheet_index == 1 and not header.unknown
    # The example household is in the user's own village, valid but for its people: a template
    # uploaded unchanged says to delete them, and puts nobody in the registry.
    report = import_ledger(path, actor=user)
    assert [issue.message for issue in report.errors] == [
        "这是模板中的示例，请删除示例行后再导入。"
    ] * 2
    assert not Household.objects.exists()
    from registry.imports.households import TEMPLATE_EXAMPLE_IDS
    from registry.imports.template import _example_ids

    assert _example_ids() == TEMPLATE_EXAMPLE_IDS


def test_the_annotated_workbook_marks_the_right_cells(tmp_path, superuser, people):
    from core.imports.annotate import annotate

    rows = family("H050", people["head"], ("坏号", "110105194912310021", "配偶"), 文化程度="博士后")
    path = workbook(tmp_path / "bad.xlsx", rows)
    report = import_ledger(path, actor=superuser)
    assert len(report.errors) == 2
    marked = load_workbook(io.BytesIO(annotate(path, report.errors, report.warnings)))
    assert marked.sheetnames[0] == "错误清单"
    sheet = marked["台账"]
    id_cell = sheet.cell(row=5, column=HEADER.index("证件号码") + 1)
    assert "校验位" in id_cell.comment.text and id_cell.fill.fgColor.rgb.endswith("FFC7CE")
    education = sheet.cell(row=4, column=HEADER.index("文化程度") + 1)
    assert "不在可选值中" in education.comment.text
    assert sheet.cell(row=4, column=HEADER.index("姓名") + 1).comment is None
    listing = [row for row in marked["错误清单"].iter_rows(min_row=2, values_only=True)]
    assert {
        (kind, row, column) for kind, _sheet, row, column, _message in listing if kind == "错误"
    } == {
        ("错误", 5, "证件号码"),
        ("错误", 4, "文化程度"),
    }


def test_the_command_writes_the_marked_copy(tmp_path, superuser):
    bad = workbook(tmp_path / "bad.xlsx", family("H060", ("甲", "123", "户主")))
    marked = tmp_path / "bad-marked.xlsx"
    with pytest.raises(SystemExit):
        call_command("import_ledger", str(bad), "--errors-to", str(marked))
    listing = load_workbook(marked)["错误清单"]
    assert listing.cell(row=2, column=4).value == "证件号码"


def _upload(client, path, eager, **data):
    with open(path, "rb") as handle, eager():
        return client.post("/imports/new/", {"file": handle, **data})


# Transactional, as a real request is: confirming locks the job, which needs its own transaction.
@pytest.mark.django_db(transaction=True)
def test_browser_upload_preview_confirm(
    reference_data, client, cadre_a, people, tmp_path, eager_tasks
):
    from core.models import ImportJob

    path = workbook(tmp_path / "ledger.xlsx", family("H070", people["head"], people["wife"]))
    client.force_login(cadre_a)
    assert client.get("/imports/new/").status_code == 200
    response = _upload(client, path, eager_tasks)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "ready" and job.progress == 100
    assert not Household.objects.exists()  # the preview writes nothing
    page = client.get(f"/imports/{job.pk}/")
    assert "确认导入" in page.text and page.context["report"]["members"]["created"] == 2
    partial = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.text
    with eager_tasks():
        client.post(f"/imports/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == "applied"
    assert Household.objects.get(number="H070").members.count() == 2
    assert (
        client.post(f"/imports/{job.pk}/confirm/").status_code == 302
    )  # a second confirm is refused
    assert Household.objects.count() == 1
    # The same file again: said up front, and there is nothing to confirm.
    _upload(client, path, eager_tasks)
    again = client.get(f"/imports/{ImportJob.objects.latest('pk').pk}/")
    assert "同一文件已于" in again.text and "导入不会改变任何记录" in again.text
    assert "确认导入</button>" not in again.text


def test_browser_upload_with_errors_offers_the_marked_workbook(
    client, cadre_a, tmp_path, eager_tasks
):
    from core.models import ImportJob

    path = workbook(tmp_path / "bad.xlsx", family("H071", ("甲", "123", "户主")))
    client.force_login(cadre_a)
    _upload(client, path, eager_tasks)
    job = ImportJob.objects.get()
    assert job.status == "invalid"
    page = client.get(f"/imports/{job.pk}/")
    assert "证件号码" in page.text and "下载标注了错误的表格" in page.text
    marked = load_workbook(io.BytesIO(client.get(f"/imports/{job.pk}/errors.xlsx").content))
    assert marked["错误清单"].cell(row=2, column=4).value == "证件号码"
    assert marked["台账"].cell(row=4, column=HEADER.index("证件号码") + 1).comment is not None


def test_only_keepers_import_and_jobs_are_private(
    client, cadre_a, cadre_b, county_office, people, tmp_path, eager_tasks
):
    from core.models import ImportJob

    client.force_login(county_office)
    assert client.get("/imports/new/").status_code == 403
    client.force_login(cadre_a)
    _upload(client, workbook(tmp_path / "l.xlsx", family("H072", people["head"])), eager_tasks)
    job = ImportJob.objects.get()
    client.force_login(cadre_b)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.post(f"/imports/{job.pk}/confirm/").status_code == 404
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    response = _upload(client, text, eager_tasks)
    assert response.status_code == 200 and "file" in response.context["form"].errors


def test_a_reimport_leaves_what_the_file_has_no_column_for(tmp_path, superuser, people, ledger):
    import_ledger(ledger, actor=superuser)
    member = Member.objects.get(name="马秀英")
    member.medical_insurance = True
    member.disabled = True
    member.disability_certificate = member.id_number + "42"
    member.save()
    Household.objects.filter(number="H001").update(bank_account="6228480012345678")
    narrow = ["户编号", "行政村", "乡镇", "县", "姓名", "证件号码", "与户主关系", "健康状况"]
    rows = family("H001", people["head"], people["wife"], people["son"])
    rows[1]["健康状况"] = "残疾"
    report = import_ledger(workbook(tmp_path / "narrow.xlsx", rows, header=narrow), actor=superuser)
    assert report.errors == [], report.errors
    assert vars(report.members)["updated"] == 0
    member.refresh_from_db()
    assert member.medical_insurance and member.disability_certificate.endswith("42")
    assert Household.objects.get(number="H001").bank_account == "6228480012345678"


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_the_marked_copy_of_an_xls_or_ods_ledger(tmp_path, superuser, people, suffix):
    """openpyxl cannot write those formats: the copy is an .xlsx of the same sheets, cells in
    the same places, so the marks land where the user's own file has the bad values."""
    from core.imports.annotate import annotate

    rows = family("H050", people["head"], ("坏号", "110105194912310021", "配偶"))
    path = workbook(tmp_path / f"bad{suffix}", rows, notes=True)
    report = import_ledger(path, actor=superuser)
    assert [(e.row, e.column) for e in report.errors] == [(5, "证件号码")]
    marked = load_workbook(io.BytesIO(annotate(path, report.errors, report.warnings)))
    assert marked.sheetnames == ["错误清单", "填表说明", "台账"]
    sheet = marked["台账"]
    id_cell = sheet.cell(row=5, column=HEADER.index("证件号码") + 1)
    assert id_cell.value == "110105194912310021"
    assert "校验位" in id_cell.comment.text and id_cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(row=5, column=HEADER.index("姓名") + 1).value == "坏号"
    assert not Household.objects.filter(number="H050").exists()


def test_uploaded_files_are_deleted_after_the_keeping_time(
    client, cadre_a, people, tmp_path, eager_tasks, settings, django_capture_on_commit_callbacks
):
    """Uploads hold ID numbers and bank accounts: past IMPORT_KEEP_DAYS the daily task deletes
    them; an applied job keeps its status and report, a preview never confirmed expires."""
    import datetime as dt
    from pathlib import Path

    from django.utils import timezone

    from core.models import ImportJob
    from core.tasks import purge_import_files

    client.force_login(cadre_a)
    heads = [people["head"], people["head2"], (*people["son"][:2], "户主")]
    for number, head in zip(("H080", "H081", "H082"), heads, strict=True):
        _upload(client, workbook(tmp_path / f"{number}.xlsx", family(number, head)), eager_tasks)
    applied, unconfirmed, recent = ImportJob.objects.order_by("pk")
    with eager_tasks():
        client.post(f"/imports/{applied.pk}/confirm/")
    old = timezone.now() - dt.timedelta(days=settings.IMPORT_KEEP_DAYS + 1)
    ImportJob.objects.filter(pk__in=[applied.pk, unconfirmed.pk]).update(created_at=old)
    files = {job.pk: Path(job.file.path) for job in ImportJob.objects.all()}
    assert all(path.exists() for path in files.values())

    with django_capture_on_commit_callbacks(execute=True) as deletions:
        assert purge_import_files.apply().get() == 2
    assert len(deletions) == 2  # the files go once the emptied fields are committed
    assert not files[applied.pk].exists() and not files[unconfirmed.pk].exists()
    assert files[recent.pk].exists()
    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {applied.pk: "applied", unconfirmed.pk: "expired", recent.pk: "ready"}
    assert ImportJob.objects.get(pk=applied.pk).report["members"]["created"] == 1

    page = client.get(f"/imports/{unconfirmed.pk}/")
    assert "已过期" in page.text and "确认导入" not in page.text
    with eager_tasks():
        client.post(f"/imports/{unconfirmed.pk}/confirm/")
    assert not Household.objects.filter(number="H081").exists()
    response = client.get(f"/imports/{unconfirmed.pk}/errors.xlsx", follow=True)
    assert "已超过保留期限" in response.text
    assert purge_import_files.apply().get() == 0  # nothing left to delete
    assert settings.CELERY_BEAT_SCHEDULE["purge-import-files"]["task"] == purge_import_files.name


def test_a_ledger_that_starts_right_of_column_a(tmp_path, superuser, people):
    """The reader counts columns from the first used one; errors still name the sheet's own."""
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append([None, None, *TITLE])
    sheet.append([None, None, *HEADER])
    bad = ("坏号", "110105194912310021", "配偶")
    for row in family("H090", people["head"], bad):
        sheet.append([None, None, *[row.get(name, "") for name in HEADER]])
    path = tmp_path / "shifted.xlsx"
    book.save(path)
    report = import_ledger(path, actor=superuser)
    assert [(e.row, e.col, e.column) for e in report.errors] == [
        (4, HEADER.index("证件号码") + 3, "证件号码")
    ]
    sheet["L4"] = bad[1][:-1] + "X"  # the check character that number needs
    assert sheet.cell(row=4, column=HEADER.index("证件号码") + 3).coordinate == "L4"
    book.save(path)
    report = import_ledger(path, actor=superuser)
    assert report.errors == [] and Household.objects.get(number="H090").size == 2


def test_a_reimport_that_adds_a_member_and_changes_the_head(tmp_path, superuser, people, ledger):
    import_ledger(ledger, actor=superuser)
    father = (people["head2"][0], people["head2"][1], "父亲")
    newborn = ("王小宝", id_number(), "之子")
    changed = workbook(
        tmp_path / "changed.xlsx",
        family("H002", (*people["daughter2"][:2], "户主"), father, newborn, village="南泥沟村"),
    )
    report = import_ledger(changed, actor=superuser)
    assert report.errors == []
    assert vars(report.members) == {"created": 1, "updated": 2, "unchanged": 0}
    household = Household.objects.get(number="H002")
    assert (household.size, household.head_name) == (3, "王玉兰")
    assert household.members.get(relation="head").name == "王玉兰"
    # Untouched households keep their summary.
    assert Household.objects.get(number="H001").size == 3


def test_a_ledger_applied_in_batches_is_still_one_import(ledger, superuser, monkeypatch):
    from registry.imports import households

    monkeypatch.setattr(households, "APPLY_BATCH", 1)  # one family per batch
    report = import_ledger(ledger, actor=superuser)
    assert vars(report.households) == {"created": 2, "updated": 0, "unchanged": 0}
    assert vars(report.members) == {"created": 5, "updated": 0, "unchanged": 0}
    assert {h.size for h in Household.objects.all()} == {3, 2}
    assert ChangeRecord.objects.values("batch").distinct().count() == 1
    report = import_ledger(ledger, actor=superuser)
    assert vars(report.members) == {"created": 0, "updated": 0, "unchanged": 5}


def test_household_cells_repeated_on_members_rows(tmp_path, superuser, people):
    """National exports repeat a household's cells on every member's row: the same values are
    fine; a different one is not imported, and a warning says so at its cell."""
    rows = family("H095", people["head"], people["wife"], people["son"])
    household_cells = {
        name: rows[0][name] for name in ("县", "乡镇", "行政村", "户编号", "联系电话")
    }
    rows[1].update(household_cells)
    rows[2].update({**household_cells, "联系电话": "１３８０９３５１２３４", "工资性收入": -5})
    second = family("H096", people["head2"], people["daughter2"])
    second[1]["生产经营性支出"] = 0  # the only household cell on the row: filled, though falsy
    report = import_ledger(workbook(tmp_path / "repeated.xlsx", rows + second), actor=superuser)
    assert report.errors == []
    # Full-width digits fold to the same number: only the amounts differ.
    assert [(w.row, w.column) for w in report.warnings if w.column != "备注"] == [
        (6, "工资性收入"),
        (8, "生产经营性支出"),
    ]
    assert "以第 4 行为准" in report.warnings[-2].message
    income = Income.objects.get(household__number="H095")
    assert income.wage_income == 6000


def test_errors_kept_by_an_import_hold_no_frames(tmp_path, superuser):
    """An import runs without the cycle collector: an error that kept the frames it was raised
    in (and, through them, its row's instances) would hold that memory until the import ends."""
    import gc

    rows = []
    for index in range(30):
        rows += family(f"H2{index:02d}", ("张三", id_number(), "户主"), 联系电话="138" * 12)
    path = workbook(tmp_path / "bad-phones.xlsx", rows)
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    try:
        report = import_ledger(path, actor=superuser)
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        in_cycles = [type(thing).__name__ for thing in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if collecting:
            gc.enable()
    assert len({issue.row for issue in report.errors}) == 30
    assert "frame" not in in_cycles and "Household" not in in_cycles


def test_a_repeated_label_keeps_its_type(tmp_path, superuser):
    """Equal labels are kept as one object, by type too: TRUE in one column must not turn a
    later 1 in another into True."""
    header = [*HEADER, "务工状况", "务工时间"]
    rows = family("H301", ("甲", id_number(), "户主"), 村民小组=True)
    rows += family("H302", ("乙", id_number(), "户主"))
    rows[-1].update({"务工状况": "乡镇外县内", "务工时间": 1})
    report = import_ledger(workbook(tmp_path / "types.xlsx", rows, header=header), actor=superuser)
    assert report.errors == [], report.errors
    assert Member.objects.get(household__number="H302").migrant_months == 1


def test_a_job_whose_worker_died_is_purged_and_a_crash_fails_the_job(
    client, cadre_a, people, tmp_path, eager_tasks, settings, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    import datetime as dt
    from pathlib import Path

    from django.utils import timezone

    from core.models import ImportJob
    from core.tasks import purge_import_files
    from registry.imports.households import LedgerImport

    def crash(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(LedgerImport, "run", crash)
    client.force_login(cadre_a)
    _upload(client, workbook(tmp_path / "l.xlsx", family("H096", people["head"])), eager_tasks)
    job = ImportJob.objects.get()
    assert job.status == "failed" and "内部错误" in job.report["error"]
    assert "内部错误" in client.get(f"/imports/{job.pk}/").text

    # A job left "validating" by a worker that died is purged once past the keeping time.
    old = timezone.now() - dt.timedelta(days=settings.IMPORT_KEEP_DAYS + 1)
    ImportJob.objects.filter(pk=job.pk).update(status="validating", created_at=old, updated_at=old)
    path = Path(job.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_import_files.apply().get() == 1
    job.refresh_from_db()
    assert job.status == "expired" and not job.file and not path.exists()


def test_a_cause_named_twice_is_one_cause(tmp_path, superuser, people):
    rows = family("H097", people["head"], 其他致贫原因="因病、因病致贫、缺技术")
    report = import_ledger(workbook(tmp_path / "twice.xlsx", rows), actor=superuser)
    assert report.errors == []
    household = Household.objects.get(number="H097")
    assert sorted(household.other_causes.values_list("code", flat=True)) == [
        "illness",
        "lack_skills",
    ]


def test_a_new_head_while_the_stored_head_is_left_out_is_an_error(
    tmp_path, superuser, people, ledger
):
    """Members the file leaves out are kept: a stored head left out would stay head beside the
    file's, so the file is refused at its head's row (and nothing is written)."""
    import_ledger(ledger, actor=superuser)
    without_old_head = workbook(
        tmp_path / "new-head.xlsx",
        family("H002", (*people["daughter2"][:2], "户主"), village="南泥沟村"),
    )
    report = import_ledger(without_old_head, actor=superuser)
    assert [(e.row, e.column) for e in report.errors] == [(4, "与户主关系")]
    assert "王建国" in report.errors[0].message and "变更户主" in report.errors[0].message
    assert Household.objects.get(number="H002").head_name == "王建国"


def test_a_reimport_without_some_income_columns_keeps_those_amounts(
    tmp_path, superuser, people, ledger
):
    import_ledger(ledger, actor=superuser)
    narrow = [name for name in HEADER if name not in ("生产经营性收入", "生产经营性支出")]
    rows = family("H001", people["head"], people["wife"], people["son"], 工资性收入=7000)
    report = import_ledger(workbook(tmp_path / "wages.xlsx", rows, header=narrow), actor=superuser)
    assert report.errors == []
    income = Income.objects.get(household__number="H001", year=2016)
    assert (income.wage_income, income.production_income, income.production_cost) == (
        7000,
        1500,
        300,
    )
    change = ChangeRecord.objects.get(model="registry.income", action="update")
    assert change.changes == {"wage_income": ["6000.00", "7000.00"]}


def test_blank_and_total_rows_are_told_apart_from_people():
    from registry.imports.households import _blank_or_total

    assert _blank_or_total(["", None, "  ", "\u3000"])
    assert _blank_or_total(["", "合计", "", 12])
    assert _blank_or_total([3, "", "小 计".replace(" ", ""), "x"])
    assert not _blank_or_total([1, "天祝县", "计红梅", "小计"])  # 小计 is not among the first three
    assert not _blank_or_total(["", "计红梅", "620623"])  # a name with 计 is a person
