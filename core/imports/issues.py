from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issue:
    """An error or warning at a place in the workbook, as Excel numbers it (row 1 is the first;
    `col` is the column's 1-based number, for marking the cell)."""

    sheet: str
    row: int | None
    column: str
    message: str
    col: int | None = field(default=None, compare=False)

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class UnreadableFile(Exception):
    """The file is not a spreadsheet we can read: wrong type, encrypted, too big, a zip bomb."""


def grouped(issues: list[dict], *, limit: int = 8) -> list[dict]:
    """Issues (as dicts) with the same sheet, column and message as one line with their rows,
    in the order of their first row: 119 identical messages must not bury the 11 others.
    The report and the marked workbook keep every cell."""
    groups: dict[tuple, list] = {}
    for issue in issues:
        key = (issue.get("sheet", ""), issue.get("column", ""), issue.get("message", ""))
        groups.setdefault(key, []).append(issue.get("row"))
    lines = []
    for (sheet, column, message), rows in groups.items():
        numbers = sorted({row for row in rows if row})
        lines.append(
            {
                "sheet": sheet,
                "column": column,
                "message": message,
                "rows": _ranges(numbers, limit),
                "count": len(rows),
                "first": numbers[0] if numbers else 0,
            }
        )
    return sorted(lines, key=lambda line: line["first"])


def _ranges(numbers: list[int], limit: int) -> str:
    """[5, 6, 7, 9] -> "5–7、9"; more than `limit` runs end with "…"."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    text = "、".join(f"{a}–{b}" if a != b else str(a) for a, b in runs[:limit])
    return text + ("…" if len(runs) > limit else "")
