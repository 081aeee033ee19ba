"""The member ledger (台账) in the national system's column layout: one row per member, with the
household's columns repeated. The household list exports it; the importer reads the same
headers, so an export edited in Excel can be imported again."""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .choices import Education, LabourSkill, MigrantWork, Relation, SchoolStatus, Sex
from .models import Household, Income, Member

# A cell that starts with one of these is run as a formula by Excel and other spreadsheets
# (CSV/formula injection); such text is written with a leading apostrophe instead.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _label(choices, value) -> str:
    return str(choices(value).label) if value else ""


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Household, Member, Income | None], object]
    width: int = 12


def _health(member: Member) -> str:
    return "、".join(member.health_labels)


COLUMNS = [
    Column("县", lambda h, m, i: h.village.parent.parent.name if h.village.parent else "", 14),
    Column("乡镇", lambda h, m, i: h.village.parent.name if h.village.parent else "", 12),
    Column("行政村", lambda h, m, i: h.village.name, 12),
    Column("村民小组", lambda h, m, i: h.group, 8),
    Column("户编号", lambda h, m, i: h.number, 22),
    Column("户主姓名", lambda h, m, i: h.head_name, 10),
    Column("家庭人口数", lambda h, m, i: h.size, 8),
    Column("姓名", lambda h, m, i: m.name, 10),
    Column("证件号码", lambda h, m, i: m.id_number, 21),
    Column("性别", lambda h, m, i: _label(Sex, m.sex), 6),
    Column("民族", lambda h, m, i: m.ethnicity, 8),
    Column("出生日期", lambda h, m, i: m.birth_date or getattr(m, "masked_birth_date", ""), 12),
    Column("与户主关系", lambda h, m, i: _label(Relation, m.relation), 10),
    Column("文化程度", lambda h, m, i: _label(Education, m.education), 12),
    Column("在校生状况", lambda h, m, i: _label(SchoolStatus, m.school_status), 12),
    Column("健康状况", lambda h, m, i: _health(m), 12),
    Column("劳动技能", lambda h, m, i: _label(LabourSkill, m.labour_skill), 12),
    Column("务工状况", lambda h, m, i: _label(MigrantWork, m.migrant_work), 12),
    Column("务工时间", lambda h, m, i: m.migrant_months or "", 8),
    Column("贫困户属性", lambda h, m, i: h.attribute.name if h.attribute else "", 14),
    Column("识别标准", lambda h, m, i: h.get_standard_display(), 10),
    Column("主要致贫原因", lambda h, m, i: h.main_cause.name if h.main_cause else "", 12),
    Column("其他致贫原因", lambda h, m, i: "、".join(c.name for c in h.other_causes.all()), 16),
    Column("计划脱贫年度", lambda h, m, i: h.planned_exit_year or "", 10),
    # Read back only by a migration import; any other import leaves status to the procedures.
    Column("户状态", lambda h, m, i: h.get_status_display(), 10),
    Column("识别年度", lambda h, m, i: h.first_identified_year or "", 8),
    Column("脱贫年度", lambda h, m, i: h.exit_year or "", 8),
    Column("联系电话", lambda h, m, i: h.phone, 14),
    Column("开户银行", lambda h, m, i: h.bank_name, 16),
    Column("银行账号", lambda h, m, i: h.bank_account, 22),
    Column("年度", lambda h, m, i: i.year if i else "", 8),
    Column("工资性收入", lambda h, m, i: i.wage_income if i else "", 12),
    Column("生产经营性收入", lambda h, m, i: i.production_income if i else "", 12),
    Column("财产性收入", lambda h, m, i: i.property_income if i else "", 12),
    Column("转移性收入", lambda h, m, i: i.transfer_income if i else "", 12),
    Column("生产经营性支出", lambda h, m, i: i.production_cost if i else "", 12),
]


def write_member_ledger(households: Iterable[Household], *, year: int, presenter) -> bytes:
    """An .xlsx of the households' live members, as the presenter lets the user see them (ID,
    bank and birth dates masked outside the areas the user keeps); every text cell is
    neutralised."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("家庭成员台账")))
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_header_cell(sheet, column.header, bold) for column in COLUMNS])
    for stored in households:
        income = next((i for i in stored.year_incomes if i.year == year), None)
        household = presenter.row(stored, stored.village_id)
        for member in presenter.rows(stored.live_members, stored.village_id):
            row = [column.value(household, member, income) for column in COLUMNS]
            sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_cell(sheet, text, font):
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = font
    return cell
