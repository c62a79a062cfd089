"""Rows of a spreadsheet (xlsx sheet or CSV) as lines of text that carry their column headers.

"Product: Trail 29 · Size: M · Price: 1,450.00" -- so a search for a price
finds the row, and a reader (or the model) sees what each number means.

- Empty rows and empty columns are skipped.
- The header row is the first of the top rows with at least two filled cells,
  none of them a number or date, filling at least half as many columns as the
  rows below it. Rows above it (a title, a date) are kept as plain lines. A sheet
  without such a row is read as plain values.
- A header repeated further down (as printed on every page) is skipped.
- Rows are grouped into blocks of consecutive rows; each block is one
  ``Segment`` with ``section`` = the sheet name and ``rows`` = (first, last)
  row number as the spreadsheet program shows them, one line per row, so the
  chunker can tell each chunk's rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from core.documents import messages as msg
from core.documents.limits import TextBudget
from core.errors import BadFileError
from core.settings import Settings
from core.types import Segment

SEPARATOR = " · "
HEADER_SCAN_ROWS = 10  # the header is looked for among this many filled rows at the top
BLOCK_ROWS = 40  # rows per segment at most
_NUMBER_LIKE = re.compile(r"^[\s\d.,:/%+\-−()$€£¥#]*\d[\s\d.,:/%+\-−()$€£¥#]*$|^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(\s.*)?$")

Row = tuple[int, list[str]]  # (row number, display text per column; "" for an empty cell)


@dataclass
class RowCounter:
    """Rows and filled cells read from one file, refused past the limits as soon as they are crossed."""

    settings: Settings
    rows: int = 0
    cells: int = 0

    def count(self, values: list[str]) -> None:
        filled = sum(1 for v in values if v)
        if not filled:
            return
        self.rows += 1
        self.cells += filled
        if self.rows > self.settings.max_rows:
            raise BadFileError(msg.msg_too_many_rows(self.settings.max_rows))
        if self.cells > self.settings.max_cells:
            raise BadFileError(msg.msg_too_many_cells(self.settings.max_cells))


def clean_cell(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def _is_header(values: list[str], width_below: int) -> bool:
    filled = [v for v in values if v]
    if len(filled) < 2 or len(filled) * 2 < width_below:
        return False
    return not any(_NUMBER_LIKE.match(v) for v in filled)


def _find_header(rows: list[Row]) -> Optional[int]:
    """Index in ``rows`` of the header row, or None."""
    top = rows[:HEADER_SCAN_ROWS]
    for i, (_, values) in enumerate(top):
        below = rows[i + 1 : i + 1 + HEADER_SCAN_ROWS]
        if not below:
            return None
        width_below = max(sum(1 for v in vals if v) for _, vals in below)
        if _is_header(values, width_below):
            return i
    return None


def _drop_empty_columns(rows: list[Row]) -> list[Row]:
    width = max((len(values) for _, values in rows), default=0)
    used = [c for c in range(width) if any(c < len(values) and values[c] for _, values in rows)]
    return [(n, [values[c] if c < len(values) else "" for c in used]) for n, values in rows]


def _line(values: list[str], header: Optional[list[str]]) -> str:
    if header is None:
        return SEPARATOR.join(v for v in values if v)
    pairs = []
    for column, value in enumerate(values):
        if not value:
            continue
        name = header[column] if column < len(header) else ""
        pairs.append(f"{name}: {value}" if name and name != value else value)
    return SEPARATOR.join(pairs)


@dataclass
class _Blocks:
    section: Optional[str]
    budget: TextBudget
    segments: list[Segment] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    first: int = 0
    last: int = 0

    def add(self, number: int, line: str) -> None:
        if self.lines and (number != self.last + 1 or len(self.lines) >= BLOCK_ROWS):
            self.flush()
        if not self.lines:
            self.first = number
        self.lines.append(line)
        self.last = number

    def flush(self) -> None:
        if self.lines:
            text = self.budget.take("\n".join(self.lines))
            self.segments.append(Segment(text, None, self.section, rows=(self.first, self.last)))
        self.lines = []


def sheet_segments(section: Optional[str], rows: list[Row], budget: TextBudget) -> tuple[list[Segment], int]:
    """Segments for one sheet, and how many data rows it has."""
    rows = _drop_empty_columns([(n, [clean_cell(v) for v in values]) for n, values in rows if any(values)])
    if not rows:
        return [], 0
    header_at = _find_header(rows)
    header = rows[header_at][1] if header_at is not None else None
    blocks = _Blocks(section, budget)
    data_rows = 0
    for i, (number, values) in enumerate(rows):
        if header_at is not None and i <= header_at:
            blocks.add(number, SEPARATOR.join(v for v in values if v))  # title lines and the header itself
            continue
        if header is not None and values == header:
            blocks.flush()  # the header again, as on every printed page
            continue
        blocks.add(number, _line(values, header))
        data_rows += 1
    blocks.flush()
    return blocks.segments, data_rows
