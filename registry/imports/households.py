"""The household ledger (台账): one row per member, the household's cells repeated, merged down
or left blank on its members' rows. Validated with the registry's own model rules, applied in
one transaction, upserting households by 户编号 and members by ID number."""

import functools
import re
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import history, scope
from core.bulk import RowMaker, copy_frozen, copy_rows, next_ids
from core.choices import Action, AreaLevel, ChangeAction
from core.imports import kinds, parallel
from core.imports import normalise as norm
from core.imports.headers import ColumnSpec
from core.imports.issues import Issue
from core.imports.pipeline import ImportReport, Pipeline, RowRef
from core.models import Area

from ..choices import (
    Education,
    HouseholdStatus,
    IdentificationStandard,
    LabourSkill,
    MigrantWork,
    Relation,
    RemovalReason,
    SchoolStatus,
    Sex,
)
from ..forms import LedgerOptionsForm
from ..models import (
    INCOME_AMOUNT_FIELDS,
    Household,
    HouseholdAttribute,
    Income,
    Member,
    PovertyCause,
    PovertyLine,
)
from ..services.incomes import income_year_refused
from ..services.members import check_size
from ..services.status import status_values
from ..signals import applicants_registered

C = ColumnSpec
COLUMNS = [
    C("county", "县", ("区县", "县(区)", "县区", "县（市、区）")),
    C("township", "乡镇", ("乡(镇)", "乡镇(街道)", "乡")),
    C("village", "行政村", ("村", "村名", "行政村(社区)")),
    C("group", "村民小组", ("组", "小组", "村民组")),
    C("number", "户编号", ("户号", "户编码")),
    C("head_name", "户主姓名", ("户主",)),
    C("size", "家庭人口数", ("人数", "家庭人口", "人口数")),
    C("name", "姓名", ("成员姓名",)),
    C("id_number", "证件号码", ("身份证号码", "公民身份号码", "身份证号", "身份证件号码")),
    C("sex", "性别"),
    C("ethnicity", "民族"),
    C("birth_date", "出生日期", ("出生年月",)),
    C("relation", "与户主关系"),
    C("education", "文化程度"),
    C("school_status", "在校生状况", ("在校生情况",)),
    C("health", "健康状况"),
    C("labour_skill", "劳动技能"),
    C("migrant_work", "务工状况", ("务工情况",)),
    C("migrant_months", "务工时间", ("务工时间(月)", "务工月数")),
    C("attribute", "贫困户属性"),
    C("standard", "识别标准"),
    C("main_cause", "主要致贫原因"),
    C("other_causes", "其他致贫原因"),
    C("planned_exit_year", "计划脱贫年度", ("计划脱贫年份",)),
    # Status columns count only in a migration import (the MIGRATE action): services.status.
    C("status", "户状态", ("贫困户状态", "状态", "脱贫状态")),
    C("first_identified_year", "识别年度", ("识别年份", "纳入年度")),
    C("exit_year", "脱贫年度", ("脱贫年份",)),
    C("removal_reason", "清退/减少原因", ("清退原因", "减少原因")),
    C("phone", "联系电话", ("电话", "手机号码")),
    C("bank_name", "开户银行", ("开户行",)),
    C("bank_account", "银行账号", ("银行卡号", "账号")),
    C("year", "年度", ("收入年度",)),
    C("wage_income", "工资性收入"),
    C("production_income", "生产经营性收入"),
    C("property_income", "财产性收入"),
    C("transfer_income", "转移性收入"),
    C("production_cost", "生产经营性支出"),
    C("serial", "序号", ("编号",)),  # recognised so it is not reported, then ignored
]
BY_KEY = {spec.key: spec for spec in COLUMNS}
# What each ledger column sets on a stored row (attnames, so that ids are compared, not
# objects). A re-import changes only what its file has columns for: a ledger without, say, the
# bank account column leaves the stored accounts alone.
HOUSEHOLD_COLUMN_FIELDS = {
    "village": ["village_id"],
    "group": ["group"],
    "phone": ["phone"],
    "bank_name": ["bank_name"],
    "bank_account": ["bank_account"],
    "standard": ["standard"],
    "attribute": ["attribute_id"],
    "main_cause": ["main_cause_id"],
    "planned_exit_year": ["planned_exit_year"],
}
# What the status columns set on a stored household, in a migration import only.
STATUS_COLUMN_FIELDS = {
    "status": ["status", "removal_reason", "removal_note"],
    "first_identified_year": ["first_identified_year"],
    "exit_year": ["exit_year"],
    "removal_reason": ["removal_reason"],
}
MEMBER_COLUMN_FIELDS = {
    "name": ["name"],
    "id_number": ["id_number"],
    "sex": ["sex"],
    "birth_date": ["birth_date"],
    "relation": ["relation"],
    "ethnicity": ["ethnicity"],
    "education": ["education"],
    "school_status": ["school_status"],
    "health": ["chronic_illness", "serious_illness", "disabled"],
    "labour_skill": ["labour_skill"],
    "migrant_work": ["migrant_work"],
    "migrant_months": ["migrant_months"],
}
# A household's columns, read from its first row only.
HOUSEHOLD_KEYS = (
    "county", "township", "village", "group", "head_name", "size", "attribute", "standard",
    "main_cause", "other_causes", "planned_exit_year", "phone", "bank_name", "bank_account",
    "status", "first_identified_year", "exit_year", "removal_reason",
    "year", *INCOME_AMOUNT_FIELDS,
)  # fmt: skip
APPLY_BATCH = 20_000  # families per batch when applying: a county in one, 500,000 rows in 7
# Columns of labels and names that repeat from row to row (the others are mostly unique).
REPEATED_KEYS = (
    "county", "township", "village", "group", "attribute", "standard", "main_cause",
    "other_causes", "bank_name", "year", "sex", "ethnicity", "relation", "education",
    "school_status", "health", "labour_skill", "migrant_work", "migrant_months", "status",
    "removal_reason",
)  # fmt: skip
REQUIRED = ("village", "number", "name", "id_number", "relation")
TOTAL_ROW = re.compile(r"^(小计|合计|总计)")
LIST_SPLIT = re.compile(r"[、,，;；/\s]+")

