"""Word (.docx): paragraphs and tables in body order, split at headings and page breaks.

A heading (style "Heading n" or "Title") starts a new segment and becomes its
``section``; the heading text is also kept in the segment text. Tables become
one line per row, each cell paired with its column header ("Product: Trail
500 | Price: $1,299"). Word files carry no page numbers of their own; when the
file stores page breaks (Word's own ``w:lastRenderedPageBreak`` marks, or else
hard ``w:br w:type="page"`` breaks) pages are counted from them and segments
are split at each break. Otherwise every segment has ``page=None`` and the
section locates the text.

The zip's declared sizes are checked first (``limits.check_zip_limits``): the
XML parser holds the whole document in memory, so an oversized part is
refused before it is inflated.
"""
from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from typing import Iterator, Optional, Union

from docx import Document as open_docx
from docx.opc.exceptions import PackageNotFoundError
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from core.documents import messages as msg
from core.documents.limits import DOCX, TextBudget, check_zip_limits
from core.errors import AppError, BadFileError
from core.settings import Settings
from core.types import Progress, Segment, Triage

log = logging.getLogger(__name__)


def read_docx(data: bytes, settings: Settings, progress: Progress) -> tuple[list[Segment], Triage]:
    check_zip_limits(data, settings, DOCX)
    progress(0.0, "Reading the Word document")
    try:
        document = open_docx(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        if isinstance(exc, ValueError) and "content type" in str(exc).lower():
            raise BadFileError(msg.MSG_ZIP_NOT_WORD) from None
        raise BadFileError(msg.MSG_DOCX_DAMAGED) from None
    body = document.element.body
    paged = _page_break_mode(body)
    builder = _SegmentBuilder(paged=paged is not None, budget=TextBudget(settings), styles=_HeadingStyles(document))
    tables = 0
    for block in iter_blocks(body, document):
        if isinstance(block, Table):
            tables += 1
            _add_table(builder, block, paged)
        else:
            _add_paragraph(builder, block, paged)
    builder.flush()
    triage = Triage(
        pages=builder.page if paged else 0,
        words=sum(len(s.text.split()) for s in builder.segments),
        tables=tables,
    )
    if triage.words == 0:
        triage.warnings.append(msg.warn_no_text("docx", scanned=False))
    progress(0.95, "Read the Word document")
    return builder.segments, triage


def iter_blocks(body, parent) -> Iterator:
    """Paragraphs and tables in body order, like ``Document.iter_inner_content()``,
    but also looking inside content controls (``w:sdt``), where Word templates
    often keep cover pages and form text."""
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)
        elif child.tag == qn("w:tbl"):
            yield Table(child, parent)
        elif child.tag == qn("w:sdt"):
            for content in child.iterchildren(qn("w:sdtContent")):
                yield from iter_blocks(content, parent)


# Page breaks: which XML element marks a new page in this file (None: unknown).
_RENDERED = "w:lastRenderedPageBreak"
_HARD = "w:br[@w:type='page']"


def _page_break_mode(body) -> Optional[str]:
    """Word writes ``w:lastRenderedPageBreak`` where its layout started each page
    (including after hard breaks), so when present those are the truth; files
    from other tools only have hard breaks, which are then the best we know."""
    if body.xpath(f".//{_RENDERED}"):
        return _RENDERED
    if body.xpath(f".//{_HARD}"):
        return _HARD
    return None


class _Break:
    """Marks a page break inside a paragraph's text."""


PAGE_BREAK = _Break()
_RUN_PATHS = (
    "./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r "
    "| ./w:sdt/w:sdtContent/w:r | ./w:hyperlink/w:ins/w:r"
)


def _paragraph_pieces(p, paged: Optional[str]) -> list[Union[str, _Break]]:
    """A paragraph's text in order, with ``PAGE_BREAK`` where a counted page break sits."""
    t, tab, ptab, br, cr, nbh = (qn(x) for x in ("w:t", "w:tab", "w:ptab", "w:br", "w:cr", "w:noBreakHyphen"))
    rendered, br_type = qn("w:lastRenderedPageBreak"), qn("w:type")
    pieces: list[Union[str, _Break]] = []
    for run in p.xpath(_RUN_PATHS):
        for el in run.iterchildren():
            if el.tag == t:
                pieces.append(el.text or "")
            elif el.tag in (tab, ptab):
                pieces.append("\t")
            elif el.tag == cr:
                pieces.append("\n")
            elif el.tag == nbh:
                pieces.append("-")
            elif el.tag == br:
                kind = el.get(br_type)
                if kind == "page":
                    if paged == _HARD:
                        pieces.append(PAGE_BREAK)
                elif kind != "column":
                    pieces.append("\n")
            elif el.tag == rendered and paged == _RENDERED:
                pieces.append(PAGE_BREAK)
    return pieces


