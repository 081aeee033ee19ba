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