RELATION_SYNONYMS = {
    "本人": "户主", "妻": "配偶", "妻子": "配偶", "丈夫": "配偶", "夫": "配偶",
    "子": "之子", "儿子": "之子", "长子": "之子", "次子": "之子",
    "女": "之女", "女儿": "之女", "长女": "之女", "次女": "之女",
    "儿媳": "之儿媳", "女婿": "之女婿", "孙子": "之孙子", "孙女": "之孙女",
    "外孙子": "之外孙子", "外孙": "之外孙子", "外孙女": "之外孙女",
    "父亲": "之父", "父": "之父", "母亲": "之母", "母": "之母",
    "岳父": "之岳父", "岳母": "之岳母", "公公": "之公公", "婆婆": "之婆婆",
    "祖父": "之祖父", "祖母": "之祖母", "外祖父": "之外祖父", "外祖母": "之外祖母",
}  # fmt: skip
CAUSE_SYNONYMS = {"缺劳动力": "缺劳力", "缺技能": "缺技术", "因病致贫": "因病", "因残致贫": "因残"}
STATUS_SYNONYMS = {"贫困": "贫困户", "在册": "贫困户", "脱贫": "已脱贫", "已脱贫户": "已脱贫"}
REMOVAL_SYNONYMS = {"死亡": "自然减少：死亡", "迁出": "自然减少：迁出", "识别不准": "识别不准清退"}
ATTRIBUTE_SYNONYMS = {"一般户": "一般贫困户", "低保户": "低保贫困户", "五保户": "五保贫困户"}
EDUCATION_SYNONYMS = {
    "文盲": "文盲或半文盲",
    "半文盲": "文盲或半文盲",
    "大专": "大专及以上",
    "本科": "大专及以上",
}
SKILL_SYNONYMS = {"普通劳动": "普通劳动力", "技能劳动": "技能劳动力"}
MIGRANT_SYNONYMS = {"无": "未外出务工", "": "未外出务工", "县内": "乡镇外县内", "省内": "县外省内"}
HEALTH_FLAGS = {
    "长期慢性病": "chronic_illness",
    "慢性病": "chronic_illness",
    "患有大病": "serious_illness",
    "大病": "serious_illness",
    "残疾": "disabled",
}
# The people of the template's example household (imports/template.py): a template uploaded
# unchanged must not put them in the registry.
TEMPLATE_EXAMPLE_IDS = frozenset({"62062319650312003X", "620623196804150021"})
STATUS_ERROR_COLUMNS = {"reason": "removal_reason", "year": "first_identified_year"}
HEALTH_COLUMN = {name: "health" for name in HEALTH_FLAGS.values()}  # errors go to that column


@dataclass
class FamilyRows:
    number: str
    first: RowRef
    members: list[RowRef] = field(default_factory=list)


@dataclass
class Plan:
    """What one family of the ledger becomes: a household, its members and perhaps an income,
    validated. Between validation and applying they wait frozen (RowMaker.freeze: tuples with
    the models' field names); applying thaws them into instances, a batch at a time."""

    family: FamilyRows
    household: Household
    other_causes: list[str]
    members: list[tuple[RowRef, Member]]
    income: Income | None


@dataclass
class Validated:
    """What validating a part of the families found. A part validated in a forked process
    (core.imports.parallel) comes back pickled, its plans as plain tuples beside their family's
    index: (index, household, other causes, members, income)."""

    plans: list
    errors: list[Issue]
    warnings: list[Issue]
    once: dict[str, Issue]  # what is said once for the whole file: message -> the issue
    options_asked: list[str]
    people: list[tuple[str, str, int]]  # (ID number, 户编号, row) of each member row, in order


