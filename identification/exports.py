"""The findings list as an .xlsx, for the offices that work it down."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from registry.ledger import neutralise

COLUMNS = [
    (gettext_lazy("问题类型"), lambda f: f.get_kind_display()),
    (gettext_lazy("状态"), lambda f: f.get_state_display()),
    (gettext_lazy("来源"), lambda f: f.get_source_display()),
    (gettext_lazy("责任地区"), lambda f: f.area_name),
    (gettext_lazy("区划代码"), lambda f: f.area_code),
    (gettext_lazy("户编号"), lambda f: f.household.number if f.household else ""),
    (gettext_lazy("姓名"), lambda f: f.name),
    (gettext_lazy("证件号码"), lambda f: f.id_number),
    (gettext_lazy("说明"), lambda f: f.message),
    (gettext_lazy("整改期限"), lambda f: f.deadline),
    (gettext_lazy("已超期"), lambda f: _("是") if f.overdue else ""),
    (gettext_lazy("问题已消失"), lambda f: _("是") if f.cause_gone_at else ""),
    (gettext_lazy("核查结论"), lambda f: f.resolution),
    (gettext_lazy("发现时间"), lambda f: timezone.localtime(f.created_at).replace(tzinfo=None)),
]


def write_findings(findings) -> bytes:
    """`findings` as the presenter lets the user see them (ID numbers masked outside the
    areas the user keeps)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("问题清单"))
    sheet.append([str(header) for header, _value in COLUMNS])
    for finding in findings:
        sheet.append([neutralise(value(finding)) for _header, value in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
