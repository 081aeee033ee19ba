"""Finding the data sheet and its header row by the names of the columns it should have."""

from dataclasses import dataclass

from .normalise import text


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    header: str  # the national system's name, used in templates and exports
    synonyms: tuple[str, ...] = ()

    @property
    def names(self) -> set[str]:
        return {_fold(self.header), *(_fold(s) for s in self.synonyms)}


@dataclass
class Header:
    sheet_index: int
    row: int  # 0-based index of the (last) header row; data starts below it
    columns: dict[int, ColumnSpec]  # column index -> spec
    unknown: dict[int, str]  # column index -> header text we do not know


def _fold(value) -> str:
    return text(value).replace(" ", "").replace("（", "(").replace("）", ")")


def _names(specs) -> dict[str, ColumnSpec]:
    return {name: spec for spec in specs for name in spec.names}


def _match(row, known: dict[str, ColumnSpec]) -> dict[int, ColumnSpec]:
    found: dict[int, ColumnSpec] = {}
    for index, cell in enumerate(row):
        spec = known.get(_fold(cell))
        if spec is not None and spec not in found.values():
            found[index] = spec
    return found


def find_header(sheets, specs, *, minimum: int = 3) -> Header | None:
    """The sheet and row that name the most known columns. A two-row header (group cells merged
    above the column names, or names merged down from the row above) is read as one."""
    known = _names(specs)
    best: Header | None = None
    best_score = minimum - 1
    for sheet_index, sheet in enumerate(sheets):
        for row_index, row in enumerate(sheet.head):
            combined = list(row)
            if row_index > 0:
                above = sheet.head[row_index - 1]
                combined = [
                    cell if text(cell) else (above[i] if i < len(above) else "")
                    for i, cell in enumerate(row)
                ]
            found = _match(combined, known)
            if len(found) > best_score:
                best_score = len(found)
                unknown = {
                    i: text(cell) for i, cell in enumerate(row) if text(cell) and i not in found
                }
                best = Header(sheet_index, row_index, found, unknown)
    return best