@kinds.register
class LedgerImport(Pipeline):
    """One run of the household ledger import, for one user (whose scope limits the villages)."""

    kind = "registry.households"
    label = gettext_lazy("贫困户台账")
    columns = COLUMNS
    required = REQUIRED
    counted = {
        "households": gettext_lazy("户"),
        "members": gettext_lazy("成员"),
        "incomes": gettext_lazy("收入"),
    }
    file_help = gettext_lazy("每位成员一行；户的信息填在该户第一行即可。")
    template_url = "ledger-template"
    result_url = "household-list"
    result_label = gettext_lazy("查看贫困户")
    options_form = LedgerOptionsForm

    @classmethod
    def options_said(cls, options: dict) -> list[str]:
        if not options.get("year"):
            return []
        return [_("表中没有填写年度的收入记入 %(year)s 年度。") % {"year": options["year"]}]

    def __init__(self, *, actor, year: int | None = None, progress=None):
        super().__init__(actor=actor, progress=progress)
        self.year = year
        # The models' own rules; the village, attribute and causes are looked up once per
        # import, the head's name is filled in when the household is applied.
        self.households = RowMaker(Household, exclude=["head_name"])
        self.members = RowMaker(Member)
        self.incomes = RowMaker(Income)
        # A county administrator moving households from the national system brings them with
        # the status their ledger states; anyone else's new households are applicants.
        self.migrating = scope.reach(actor, Action.MIGRATE)
        self.status_memo: dict[tuple, tuple[dict, dict]] = {}
        self.people: list[tuple[str, str, int]] = []  # the part's (ID number, 户编号, row)
        self.sheet_height = 0  # rows, for the progress of grouping them
        self.rows_to_write = self.rows_written = 0  # a family's household and members
        self.said_once: dict[str, Issue] = {}  # message -> where the part said it
        self.line_years = set(PovertyLine.objects.values_list("year", flat=True))

    def plan(self, sheet, header_row: int, *, sheets, lap) -> list["Plan"]:
        self.sheet_height = sheet.height
        families = self.group(sheet.rows(), header_row)
        for each in sheets:
            each.release()  # the reader's copy of the file, the largest thing in memory
        lap("group rows into families")
        return self.validate(families)

    def group(self, rows, header_row: int) -> list[FamilyRows]:
        """Rows into families. A household's cells are read from its first row, so they may be
        merged down or left blank on its members' rows; blank rows and 小计/合计 rows are
        skipped."""
        families: dict[str, FamilyRows] = {}
        current: FamilyRows | None = None
        positions = {key: position for position, key in enumerate(self.columns_found)}
        take = itemgetter(*self.columns_found.values())
        repeated = [positions[key] for key in REPEATED_KEYS if key in positions]
        household_cells = [(key, positions[key]) for key in HOUSEHOLD_KEYS if key in positions]
        household_values = _getter([position for _key, position in household_cells])
        labels: dict[str, str] = {}
        width = max(self.columns_found.values()) + 1
        height = max(1, self.sheet_height)
        for index, row in enumerate(rows):
            if index % 5000 == 0:
                self.tell("group", index / height)
            if index <= header_row:
                continue
            if len(row) < width:
                row = [*row, *[""] * (width - len(row))]
            if _blank_or_total(row):
                continue
            cells = take(row)
            if repeated:
                # One object per distinct label: a large ledger says 汉族 or 小学 half a million
                # times, and each cell read is a new string.
                cells = list(cells)
                for position in repeated:
                    cell = cells[position]
                    if type(cell) is str:
                        cells[position] = labels.setdefault(cell, cell)
                cells = tuple(cells)
            ref = RowRef(index + 1, cells, positions)
            number = norm.text(ref.get("number"))
            if not number:
                if current is None:
                    self.error(ref.row, "number", _("缺少户编号。"))
                    continue
                number = current.number
            family = families.get(number)
            if family is None:
                family = families[number] = FamilyRows(number, ref)
            else:
                if current is not family:
                    self.warn(ref.row, "number", _("该户的成员行不相邻，已按户编号合并。"))
                # A member's row mostly leaves the household's cells blank.
                values = household_values(cells)
                if any(values) or 0 in values:  # 0 == 0.0 == False: filled, yet falsy
                    self._check_household_cells(ref, family.first, household_cells)
            family.members.append(ref)
            current = family
        return list(families.values())

    def _check_household_cells(self, ref: RowRef, first: RowRef, household_cells) -> None:
        """A household's cells count on its first row only: one filled in differently on a
        member's row is not imported, and the user is told so at that cell."""
        for key, position in household_cells:
            cell, expected = ref.cells[position], first.cells[position]
            if cell != expected and _filled(cell) and norm.text(cell) != norm.text(expected):
                self.warn(
                    ref.row,
                    key,
                    _("该户的“%(column)s”以第 %(row)d 行为准，本行的“%(value)s”与之不同，未导入。")
                    % {"column": self.headers[key], "row": first.row, "value": norm.text(cell)},
                )

    # --- validation ------------------------------------------------------------------------

    def _villages(self) -> dict:
        """Names -> village codes among the villages this user may change: by county, township
        and village name, by township and village, and by village name where it is unique."""
        areas = (
            Area.objects.restrict(self.actor, Action.IMPORT)
            .filter(level=AreaLevel.VILLAGE)
            .select_related("parent__parent")
        )
        index: dict = {}
        unique = Counter()
        for area in areas:
            township = area.parent.name if area.parent else ""
            county = area.parent.parent.name if area.parent and area.parent.parent else ""
            index[(county, township, area.name)] = area.code
            index[("", township, area.name)] = area.code
            unique[area.name] += 1
            index[("", "", area.name)] = area.code
        for name, count in unique.items():
            if count > 1:
                index.pop(("", "", name), None)
        return index

    def validate(self, families: list[FamilyRows]) -> list[Plan]:
        """Every family against the models' rules, on two cores for a large file (families are
        independent once grouped; the report and the plans are the same as in one process),
        then the checks across families: repeated people, and one set-based query each
        against what is stored."""
        lookups = (
            self._villages(),
            {a.name: a.code for a in HouseholdAttribute.objects.all()},
            {c.name: c.code for c in PovertyCause.objects.all()},
        )
        rows = sum(len(family.members) for family in families)
        parts = parallel.in_halves(
            list(enumerate(families)),
            functools.partial(self._validate_part, lookups),
            split=parallel.should_split(rows),
            release=_forget_cells,
        )
        plans = self._merged(parts, families)
        self._check_people(plans)
        self._check_existing(plans)
        return plans

    def _validate_part(self, lookups, families: list[tuple[int, FamilyRows]], *, main: bool):
        """Validate (index, family) pairs into a Validated of their own; `main` is false in the
        forked process, which tells no progress and sends its plans as plain tuples."""
        outer = self.report
        self.report = ImportReport()
        self.said_once, self.people = {}, []
        plans = []
        step = max(1, len(families) // 50)
        for done, (index, family) in enumerate(families):
            if main and done % step == 0:
                self.tell("validate", done / len(families))
            plan = self._plan(family, *lookups)
            for ref in family.members:
                ref.cells = ()  # the plan holds what they said
            if plan is None:
                continue
            if not main:
                plan = (
                    index,
                    tuple(plan.household),
                    plan.other_causes,
                    [tuple(member) for _ref, member in plan.members],
                    plan.income and tuple(plan.income),
                )
            plans.append(plan)
        part = Validated(
            plans,
            self.report.errors,
            self.report.warnings,
            self.said_once,
            self.report.options_asked,
            self.people,
        )
        self.report = outer
        return part

    def _merged(self, parts: list[Validated], families: list[FamilyRows]) -> list[Plan]:
        """The parts' plans and reports, in the file's order, as one process would have made
        them: what is said once for the file is said once."""
        said: set[str] = set()
        plans: list[Plan] = []
        for part in parts:
            repeated = {id(issue) for message, issue in part.once.items() if message in said}
            self.report.errors += [i for i in part.errors if id(i) not in repeated]
            self.report.warnings += [i for i in part.warnings if id(i) not in repeated]
            said |= part.once.keys()
            for option in part.options_asked:
                if option not in self.report.options_asked:
                    self.report.options_asked.append(option)
            plans += [
                plan if isinstance(plan, Plan) else self._unpacked(plan, families)
                for plan in part.plans
            ]
        repeated = self._check_repeated(person for part in parts for person in part.people)
        return [plan for plan in plans if plan.family.number not in repeated]

    def _unpacked(self, packed: tuple, families: list[FamilyRows]) -> Plan:
        index, household, other_causes, members, income = packed
        family = families[index]
        return Plan(
            family,
            self.households.frozen._make(household),
            other_causes,
            list(zip(family.members, map(self.members.frozen._make, members), strict=True)),
            income and self.incomes.frozen._make(income),
        )

    def _plan(self, family, villages, attributes, causes) -> Plan | None:
        first = family.first
        errors_before = len(self.report.errors)
        names = [norm.text(first.get(k)) for k in ("county", "township", "village")]
        code = (
            villages.get(tuple(names))
            or villages.get(("", *names[1:]))
            or villages.get(("", "", names[2]))
        )
        if not code:
            self.error(
                first.row,
                "village",
                _("行政村“%(name)s”不存在，或不在您可以导入的地区内。") % {"name": "".join(names)},
            )
        attribute = norm.text(first.get("attribute"))
        attribute = ATTRIBUTE_SYNONYMS.get(attribute, attribute)
        if attribute and attribute not in attributes:
            self.error(
                first.row,
                "attribute",
                _("贫困户属性“%(value)s”不在可选值中。") % {"value": attribute},
            )
        cause_names = [CAUSE_SYNONYMS.get(n, n) for n in [norm.text(first.get("main_cause"))]]
        other_names = [
            CAUSE_SYNONYMS.get(n, n)
            for n in LIST_SPLIT.split(norm.text(first.get("other_causes")))
            if n
        ]
        for key, items in (("main_cause", cause_names), ("other_causes", other_names)):
            for name in items:
                if name and name not in causes:
                    self.error(
                        first.row, key, _("致贫原因“%(value)s”不在可选值中。") % {"value": name}
                    )
        household, errors = self.households.make(
            number=family.number,
            village_id=code,
            group=norm.text(first.get("group")),
            phone=norm.text(first.get("phone")),
            bank_name=norm.text(first.get("bank_name")),
            bank_account=norm.text(first.get("bank_account")).replace(" ", ""),
            standard=self.value(first, "standard", norm.choice, IdentificationStandard)
            or IdentificationStandard.NATIONAL,
            attribute_id=attributes.get(attribute),
            main_cause_id=causes.get(cause_names[0]) if cause_names[0] else None,
            planned_exit_year=self.value(first, "planned_exit_year", norm.whole),
            head_name="-",
            **self._status(first, migrating=bool(code) and self.migrating.covers(code)),
        )
        if code:
            self.field_errors(first.row, errors)
        members = [(ref, self._member(ref, family.number)) for ref in family.members]
        heads = [
            ref
            for ref, member in members
            if member is not None and member.relation == Relation.HEAD
        ]
        if len(heads) != 1:
            message = _("户编号 %(number)s 应有且只有一位户主，现有 %(count)d 位。") % {
                "number": family.number,
                "count": len(heads),
            }
            for row in [ref.row for ref in heads] or [first.row]:  # every head's cell is marked
                self.error(row, "relation", message)
        too_many = check_size(len(members))
        if too_many:
            self.error(first.row, "number", too_many)
        size = self.value(first, "size", norm.whole)
        if size and size != len(members):
            self.warn(
                first.row,
                "size",
                _("家庭人口数 %(size)d 与成员行数 %(rows)d 不一致，以成员行为准。")
                % {"size": size, "rows": len(members)},
            )
        income = self._income(first, len(members))
        if len(self.report.errors) > errors_before:
            return None
        return Plan(
            family,
            self.households.freeze(household),
            list(dict.fromkeys(causes[n] for n in other_names)),  # 因病、因病 is one cause
            [(ref, self.members.freeze(member)) for ref, member in members],
            income and self.incomes.freeze(income),
        )

    def _status(self, first: RowRef, *, migrating: bool) -> dict:
        """The status fields of a family's household. In a migration import they are what the
        ledger states, computed as the status service computes them (status_values); in any
        other import a new household is an applicant and the status columns are ignored."""
        if not migrating:
            if any(_filled(first.get(key)) for key in STATUS_COLUMN_FIELDS):
                self._say_once(
                    _(
                        "户状态、识别年度、脱贫年度和清退原因只在县级管理员迁移导入时采用；"
                        "本次新增的户为“申请中”，已有户的状态不变。"
                    ),
                    row=first.row,
                    key="status",
                    warning=True,
                )
            return {"status": HouseholdStatus.APPLICANT}
        to = (
            self.value(first, "status", norm.choice, HouseholdStatus, STATUS_SYNONYMS)
            or HouseholdStatus.REGISTERED
        )
        identified = self.value(first, "first_identified_year", norm.whole)
        exit_year = self.value(first, "exit_year", norm.whole)
        reason = (
            self.value(first, "removal_reason", norm.choice, RemovalReason, REMOVAL_SYNONYMS) or ""
        )
        # A county's ledger repeats a few combinations on every family: each is worked out once.
        key = (to, identified, exit_year, reason)
        if key not in self.status_memo:
            try:
                self.status_memo[key] = (
                    status_values(
                        current={"first_identified_year": identified, "exit_year": exit_year},
                        to=to,
                        year=exit_year if to == HouseholdStatus.EXITED else identified,
                        reason=reason,
                    ),
                    {},
                )
            except ValidationError as error:
                self.status_memo[key] = {"status": to}, error.message_dict
        values, errors = self.status_memo[key]
        self.field_errors(first.row, errors, keys=STATUS_ERROR_COLUMNS)
        return values

    def _member(self, ref: RowRef, household_number: str) -> Member | None:
        name = norm.text(ref.get("name"))
        for key, filled in (
            ("name", name),
            ("id_number", _filled(ref.get("id_number"))),
            ("relation", _filled(ref.get("relation"))),
        ):
            if not filled:
                self.error(ref.row, key, _("请填写%(column)s。") % {"column": BY_KEY[key].header})
                return None
        health = self.value(ref, "health", health_flags) or NO_HEALTH_FLAGS
        number = self.value(ref, "id_number", norm.id_number)
        if number is None:
            return None
        member, errors = self.members.make(
            name=name,
            id_number=number,
            sex=self.value(ref, "sex", norm.choice, Sex) or "",
            birth_date=self.value(ref, "birth_date", norm.date),
            relation=self.value(ref, "relation", norm.choice, Relation, RELATION_SYNONYMS) or "",
            ethnicity=self.value(ref, "ethnicity", norm.text) or "汉族",
            education=self.value(ref, "education", norm.choice, Education, EDUCATION_SYNONYMS)
            or "",
            school_status=self.value(ref, "school_status", norm.choice, SchoolStatus)
            or SchoolStatus.NOT_IN_SCHOOL,
            labour_skill=self.value(ref, "labour_skill", norm.choice, LabourSkill, SKILL_SYNONYMS)
            or "",
            migrant_work=self.value(ref, "migrant_work", norm.choice, MigrantWork, MIGRANT_SYNONYMS)
            or MigrantWork.NONE,
            migrant_months=self.value(ref, "migrant_months", norm.whole) or 0,
            **health,
        )
        self.field_errors(ref.row, errors, keys=HEALTH_COLUMN)
        if member.id_number in TEMPLATE_EXAMPLE_IDS:
            self.error(ref.row, "id_number", _("这是模板中的示例，请删除示例行后再导入。"))
        self.people.append((member.id_number, household_number, ref.row))
        return member

    def _check_repeated(self, people) -> set[str]:
        """One person, one row: a number seen on an earlier row is an error at each later one,
        reported with whatever else is wrong with the row (a different sex or birth date is
        then the symptom, not the cause). Returns the numbers of the families refused."""
        seen: dict[str, tuple[str, int]] = {}
        refused = set()
        for id_number, household_number, row in people:
            first = seen.setdefault(id_number, (household_number, row))
            if first[1] != row:
                self.error(
                    row,
                    "id_number",
                    _("证件号码与第 %(row)d 行重复（户编号 %(number)s），一人只能有一条在册记录。")
                    % {"row": first[1], "number": first[0]},
                )
                refused.add(household_number)
        return refused

    def _income(self, ref: RowRef, size: int) -> Income | None:
        amounts = {key: self.value(ref, key, norm.amount) for key in INCOME_AMOUNT_FIELDS}
        if all(value is None for value in amounts.values()):
            return None
        given = self.value(ref, "year", norm.whole)
        year = given or self.year
        if not year and "year" not in self.columns_found:
            self._say_once(
                _("表中有收入数据，但没有“年度”列：请选择收入年度，或在表中增加“年度”列。"),
                asks="year",
            )
            return None
        if not year:
            self.error(ref.row, "year", _("有收入数据但没有年度：请填写该户的年度。"))
            return None
        refused = income_year_refused(year, self.line_years)
        if refused:
            if given:
                self.error(ref.row, "year", refused)
            else:
                self._say_once(refused, asks="year")
            return None
        income, errors = self.incomes.make(
            year=year, household_size=size, **{k: v or Decimal("0.00") for k, v in amounts.items()}
        )
        self.field_errors(ref.row, errors)
        return income

    def _say_once(
        self, message: str, *, asks: str | None = None, row=None, key="", warning=False
    ) -> None:
        """Something true of the whole file, said once (at its first row, if any), not at each
        family's row; `asks` names the upload option that would mend it."""
        if message not in self.said_once:
            (self.warn if warning else self.error)(row, key, message)
            issues = self.report.warnings if warning else self.report.errors
            self.said_once[message] = issues[-1]
        if asks and asks not in self.report.options_asked:
            self.report.options_asked.append(asks)

    def _check_people(self, plans: list[Plan]) -> None:
        """One person, one live record against other households stored (within the file it is
        checked as rows are read: _check_repeated)."""
        seen = {
            member.id_number: (plan.family.number, ref.row)
            for plan in plans
            for ref, member in plan.members
        }
        stored = (
            Member.objects.live()
            .filter(id_number__any=list(seen))
            .values_list("id_number", "household__number", "household__village_id")
        )
        readable = scope.reach(self.actor, Action.VIEW)
        for number, household_number, village in stored:
            in_file, row = seen[number]
            if household_number != in_file:
                where = household_number if readable.covers(village) else _("其他地区的一户")
                self.error(
                    row,
                    "id_number",
                    _("该证件号码已在%(where)s中登记，一人只能有一条在册记录；请先在原户减员。")
                    % {"where": where},
                )

    def _check_existing(self, plans: list[Plan]) -> None:
        """A household number already stored must be one this user may change; and a stored
        head the file leaves out is kept (never deleted), so the file cannot name another."""
        importable = scope.reach(self.actor, Action.IMPORT)
        numbers = [p.family.number for p in plans]
        stored = dict(
            Household.objects.filter(number__any=numbers).values_list("number", "village_id")
        )
        heads = {
            number: (id_number, name)
            for number, id_number, name in Member.objects.live()
            .filter(household__number__any=numbers, relation=Relation.HEAD)
            .values_list("household__number", "id_number", "name")
        }
        for plan in plans:
            village = stored.get(plan.family.number)
            if village and not importable.covers(village):
                self.error(plan.family.first.row, "number", _("该户编号已被其他地区使用。"))
            head = heads.get(plan.family.number)
            if head and head[0] not in {member.id_number for _ref, member in plan.members}:
                row = next(r.row for r, m in plan.members if m.relation == Relation.HEAD)
                self.error(
                    row,
                    "relation",
                    _(
                        "该户在系统中的户主%(name)s（%(id)s）不在本表中，仍在册，不能另立户主；"
                        "请先在户页面为其减员或变更户主。"
                    )
                    % {"name": head[1], "id": idnumber_tail(head[0])},
                )

    # --- applying --------------------------------------------------------------------------

    def _imported(self, column_fields: dict[str, list[str]]) -> list[str]:
        return [
            name
            for key, names in column_fields.items()
            if key in self.columns_found
            for name in names
        ]

    def apply(self, plans: list[Plan]) -> None:
        """Upsert households by number, members by ID number, incomes by year, with their
        history as one batch. Members missing from a re-imported household are reported, never
        deleted. Only what the file has columns for is changed.

        Families are applied APPLY_BATCH at a time (all in the caller's transaction), written
        from their validated tuples: a row becomes an instance only where a stored one
        changes. The plans list is emptied as it goes."""
        batch = str(uuid.uuid4())
        self.rows_to_write = sum(len(plan.members) + 1 for plan in plans)
        self.rows_written = 0
        while plans:
            chunk = plans[:APPLY_BATCH]
            del plans[:APPLY_BATCH]
            stored = {
                h.number: h
                for h in Household.objects.filter(
                    number__any=[plan.family.number for plan in chunk]
                ).select_for_update()
            }
            self._create_families([p for p in chunk if p.family.number not in stored], batch)
            updated = [p for p in chunk if p.family.number in stored]
            self._update_families(updated, stored, batch)
            self._written(sum(len(plan.members) + 1 for plan in updated))

    def _written(self, rows: int) -> None:
        self.rows_written += rows
        self.tell("apply", self.rows_written / self.rows_to_write)

    def _create_families(self, plans: list[Plan], batch: str) -> None:
        """New households with their members, incomes and causes; ids are taken first, so
        that members, incomes, causes and the history can name their household."""
        if not plans:
            return
        now = timezone.now()
        household_ids = iter(next_ids(Household, len(plans)))
        households, members, incomes, causes = [], [], [], []
        for plan in plans:
            head = next(m for _ref, m in plan.members if m.relation == Relation.HEAD)
            household = plan.household._replace(
                id=next(household_ids),
                head_name=head.name,
                size=len(plan.members),
                created_at=now,
                updated_at=now,
            )
            households.append(household)
            place = (household.village_id, household.id)
            members += [(member, place) for _ref, member in plan.members]
            if plan.income is not None:
                incomes.append((plan.income, place))
            causes += [(household.id, cause) for cause in plan.other_causes]
        self._insert(Household, [(h, (h.village_id, h.id)) for h in households], batch, now)
        self._written(len(households))
        self._insert(Member, members, batch, now)
        self._written(len(members))
        self._insert(Income, incomes, batch, now)
        through = Household.other_causes.through
        copy_rows(through._meta.db_table, ["household_id", "povertycause_id"], causes)
        if not self.migrating:
            applicants = []
            for row in households:
                if row.status == HouseholdStatus.APPLICANT:
                    household = self.households.thaw(row)
                    household._state.adding = False
                    household._state.db = Household.objects.db
                    applicants.append(household)
            if applicants:
                applicants_registered.send(
                    sender=Household, households=applicants, actor=self.actor
                )

    def _insert(self, model, rows: list[tuple], batch: str, now) -> None:
        """COPY new rows, each given as (frozen row, (its area code, its household's id)), and
        record their creation. A member's or an income's row is given its id, its household's
        and its times here; a household's comes with them."""
        if not rows:
            return
        ids = iter(next_ids(model, sum(row.id is None for row, _place in rows)))
        written = [
            row._replace(id=next(ids), household_id=place[1], created_at=now, updated_at=now)
            if row.id is None
            else row
            for row, place in rows
        ]
        copy_frozen(model, written)
        history.record_created(
            model,
            written,
            [place for _row, place in rows],
            actor=self.actor,
            batch=batch,
            source=self.source,
        )
        getattr(self.report, model._meta.model_name + "s").created += len(written)

    def _update_families(self, plans: list[Plan], stored: dict[str, Household], batch: str):
        """Families of stored households (`stored`: by number, locked). Stored members and
        incomes are read as tuples of the columns the file has and compared with the file's
        rows; only a row that differs is made an instance, written and recorded. New members
        and incomes are added as a new family's are; members the file leaves out are
        reported, never deleted."""
        if not plans:
            return
        ids = [stored[plan.family.number].pk for plan in plans]
        member_fields = self._imported(MEMBER_COLUMN_FIELDS)
        # A stored year's amounts change only where the file has their columns.
        income_fields = [k for k in INCOME_AMOUNT_FIELDS if k in self.columns_found]
        income_fields.append("household_size")
        members_of = defaultdict(dict)
        for row in (
            Member.objects.live()
            .filter(household_id__any=ids)
            .values_list(
                *dict.fromkeys(
                    ["id", "household_id", "version", "name", "id_number", *member_fields]
                ),
                named=True,
            )
        ):
            members_of[row.household_id][row.id_number] = row
        incomes_of = {
            (row.household_id, row.year): row
            for row in Income.objects.filter(household_id__any=ids).values_list(
                "id", "household_id", "year", "version", *income_fields, named=True
            )
        }
        causes_of = defaultdict(set)
        for household_id, cause in Household.other_causes.through.objects.filter(
            household_id__any=ids
        ).values_list("household_id", "povertycause_id"):
            causes_of[household_id].add(cause)

        now = timezone.now()
        entries = []  # (instance, action, changes) for the history
        households, members, incomes = [], [], []  # changed
        new_members, new_incomes = [], []
        touched = []  # households whose head or size may have changed
        for plan in plans:
            current = stored[plan.family.number]
            self._update_household(plan, current, causes_of[current.pk], households, entries)
            place = (current.village_id, current.pk)
            kept = members_of.pop(current.pk, {})
            sizes_before = len(members), len(new_members)
            for _ref, member in plan.members:
                before = kept.pop(member.id_number, None)
                if before is None:
                    new_members.append((member, place))
                elif self._changed(Member, before, member, member_fields, current, entries, now):
                    members.append(entries[-1][0])
            if (len(members), len(new_members)) != sizes_before:
                touched.append(current)
            for number, member in kept.items():
                self.warn(
                    plan.family.first.row,
                    "number",
                    _(
                        "%(name)s（%(id)s）在系统中属于该户，但不在本表中；未删除，如已减员请在户页面登记原因。"
                    )
                    % {"name": member.name, "id": idnumber_tail(number)},
                )
            if plan.income is not None:
                before = incomes_of.get((current.pk, plan.income.year))
                if before is None:
                    new_incomes.append((plan.income, place))
                elif self._changed(
                    Income, before, plan.income, income_fields, current, entries, now
                ):
                    incomes.append(entries[-1][0])

        household_fields = [
            *self._imported(HOUSEHOLD_COLUMN_FIELDS),
            *dict.fromkeys(self._imported(STATUS_COLUMN_FIELDS)),
        ]
        Household.objects.bulk_update(
            households, [*household_fields, "version", "updated_at"], batch_size=2000
        )
        changed = {h.pk for h in households}
        through = Household.other_causes.through
        through.objects.filter(household_id__any=list(changed)).delete()
        copy_rows(
            through._meta.db_table,
            ["household_id", "povertycause_id"],
            [
                (stored[plan.family.number].pk, cause)
                for plan in plans
                if stored[plan.family.number].pk in changed
                for cause in plan.other_causes
            ],
        )
        # Heads first step down in a re-import that changes the head, for the one-head index.
        members.sort(key=lambda m: m.relation == Relation.HEAD)
        for member in members:
            member.save(update_fields=[*member_fields, "version", "updated_at"])
        Income.objects.bulk_update(
            incomes, [*income_fields, "version", "updated_at"], batch_size=5000
        )
        self._insert(Member, new_members, batch, now)
        self._insert(Income, new_incomes, batch, now)
        self._refresh_summaries(touched)
        history.record_many(entries, actor=self.actor, batch=batch, source=self.source)

    def _update_household(self, plan, current, causes_before: set, changed: list, entries):
        """The file's values for a stored household, with its causes, counted; `current`
        takes them and joins `changed` when anything differs."""
        if "other_causes" not in self.columns_found:
            plan.other_causes = sorted(causes_before)
        changes = {}
        if set(plan.other_causes) != causes_before:
            changes["other_causes"] = [sorted(causes_before), sorted(plan.other_causes)]
        fields = self._imported(HOUSEHOLD_COLUMN_FIELDS)
        if self.migrating.covers(plan.household.village_id):
            fields += dict.fromkeys(self._imported(STATUS_COLUMN_FIELDS))
        changes = {**history.copy_changes(current, plan.household, fields), **changes}
        if changes:
            current.version += 1
            current.updated_at = timezone.now()
            changed.append(current)
            entries.append((current, ChangeAction.UPDATE, changes))
            self.report.households.updated += 1
        else:
            self.report.households.unchanged += 1

    def _changed(self, model, before, row, fields, household, entries, now) -> bool:
        """Whether the file's `row` differs from the stored `before` (a tuple of `fields` and
        the id and version) in the file's `fields`; if so, the row as an instance to be written,
        with the next version, goes into `entries` with its changes. Counted either way."""
        counts = getattr(self.report, model._meta.model_name + "s")
        changes = history.differences(model, before, row, fields)
        if not changes:
            counts.unchanged += 1
            return False
        maker = self.members if model is Member else self.incomes
        instance = maker.thaw(row)
        instance.pk, instance.version, instance.updated_at = before.id, before.version + 1, now
        instance.household = household  # for the history's area
        instance._state.adding = False
        instance._state.db = model.objects.db
        entries.append((instance, ChangeAction.UPDATE, changes))
        counts.updated += 1
        return True

    def _refresh_summaries(self, households) -> None:
        """Head's name and live size from the stored members, in one query, and written where
        they changed. (Correlated subqueries in one UPDATE took 22 s for 14,600 households
        freshly loaded, before PostgreSQL had statistics for the new rows.)"""
        if not households:
            return
        summaries = {
            row["household_id"]: (row["size"], row["head"])
            for row in Member.objects.live()
            .filter(household_id__any=[h.pk for h in households])
            .order_by()
            .values("household_id")
            .annotate(size=Count("*"), head=Max("name", filter=Q(relation=Relation.HEAD)))
        }
        changed = []
        for household in households:
            size, head = summaries.get(household.pk, (0, None))
            head = head or household.head_name
            if (household.size, household.head_name) != (size, head):
                household.size, household.head_name = size, head
                changed.append(household)
        Household.objects.bulk_update(changed, ["size", "head_name"], batch_size=2000)


NO_HEALTH_FLAGS = dict.fromkeys(HEALTH_COLUMN, False)


def health_flags(value) -> dict[str, bool]:
    """健康状况 (健康, 长期慢性病、残疾 ...) -> the members' flags."""
    flags = NO_HEALTH_FLAGS.copy()
    unknown = []
    for part in LIST_SPLIT.split(norm.text(value)):
        if part in HEALTH_FLAGS:
            flags[HEALTH_FLAGS[part]] = True
        elif part and part != "健康":
            unknown.append(
                ValidationError(_("健康状况“%(value)s”不在可选值中。") % {"value": part})
            )
    if unknown:
        raise ValidationError(unknown)
    return flags


def _forget_cells(families: list[tuple[int, FamilyRows]]) -> None:
    """Let go of what the rows said (their plans will hold it), keeping their row numbers."""
    for _index, family in families:
        for ref in family.members:
            ref.cells = ()


def _getter(positions: list[int]):
    """A tuple of the cells at these positions (itemgetter gives a bare cell for one)."""
    if len(positions) > 1:
        return itemgetter(*positions)
    return lambda cells: tuple(cells[position] for position in positions)


def _blank_or_total(row) -> bool:
    """Whether a row is blank, or a 小计/合计 row: one that says so in its first filled cells
    (序号, 县 or 户编号)."""
    filled = 0
    for cell in row:
        if cell is None or cell == "":
            continue
        if type(cell) is str:
            if cell.isspace():
                continue
            # 计 is in every total's name: the rest of the check only where it is.
            if "计" in cell and TOTAL_ROW.match(norm.text(cell)):
                return True
        filled += 1
        if filled == 3:
            return False
    return filled == 0


def _filled(cell) -> bool:
    if isinstance(cell, str):
        return bool(cell) and not cell.isspace()
    return cell is not None


def idnumber_tail(number: str) -> str:
    return "…" + number[-4:]


def import_ledger(
    path: str | Path,
    *,
    actor,
    year: int | None = None,
    dry_run: bool = False,
    progress=None,
) -> ImportReport:
    """Validate a household ledger and, when nothing blocks it, apply it in one transaction."""
    return LedgerImport(actor=actor, year=year, progress=progress).run(path, dry_run=dry_run)