class _HeadingStyles:
    """Which paragraph style ids are headings, looked up once per file.

    python-docx's ``paragraph.style`` searches every style for the default on
    each call: measured here, 9 ms a paragraph, 99 s for a 10,000-paragraph file.
    """

    def __init__(self, document):
        self.headings: set[str] = set()
        self.default_is_heading = False
        try:
            for style in document.styles:
                if style.type == WD_STYLE_TYPE.PARAGRAPH and (style.name or "").startswith(("Heading", "Title")):
                    self.headings.add(style.style_id)
            default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
            self.default_is_heading = bool(default is not None and default.style_id in self.headings)
        except Exception:  # broken style definitions: no headings rather than no text
            log.warning("styles could not be read", exc_info=True)

    def is_heading(self, paragraph) -> bool:
        style_id = paragraph._p.style  # None when the paragraph uses the default style
        if style_id is None:
            return self.default_is_heading
        return style_id in self.headings


def _tidy(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).strip()


@dataclass
class _SegmentBuilder:
    """Collects blocks of text into segments, split at headings and page breaks."""

    paged: bool
    budget: TextBudget
    styles: _HeadingStyles
    page: int = 1
    section: Optional[str] = None
    blocks: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)

    def add(self, text: str) -> None:
        if text.strip():
            self.blocks.append(self.budget.take(text.strip()))

    def flush(self) -> None:
        if self.blocks:
            self.segments.append(Segment("\n\n".join(self.blocks), self.page if self.paged else None, self.section))
        self.blocks = []

    def page_break(self) -> None:
        self.flush()
        self.page += 1

    def new_section(self, title: str) -> None:
        self.flush()
        self.section = title


def _add_paragraph(builder: _SegmentBuilder, paragraph, paged: Optional[str]) -> None:
    pieces = _paragraph_pieces(paragraph._p, paged)
    if builder.styles.is_heading(paragraph):
        for _ in range(sum(p is PAGE_BREAK for p in pieces)):
            builder.page_break()
        title = _tidy("".join(p for p in pieces if isinstance(p, str)).replace("\n", " "))
        if title:
            builder.new_section(title)
            builder.add(title)
        return
    text: list[str] = []
    for piece in pieces:
        if piece is PAGE_BREAK:
            builder.add(_tidy("".join(text)))
            builder.page_break()
            text = []
        elif isinstance(piece, str):
            text.append(piece)
    builder.add(_tidy("".join(text)))


def _cell_text(cell) -> str:
    return re.sub(r"\s+", " ", cell.text).strip()


def _row_values(row) -> list[Optional[str]]:
    """Text per grid column; None where a merged cell repeats (python-docx lists
    a horizontally merged cell once per column it spans)."""
    values: list[Optional[str]] = []
    previous = None
    for cell in row.cells:
        values.append(None if previous is not None and cell._tc is previous._tc else _cell_text(cell))
        previous = cell
    return values


def _page_breaks_in(element, paged: Optional[str]) -> int:
    return len(element.xpath(f".//{paged}")) if paged else 0


def _render_row(values: list[Optional[str]], header: list[str]) -> str:
    """ "Product: Trail 500 | Price: $1,299" -- each value paired with its column header."""
    pairs = []
    for column, value in enumerate(values):
        if not value:
            continue
        name = header[column] if column < len(header) else ""
        pairs.append(f"{name}: {value}" if name else value)
    return " | ".join(pairs)


def _add_table(builder: _SegmentBuilder, table, paged: Optional[str]) -> None:
    """Add a table as one line per row, each value paired with its column header.

    The first row with more than one distinct cell is the header; a row that is
    one cell spread across the whole table above it is a title, kept as a line.
    A header repeated further down (as on every printed page) is skipped. A
    table too irregular to lay out is kept as plain text rather than lost.
    """
    try:
        _add_table_rows(builder, table, paged)
    except AppError:
        raise
    except Exception:
        log.warning("irregular table read as plain text", exc_info=True)
        builder.add(_tidy(" ".join(table._tbl.xpath(".//w:t/text()"))))


def _add_table_rows(builder: _SegmentBuilder, table, paged: Optional[str]) -> None:
    lines: list[str] = []
    header: Optional[list[str]] = None
    data_rows = 0
    rows = list(table.rows)
    for index, row in enumerate(rows):
        for _ in range(_page_breaks_in(row._tr, paged)):
            builder.add("\n".join(lines))
            builder.page_break()
            lines = []
        values = _row_values(row)
        present = [v for v in values if v]
        if not present:
            continue
        texts = [_cell_text(cell) for cell in row.cells]  # merged cells name every column they span
        if header is None and index < len(rows) - 1:
            if len(present) == 1 and values.count(None) == len(values) - 1 and len(values) > 1:
                lines.append(present[0])  # a title row spanning the table
            else:
                header = texts
            continue
        if texts == header:
            continue  # the header again
        lines.append(_render_row(values, header or []))
        data_rows += 1
    if header is not None and not data_rows:
        lines.append(" | ".join(dict.fromkeys(h for h in header if h)))  # a header with no data rows
    builder.add("\n".join(lines))
