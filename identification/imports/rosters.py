"""名单导入: a department's roster (低保, 特困, payroll, vehicles …) as a new version.

The same pipeline as the household ledger: messy files read, errors at their cells, a marked
workbook, a job with progress. An ID number is normalised as the registry stores it (15 digits
upgraded, X upper-case); a number that is no valid ID is an error at its cell, since it could
match nobody.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import idnumbers, scope
from core.choices import Action
from core.imports import kinds
from core.imports import normalise as norm
from core.imports.headers import ColumnSpec
from core.imports.pipeline import Pipeline, RowRef
from core.models import Area

from ..forms import RosterOptionsForm
from ..models import Roster, RosterEntry, RosterType

C = ColumnSpec
# Columns some types carry, kept with the entry as they are.
DETAIL_COLUMNS = {
    "unit": C("unit", "工作单位", ("单位", "单位名称")),
    "plate": C("plate", "车牌号码", ("车牌号", "号牌号码")),
    "property": C("property", "房屋坐落", ("房产地址", "坐落")),
    "company": C("company", "企业名称", ("市场主体名称", "字号名称")),
    "certificate": C("certificate", "残疾证号", ("残疾人证号",)),
    "note": C("note", "备注", ()),
}


class RosterImport(Pipeline):
    kind = "identification.rosters"
    label = gettext_lazy("部门名单")
    columns = [
        C("id_number", "证件号码", ("身份证号", "身份证号码", "公民身份号码", "户主身份证号")),
        C("name", "姓名", ("户主姓名", "保障对象姓名", "人员姓名")),
        C("area_code", "区划代码", ("行政区划代码", "村代码")),
        C("people", "保障人口", ("保障人数", "家庭人口")),
        C("category", "类别", ("保障类别", "低保类别", "救助类别")),
        C("monthly_amount", "月保障金额", ("月保障金", "保障金额", "月救助金额")),
        *DETAIL_COLUMNS.values(),
    ]
    required = ("id_number", "name")
    counted = {"entries": gettext_lazy("名单条目")}
    options_form = RosterOptionsForm
    file_help = gettext_lazy("每人（或每户户主）一行，至少有证件号码和姓名两列。")

    def __init__(
        self,
        *,
        actor,
        roster_type: str,
        area: str,
        as_of: str | dt.date | None = None,
        heads_only: bool | None = None,
        progress=None,
    ):
        super().__init__(actor=actor, progress=progress)
        self.roster_type = RosterType.objects.get(pk=roster_type)
        self.area = Area.objects.get(pk=area)
        scope.ensure(actor, Action.IMPORT, self.area.code)
        self.as_of = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        self.heads_only = self.roster_type.heads_only if heads_only is None else heads_only

    @classmethod
    def options_said(cls, options: dict) -> list[str]:
        kind = RosterType.objects.filter(pk=options.get("roster_type")).first()
        area = Area.objects.filter(pk=options.get("area")).first()
        if kind is None or area is None:
            return []
        return [
            _("%(type)s名单，覆盖%(area)s，%(as_of)s。")
            % {"type": kind.name, "area": area.name, "as_of": options.get("as_of") or "-"}
        ]

    def plan(self, sheet, header_row, *, sheets, lap) -> list[RosterEntry]:
        positions = self.columns_found
        entries, seen = [], {}
        for index, values in enumerate(sheet.rows()):
            if index <= header_row:
                continue
            if all(norm.text(values[position]) == "" for position in positions.values()):
                continue
            entry = self._entry(RowRef(index + 1, values, positions))
            if entry is None:
                continue
            if entry.id_number in seen:
                self.error(
                    entry.row,
                    "id_number",
                    _("证件号码与第 %(row)s 行重复。") % {"row": seen[entry.id_number]},
                )
                continue
            seen[entry.id_number] = entry.row
            entries.append(entry)
            if len(entries) % 5000 == 0:
                self.progress(min(90, 5 + len(entries) // 5000))
        if not entries and not self.report.errors:
            self.error(None, "", _("名单中没有任何条目。"))
        return entries

    def _entry(self, row) -> RosterEntry | None:
        errors_before = len(self.report.errors)
        id_number = self.value(row, "id_number", _id_number)
        name = self.value(row, "name", norm.text)
        if not name:
            self.error(row.row, "name", _("请填写姓名。"))
        area_code = self.value(row, "area_code", norm.text) or ""
        if area_code and not (area_code.isdigit() and len(area_code) <= 12):
            self.error(row.row, "area_code", _("区划代码应为最多 12 位数字。"))
        people = self.value(row, "people", norm.whole)
        amount = self.value(row, "monthly_amount", norm.amount)
        if len(self.report.errors) > errors_before or not id_number:
            return None
        details = {
            key: text
            for key in DETAIL_COLUMNS
            if key in self.columns_found and (text := self.value(row, key, norm.text))
        }
        return RosterEntry(
            row=row.row,
            id_number=id_number,
            name=name[:50],
            area_code=area_code.ljust(12, "0") if area_code else "",
            people=people,
            category=(self.value(row, "category", norm.text) or "")[:30],
            monthly_amount=amount,
            details=details,
        )

    def apply(self, plans: list[RosterEntry]) -> None:
        roster = Roster.objects.create(
            type=self.roster_type,
            area=self.area,
            as_of=self.as_of,
            heads_only=self.heads_only,
            file_name=self.file_name[:255],
            imported_by=self.actor if getattr(self.actor, "is_authenticated", False) else None,
            entry_count=len(plans),
        )
        for entry in plans:
            entry.roster = roster
        RosterEntry.objects.bulk_create(plans, batch_size=5000)
        self.report.entries.created += len(plans)


def _id_number(value) -> str:
    raw = norm.id_number(value)
    if not raw:
        raise ValidationError(_("请填写证件号码。"))
    return idnumbers.parse(raw).number


kinds.register(RosterImport)
