"""The ledger template: the columns in the national order, dropdown lists for every
enumeration (kept on a hidden options sheet, because Excel caps an inline list at 255
characters), ID and account columns formatted as text, an example household and instructions."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..choices import (
    ETHNICITIES,
    Education,
    IdentificationStandard,
    LabourSkill,
    MigrantWork,
    Relation,
    SchoolStatus,
    Sex,
)
from ..models import HouseholdAttribute, PovertyCause
from .households import BY_KEY, COLUMNS, STATUS_COLUMN_FIELDS

TEXT_COLUMNS = {"number", "id_number", "phone", "bank_account"}
INSTRUCTIONS = [
    "建档立卡贫困人口台账导入模板",
    "",
    "1. 每位家庭成员一行；同一户的户信息（县、乡镇、行政村、户编号、收入等）只需填在该户第一行，其余成员行可留空或合并单元格。",
    "2. 证件号码、户编号、联系电话、银行账号列已设为“文本”格式，请勿改为数字，否则 18 位号码会丢失末尾数字。",
    "3. 带下拉箭头的列请从列表中选择；健康状况可填多个，用顿号分隔，如“长期慢性病、残疾”。",
    "4. 出生日期可留空（按证件号码自动填写），也可写成 1985-03-12。",
    "5. 收入单位为元；“年度”为收入所属年度。",
    "6. 每户必须有且只有一位户主；同一证件号码只能出现一次。",
    "7. 导入时会先校验全部数据，有任何错误都不会写入，并给出带标注的错误文件。",
    "8. “台账”表中的示例户（张三、李秀英）仅作填写参考，导入前请删除；示例人员不会被导入。",
]
EXAMPLE = [
    {"县": "天祝藏族自治县", "乡镇": "华藏寺镇", "行政村": "岔口驿村", "村民小组": "一组",
     "户编号": "6206231002000001", "户主姓名": "张三", "家庭人口数": 2, "姓名": "张三",
     "证件号码": "62062319650312003X", "性别": "男", "民族": "汉族", "与户主关系": "户主",
     "文化程度": "小学", "在校生状况": "非在校生", "健康状况": "长期慢性病", "劳动技能": "普通劳动力",
     "务工状况": "未外出务工", "贫困户属性": "一般贫困户", "识别标准": "国家标准",
     "主要致贫原因": "因病", "其他致贫原因": "缺技术", "计划脱贫年度": 2020,
     "联系电话": "13809351234", "开户银行": "农村信用社", "银行账号": "6228480012345678",
     "年度": 2021, "工资性收入": 6000, "生产经营性收入": 2000, "财产性收入": 0,
     "转移性收入": 1500, "生产经营性支出": 500},
    {"姓名": "李秀英", "证件号码": "620623196804150021", "性别": "女", "民族": "汉族",
     "与户主关系": "配偶", "文化程度": "文盲或半文盲", "在校生状况": "非在校生", "健康状况": "健康",
     "劳动技能": "普通劳动力", "务工状况": "未外出务工"},
]  # fmt: skip


def _options() -> dict[str, list[str]]:
    """Each enumeration column's choices, by column key."""
    return {
        "sex": [str(label) for label in Sex.labels],
        "ethnicity": list(ETHNICITIES),
        "relation": [str(label) for label in Relation.labels],
        "education": [str(label) for label in Education.labels],
        "school_status": [str(label) for label in SchoolStatus.labels],
        "health": ["健康", "长期慢性病", "患有大病", "残疾"],
        "labour_skill": [str(label) for label in LabourSkill.labels],
        "migrant_work": [str(label) for label in MigrantWork.labels],
        "attribute": list(
            HouseholdAttribute.objects.filter(active=True).values_list("name", flat=True)
        ),
        "standard": [str(label) for label in IdentificationStandard.labels],
        "main_cause": list(PovertyCause.objects.filter(active=True).values_list("name", flat=True)),
    }


def _example_ids() -> set[str]:
    return {row["证件号码"] for row in EXAMPLE}


def _example(village) -> list[dict]:
    """The example household, in `village` (an Area) when given: the user's own village, so
    that the template imports as it is and shows the names the registry knows."""
    if village is None:
        return EXAMPLE
    township = village.parent
    county = township.parent if township else None
    head = {
        **EXAMPLE[0],
        "县": county.name if county else "",
        "乡镇": township.name if township else "",
        "行政村": village.name,
        "户编号": f"{village.code}9999999",
    }
    return [head, *EXAMPLE[1:]]


def write_template(village=None) -> bytes:
    book = Workbook()
    notes = book.active
    notes.title = "填表说明"
    for line in INSTRUCTIONS:
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=14)
    notes.column_dimensions["A"].width = 120

    sheet = book.create_sheet("台账")
    # The status columns serve a county's migration import only; the template is for new
    # households and changes, whose status the procedures decide.
    columns = [
        spec for spec in COLUMNS if spec.key != "serial" and spec.key not in STATUS_COLUMN_FIELDS
    ]
    sheet.append([spec.header for spec in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
    for row in _example(village):
        sheet.append([row.get(spec.header, "") for spec in columns])
    sheet.freeze_panes = "A2"
    last_row = 2000

    options = book.create_sheet("选项")
    options.sheet_state = "hidden"
    for option_column, (key, values) in enumerate(_options().items(), start=1):
        letter = get_column_letter(option_column)
        options.cell(row=1, column=option_column, value=BY_KEY[key].header)
        for row, value in enumerate(values, start=2):
            options.cell(row=row, column=option_column, value=value)
        index = next(i for i, spec in enumerate(columns, start=1) if spec.key == key)
        target = get_column_letter(index)
        validation = DataValidation(
            type="list",
            formula1=f"选项!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=key != "health",  # health may combine several values
            errorTitle="请从列表中选择",
            error="该值不在可选范围内。",
        )
        validation.add(f"{target}2:{target}{last_row}")
        sheet.add_data_validation(validation)
    for index, spec in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 20 if spec.key in TEXT_COLUMNS else 12
        if spec.key in TEXT_COLUMNS:
            for row in range(2, last_row + 1):
                sheet[f"{letter}{row}"].number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
