from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Issue:
    """An error or warning at a place in the workbook, as Excel numbers it (row 1 is the first)."""

    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


class UnreadableFile(Exception):
    """The file is not a spreadsheet we can read: wrong type, encrypted, too big, a zip bomb."""
