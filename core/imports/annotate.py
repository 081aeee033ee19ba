"""The errors as a workbook the user already knows: a copy of their own file with every bad cell
filled red and commented, and an errors sheet listing them all."""

import io
from collections import defaultdict
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from .reading import read_workbook

BAD = PatternFill("solid", fgColor="FFC7CE")
AUTHOR = "建档立卡管理系统"


def _copy_of(path: Path):
    """The user's own workbook when openpyxl can open it (.xlsx, .xlsm); otherwise (.xls, .ods)
    its values in a new workbook, sheet by sheet."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    book = Workbook()
    book.remove(book.active)
    for sheet in read_workbook(path):
        target = book.create_sheet(sheet.name[:31])
        for row in sheet.rows():
            target.append(row)
    return book


def annotate(path, errors, warnings=()) -> bytes:
    path = Path(path)
    book = _copy_of(path)
    by_cell = defaultdict(list)
    for issue in errors:
        if issue.row and issue.col and issue.sheet in book.sheetnames:
            by_cell[(issue.sheet, issue.row, issue.col)].append(issue.message)
    for (sheet, row, col), messages in by_cell.items():
        cell = book[sheet].cell(row=row, column=col)
        cell.fill = BAD
        cell.comment = Comment(
            "\n".join(messages), AUTHOR, width=320, height=40 + 20 * len(messages)
        )
    listing = book.create_sheet(_("错误清单"), 0)
    listing.append([_("类别"), _("工作表"), _("行"), _("列"), _("说明")])
    for cell in listing[1]:
        cell.font = Font(bold=True)
    for kind, issues in ((_("错误"), errors), (_("提示"), warnings)):
        for issue in issues:
            listing.append([kind, issue.sheet, issue.row, issue.column, issue.message])
    for letter, width in zip("ABCDE", (8, 14, 8, 16, 80), strict=True):
        listing.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
