"""core.xlsx writes what openpyxl (and Excel) read back: text as text (never a formula, XML's
forbidden characters dropped), numbers, dates, an empty cell keeping its column, the header."""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from core.xlsx import write_xlsx


def test_a_sheet_reads_back_as_written():
    out = io.BytesIO()
    rows = [
        ["=HYPERLINK(1)", 3, Decimal("12.50"), dt.date(1984, 1, 5), "", "a\x01b<&>"],
        ["张建国", None, 0, dt.datetime(2026, 11, 30, 8, 30, tzinfo=dt.UTC), True, "x"],
    ]
    written = write_xlsx(
        out, sheet_name="家庭成员台账", headers=["一", "二", "三", "四", "五", "六"], rows=rows
    )
    assert written == 2
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet.title == "家庭成员台账" and sheet.freeze_panes == "A2"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("一", "二", "三", "四", "五", "六") and sheet["A1"].font.b
    assert values[1] == ("=HYPERLINK(1)", 3, 12.5, dt.datetime(1984, 1, 5), None, "ab<&>")
    assert sheet["A2"].data_type == "s"  # text, not a formula
    assert values[2][:5] == ("张建国", None, 0, dt.datetime(2026, 11, 30, 8, 30), True)
