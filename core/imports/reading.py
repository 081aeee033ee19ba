"""Reading .xlsx, .xlsm, .xls and .ods with python-calamine (about 5× faster than openpyxl here).

Formulas come back as their cached values. Limits guard the server: file size, rows, and the
uncompressed size of zip-based formats (a zip bomb is a small file that inflates enormously).
"""

import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from .issues import UnreadableFile

ZIP_FORMATS = {".xlsx", ".xlsm", ".ods"}
SUFFIXES = ZIP_FORMATS | {".xls"}
# The signature of an OLE compound file: old .xls, and also how Office stores encrypted .xlsx.
CFB_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


HEAD_ROWS = 30  # a header sits under a title, a 填报单位 line and perhaps a group row


class Sheet:
    """One worksheet, its rows as Excel numbers them from A1 (row i is Excel row i + 1).

    Rows are made into Python lists as they are iterated, never all at once: a 500,000-row
    ledger as lists of cells takes more memory than the reader's own copy. `release()` drops
    that copy once the rows have been read."""

    def __init__(self, name: str, source):
        self.name = name
        self._source = source  # a CalamineSheet
        # ((first_row, first_col), (last_row, last_col)), 0-based, where the format has them.
        try:
            self.merged = source.merged_cell_ranges or []
        except CalamineError:
            self.merged = []
        end = source.end
        self.height = end[0] + 1 if end else 0
        self.head = source.to_python(skip_empty_area=False, nrows=HEAD_ROWS)

    def rows(self) -> Iterator[list]:
        if self._source is None:
            raise RuntimeError(f"sheet {self.name} was released")
        # iter_rows() starts at row 1 but at the first used column: put the columns back.
        start = self._source.start
        padding = [""] * start[1] if start else []
        for row in self._source.iter_rows():
            yield padding + row if padding else row

    def release(self) -> None:
        self._source = None


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def read_workbook(path: str | Path) -> list[Sheet]:
    path = Path(path)
    max_bytes = _limit("IMPORT_MAX_FILE_BYTES", 50 * 1024 * 1024)
    max_rows = _limit("IMPORT_MAX_ROWS", 600_000)
    try:
        size = path.stat().st_size
        head = path.open("rb").read(8)
    except OSError as error:
        raise UnreadableFile(_("无法打开文件：%(error)s") % {"error": error}) from error
    if size > max_bytes:
        raise UnreadableFile(
            _("文件过大（%(size).1f MB），上限为 %(limit).0f MB。")
            % {"size": size / 1048576, "limit": max_bytes / 1048576}
        )
    if zipfile.is_zipfile(path):
        _check_zip(path, max_bytes)
    elif head == CFB_SIGNATURE and path.suffix.lower() in ZIP_FORMATS:
        raise UnreadableFile(_("工作簿设置了打开密码，请取消密码后重新上传。"))
    elif head != CFB_SIGNATURE:
        raise UnreadableFile(_("这不是 Excel 或 WPS 表格文件（支持 .xlsx .xlsm .xls .ods）。"))
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = []
        total = 0
        for name in workbook.sheet_names:
            sheet = Sheet(name, workbook.get_sheet_by_name(name))
            total += sheet.height
            if total > max_rows:
                raise UnreadableFile(
                    _("行数超过上限 %(limit)d，请分批导入。") % {"limit": max_rows}
                )
            sheets.append(sheet)
        return sheets
    except PasswordError as error:
        raise UnreadableFile(_("工作簿设置了打开密码，请取消密码后重新上传。")) from error
    except CalamineError as error:
        raise UnreadableFile(_("无法读取该表格文件：%(error)s") % {"error": error}) from error


def _check_zip(path: Path, max_bytes: int) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise UnreadableFile(_("文件已损坏，无法读取。")) from error
    # Spreadsheets compress about 5-10 times; a bomb, hundreds of times.
    if inflated > 2 * 1024**3 or (
        inflated > 100 * 1024**2 and inflated > 100 * path.stat().st_size
    ):
        raise UnreadableFile(_("文件解压后异常巨大，疑似压缩炸弹，已拒绝。"))
