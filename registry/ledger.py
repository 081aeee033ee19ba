"""The member ledger (台账) in the national system's column layout: one row per member, with the
household's columns repeated. The household list exports it; the importer reads the same
headers, so an export edited in Excel can be imported again."""

import functools
import io
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.xlsx import write_xlsx

from .choices import (
    Education,
    HouseholdStatus,
    IdentificationStandard,
    LabourSkill,
    MigrantWork,
    Relation,
    SchoolStatus,
    Sex,
)
from .models import Member

# A cell that starts with one of these is run as a formula by Excel and other spreadsheets
# (CSV/formula injection); such text is written with a leading apostrophe instead.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# The language of the export being written: read once, not for each of two million cells.
_language: ContextVar[str | None] = ContextVar("ledger_language", default=None)


@functools.lru_cache(maxsize=4096)
def _translated(choices, value, language: str) -> str:
    return str(choices(value).label)


def _current_language() -> str:
    return _language.get() or translation.get_language()


def _label(choices, value) -> str:
    """A choice's label in the export's language, translated once per language, not per row."""
    return _translated(choices, value, _current_language()) if value else ""


@dataclass(frozen=True)
class Column:
    header: str
    # (household, member, income) -> the cell; rows as registry.selectors.ledger_families
    # gives them (plain values, labels' codes, the names of areas and causes).
    value: Callable
    width: int = 12
    member: bool = False  # a member's own column; the others are the household's, once a family


@functools.lru_cache(maxsize=64)
def _health_text(flags: tuple[bool, bool, bool], language: str) -> str:
    chronic, serious, disabled = flags  # the labels are the model's (Member.health_labels)
    member = Member(chronic_illness=chronic, serious_illness=serious, disabled=disabled)
    return "、".join(member.health_labels)


def _health(member) -> str:
    flags = (member.chronic_illness, member.serious_illness, member.disabled)
    return _health_text(flags, _current_language())


COLUMNS = [
    Column("县", lambda h, m, i: h.county or "", 14),
    Column("乡镇", lambda h, m, i: h.township or "", 12),
    Column("行政村", lambda h, m, i: h.village, 12),
    Column("村民小组", lambda h, m, i: h.group, 8),
    Column("户编号", lambda h, m, i: h.number, 22),
    Column("户主姓名", lambda h, m, i: h.head_name, 10),
    Column("家庭人口数", lambda h, m, i: h.size, 8),
    Column("姓名", lambda h, m, i: m.name, 10, member=True),
    Column("证件号码", lambda h, m, i: m.id_number, 21, member=True),
    Column("性别", lambda h, m, i: _label(Sex, m.sex), 6, member=True),
    Column("民族", lambda h, m, i: m.ethnicity, 8, member=True),
    Column("出生日期", lambda h, m, i: m.birth_date or "", 12, member=True),  # or masked text
    Column("与户主关系", lambda h, m, i: _label(Relation, m.relation), 10, member=True),
    Column("文化程度", lambda h, m, i: _label(Education, m.education), 12, member=True),
    Column("在校生状况", lambda h, m, i: _label(SchoolStatus, m.school_status), 12, member=True),
    Column("健康状况", lambda h, m, i: _health(m), 12, member=True),
    Column("劳动技能", lambda h, m, i: _label(LabourSkill, m.labour_skill), 12, member=True),
    Column("务工状况", lambda h, m, i: _label(MigrantWork, m.migrant_work), 12, member=True),
    Column("务工时间", lambda h, m, i: m.migrant_months or "", 8, member=True),
    Column("贫困户属性", lambda h, m, i: h.attribute or "", 14),
    Column("识别标准", lambda h, m, i: _label(IdentificationStandard, h.standard), 10),
    Column("主要致贫原因", lambda h, m, i: h.main_cause or "", 12),
    Column("其他致贫原因", lambda h, m, i: "、".join(h.other_causes), 16),
    Column("计划脱贫年度", lambda h, m, i: h.planned_exit_year or "", 10),
    # Read back only by a migration import; any other import leaves status to the procedures.
    Column("户状态", lambda h, m, i: _label(HouseholdStatus, h.status), 10),
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


def write_member_ledger(families: Iterable[tuple], *, presenter, out=None, progress=None):
    """An .xlsx of the families' live members (registry.selectors.ledger_families), as the
    presenter lets the user see them (ID, bank and birth dates masked outside the areas the
    user keeps); every text cell is neutralised. Returned as bytes, or written into `out` (a
    file), returning the rows written; `progress(households done)` is called as it goes.
    Streamed (core.xlsx), so memory stays the same whatever the list's length."""

    family = [(n, c) for n, c in enumerate(COLUMNS) if not c.member]
    own = [(n, c) for n, c in enumerate(COLUMNS) if c.member]

    def rows():
        for done, (stored, members, income) in enumerate(families, start=1):
            household = presenter.values(stored, stored.village_id)
            shared = [None] * len(COLUMNS)
            for n, column in family:
                shared[n] = neutralise(column.value(household, None, income))
            for member in members:
                member = presenter.values(member, stored.village_id)
                row = shared.copy()
                for n, column in own:
                    row[n] = neutralise(column.value(household, member, income))
                yield row
            if progress is not None and done % 500 == 0:
                progress(done)

    target = out if out is not None else io.BytesIO()
    token = _language.set(translation.get_language())
    try:
        written = write_xlsx(
            target,
            sheet_name=str(_("家庭成员台账")),
            headers=[column.header for column in COLUMNS],
            widths=[column.width for column in COLUMNS],
            rows=rows(),
        )
    finally:
        _language.reset(token)
    return written if out is not None else target.getvalue()
