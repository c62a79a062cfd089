"""Excel workbooks (.xlsx): every worksheet, row by row, with formulas read as their saved results.

openpyxl streams the rows (``read_only=True``) and gives each formula's last
saved result (``data_only=True``); pandas' ``read_excel`` is not used because
it drops the cells' number formats and merged cells. Merged cells: a value
merged down several rows belongs to each of them; a value merged across
columns is read once. Both facts sit at the end of each sheet's XML, which is
scanned as a byte stream (no tree is built).

A formula whose result was never saved (a file written by a program rather
than by Excel or LibreOffice) reads as empty, and the triage says so.
"""
from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field

from core.documents import messages as msg
from core.documents.cellformat import format_value
from core.documents.limits import XLSX, TextBudget, check_zip_limits
from core.documents.sheets import RowCounter, sheet_segments
from core.errors import AppError, BadFileError
from core.settings import Settings
from core.types import Progress, Segment, Triage

log = logging.getLogger(__name__)

_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")
# a formula closed right before its cell closes: no saved value follows it
_UNSAVED_FORMULA = re.compile(
    rb"(?:<(?:\w+:)?f\b[^>]*/>|</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
_READ_BYTES = 1024 * 1024

WARN_UNSAVED_FORMULAS = (
    "Some formulas in this spreadsheet have no saved result (it wasn't last saved by Excel), so those cells "
    "read as empty; open it in Excel or LibreOffice, save it, and upload it again."
)


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


@dataclass
class _SheetMarks:
    """What the end of a sheet's XML says: merged ranges, and whether formulas lack saved values."""

    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, first col, last row, last col
    unsaved_formulas: bool = False


def _scan_sheet(zf: zipfile.ZipFile, part: str) -> _SheetMarks:
    marks = _SheetMarks()
    try:
        stream = zf.open(part)
    except KeyError:
        return marks
    tail = b""
    with stream:
        while True:
            piece = stream.read(_READ_BYTES)
            if not piece:
                break
            window = tail + piece
            marks.unsaved_formulas = marks.unsaved_formulas or bool(_UNSAVED_FORMULA.search(window))
            for c0, r0, c1, r1 in _MERGE.findall(window):  # repeats in the overlap are dropped below
                marks.merges.append((int(r0), _column_index(c0), int(r1), _column_index(c1)))
            tail = window[-200:]
    marks.merges = list(dict.fromkeys(marks.merges))
    return marks


def _apply_merges(rows: dict[int, list[str]], merges: list[tuple[int, int, int, int]]) -> None:
    """Down: every row of the range gets the value. Across: the value stays in the first column only."""
    for r0, c0, r1, _c1 in merges:
        top = rows.get(r0)
        if top is None or c0 >= len(top) or not top[c0]:
            continue
        for r in range(r0 + 1, r1 + 1):
            row = rows.setdefault(r, [])
            if len(row) <= c0:
                row.extend([""] * (c0 + 1 - len(row)))
            if not row[c0]:
                row[c0] = top[c0]


def _sheet_rows(ws, counter: RowCounter) -> dict[int, list[str]]:
    rows: dict[int, list[str]] = {}
    ws.reset_dimensions()  # trust the cells, not the size the file declares
    for number, cells in enumerate(ws.iter_rows(), start=1):
        values: list[str] = []
        for cell in cells:
            column = getattr(cell, "column", None)
            if column is None:
                continue
            while len(values) < column - 1:
                values.append("")
            values.append(format_value(cell.value, getattr(cell, "number_format", None)))
        row_number = next((c.row for c in cells if getattr(c, "row", None)), number)
        counter.count(values)
        if any(values):
            rows[row_number] = values
    return rows


def read_xlsx(data: bytes, settings: Settings, progress: Progress) -> tuple[list[Segment], Triage]:
    check_zip_limits(data, settings, XLSX)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except AppError:
        raise
    except Exception:  # InvalidFileException, BadZipFile, KeyError, XML errors, ...
        raise BadFileError(msg.MSG_XLSX_DAMAGED) from None
    try:
        return _read_sheets(workbook, data, settings, progress)
    finally:
        workbook.close()


def _read_sheets(workbook, data: bytes, settings: Settings, progress: Progress) -> tuple[list[Segment], Triage]:
    budget, counter = TextBudget(settings), RowCounter(settings)
    triage = Triage()
    segments: list[Segment] = []
    unsaved = False
    sheets = workbook.worksheets
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for i, ws in enumerate(sheets, start=1):
            progress((i - 1) / max(len(sheets), 1), f"Reading sheet {ws.title} ({i} of {len(sheets)})")
            marks = _scan_sheet(zf, getattr(ws, "_worksheet_path", ""))
            unsaved = unsaved or marks.unsaved_formulas
            rows = _sheet_rows(ws, counter)
            _apply_merges(rows, marks.merges)
            found, data_rows = sheet_segments(ws.title, sorted(rows.items()), budget)
            if found:
                triage.sheets += 1
                triage.rows += data_rows
                segments.extend(found)
    triage.words = sum(len(s.text.split()) for s in segments)
    if triage.words == 0:
        triage.warnings.append(msg.warn_no_text("xlsx", scanned=False))
    elif unsaved:
        triage.warnings.append(WARN_UNSAVED_FORMULAS)
    return segments, triage
