"""A Word file's section as formatted text: headings, paragraphs, lists, and tables as tables, with the
sentences that back up a claim marked.

Word files have no printed pages (Word lays pages out only when it opens the file), so the viewer shows
the section a passage came from, read again from the stored original with python-docx. Sections are cut
exactly as ingest cuts them: each heading ("Heading n" or "Title" style) starts one. Table rows are
searched as ingest stored them ("Model: Trail 500 | Price: $1,249"), so a row the passage quotes is found.

Everything taken from the file is HTML-escaped; the only markup added is our own tags.
"""
from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from docx import Document as open_docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from core.documents.docx import iter_blocks  # the blocks exactly as ingest reads them
from core.errors import AppError
from core.viewer.support import passage_sentences
from core.viewer.textmatch import LINE_MIN, Keyed, key_of, locate_all, merged

MSG_DAMAGED = "Groundwork couldn't open this Word file to show it; download the original to see it."


@dataclass
class _Block:
    kind: str  # "heading" | "para" | "item" | "row"
    text: str  # what is searched: the words as ingest stored them
    level: int = 0  # heading level; for list items 1 = numbered
    cells: list[tuple[str, int]] = field(default_factory=list)  # rows: (text, columns spanned)
    table: int = -1  # rows: which table of the section
    header: bool = False


@dataclass
class _Section:
    title: Optional[str]
    blocks: list[_Block] = field(default_factory=list)


@dataclass
class SectionView:
    """One section as safe HTML, and whether the wanted sentences were found in it."""

    section: Optional[str]
    html: str
    found: bool
    located: int = 0  # how many wanted sentences were found (wholly or in part)
    wanted: int = 0


def _tidy(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text or "").strip()


def _heading_level(paragraph: Paragraph) -> int:
    """1.. for a heading ("Title" counts as 1), 0 for any other paragraph."""
    try:
        style = getattr(paragraph.style, "name", None) or ""  # no style at all: a plain paragraph
    except Exception:  # a style the file names but does not define
        return 0
    if style.startswith("Title"):
        return 1
    if style.startswith("Heading"):
        digits = re.findall(r"\d+", style)
        return int(digits[0]) if digits else 1
    return 0


def _list_kind(paragraph: Paragraph) -> int:
    """0: not a list item; 1: numbered; 2: bulleted."""
    try:
        style = getattr(paragraph.style, "name", None) or ""  # no style at all: a plain paragraph
    except Exception:
        style = ""
    if style.startswith("List Number"):
        return 1
    if style.startswith("List") or paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
        return 2
    return 0


def _row_cells(row) -> list[tuple[str, int]]:
    """(text, columns spanned): python-docx lists a merged cell once per grid column it covers."""
    out: list[tuple[str, int]] = []
    previous = None
    for cell in row.cells:
        if previous is not None and cell._tc is previous._tc:
            text, span = out[-1]
            out[-1] = (text, span + 1)
        else:
            out.append((re.sub(r"\s+", " ", cell.text).strip(), 1))
        previous = cell
    return out


def _table_blocks(table: Table, number: int) -> list[_Block]:
    """A table's rows; the first row with more than one cell is the header, as at ingest."""
    blocks: list[_Block] = []
    header: Optional[list[str]] = None
    for row in table.rows:
        cells = _row_cells(row)
        if not any(text for text, _ in cells):
            continue
        grid = [text for text, span in cells for _ in range(span)]
        if header is None and len(cells) > 1:
            header = grid
            blocks.append(_Block("row", " | ".join(dict.fromkeys(t for t in grid if t)), cells=cells,
                                 table=number, header=True))
            continue
        values = [text for text, _ in cells]
        if header is not None:
            starts = [sum(span for _, span in cells[:i]) for i in range(len(cells))]
            values = [f"{header[c]}: {text}" if c < len(header) and header[c] and text else text
                      for c, (text, _) in zip(starts, cells)]
        blocks.append(_Block("row", " | ".join(v for v in values if v), cells=cells, table=number))
    return blocks


def read_sections(source) -> list[_Section]:
    """The document's sections in order; the text before the first heading is a section with no title."""
    try:
        document = open_docx(str(source) if isinstance(source, Path) else source)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise AppError(MSG_DAMAGED) from exc
    sections = [_Section(None)]
    tables = 0
    for block in iter_blocks(document.element.body, document):
        if isinstance(block, Table):
            tables += 1
            sections[-1].blocks.extend(_table_blocks(block, tables))
            continue
        text = _tidy(block.text)
        if not text:
            continue
        level = _heading_level(block)
        if level:
            sections.append(_Section(text.replace("\n", " "), [_Block("heading", text, level=level)]))
        else:
            kind = _list_kind(block)
            sections[-1].blocks.append(_Block("item" if kind else "para", text, level=kind))
    return [s for s in sections if s.blocks]


def _marked_text(text: str, ranges: Sequence[tuple[int, int]]) -> str:
    """``text`` escaped, with ``<mark>`` around each [first, last] range."""
    out, at = [], 0
    for a, b in ranges:
        out.append(html.escape(text[at:a]))
        out.append(f"<mark>{html.escape(text[a:b + 1])}</mark>")
        at = b + 1
    out.append(html.escape(text[at:]))
    return "".join(out).replace("\n", "<br>")


def _table_html(rows: list[tuple[_Block, list]]) -> str:
    parts = ["<table class='gw-table'>"]
    for block, ranges in rows:
        tag = "th" if block.header else "td"
        css = " class='gw-hit'" if ranges and not block.header else ""
        cells = "".join(f"<{tag}{f' colspan={span}' if span > 1 else ''}>{html.escape(text)}</{tag}>"
                        for text, span in block.cells)
        parts.append(f"<tr{css}>{cells}</tr>")
    parts.append("</table>")
    return "".join(parts)


def _section_html(blocks: list[_Block], marks: list[list]) -> str:
    out, i = [], 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "row":
            rows = []
            while i < len(blocks) and blocks[i].kind == "row" and blocks[i].table == block.table:
                rows.append((blocks[i], marks[i]))
                i += 1
            out.append(_table_html(rows))
            continue
        if block.kind == "item":
            tag = "ol" if block.level == 1 else "ul"
            items = []
            while i < len(blocks) and blocks[i].kind == "item" and blocks[i].level == block.level:
                items.append(f"<li>{_marked_text(blocks[i].text, marks[i])}</li>")
                i += 1
            out.append(f"<{tag}>{''.join(items)}</{tag}>")
            continue
        if block.kind == "heading":
            level = min(5, block.level + 2)
            out.append(f"<h{level}>{_marked_text(block.text, marks[i])}</h{level}>")
        else:
            out.append(f"<p>{_marked_text(block.text, marks[i])}</p>")
        i += 1
    return "<div class='gw-doc'>" + "".join(out) + "</div>"


def _marks(section: _Section, targets: Sequence[str], loose: bool = False) -> tuple[list[list], int]:
    """Per block, the [first, last] ranges to mark (block-local), and how many targets were found."""
    joined = "\n".join(b.text for b in section.blocks)
    matches = locate_all(Keyed.of(joined), targets, edges=False, loose=loose)
    spans = merged(s for m in matches for s in m.spans)
    marks: list[list] = []
    start = 0
    for block in section.blocks:
        end = start + len(block.text) - 1
        marks.append([(max(a, start) - start, min(b, end) - start) for a, b in spans if a <= end and b >= start])
        start = end + 2
    return marks, sum(m.found for m in matches)


ANY_SECTION = "\x00any"  # section_view(..., ANY_SECTION, targets): the section holding the most targets


def section_view(source, section: Optional[str], targets: Sequence[str] = (), passage: str = "",
                 loose: bool = False) -> SectionView:
    """The section titled ``section`` (None: the text before the first heading) as safe HTML, the
    ``targets`` marked. Among sections sharing a title, the one holding the most targets; when no
    section has that title (the file changed, or ``ANY_SECTION``), the one holding the most targets,
    else the first. A ``passage`` that runs over into the sections before or after it (short sections
    are stored together) brings those sections along. ``loose``: see ``textmatch.locate``."""
    sections = read_sections(source)
    if not sections:
        return SectionView(section, "<div class='gw-doc'></div>", False, 0, len(targets))
    wanted = [t for t in targets if t and t.strip()]
    scored = []
    for index, s in enumerate(sections):
        scored.append((s.title == section, _marks(s, wanted, loose)[1], -index))
    if any(item[0] for item in scored):
        scored = [item for item in scored if item[0]]
    first = last = -max(scored, key=lambda item: (item[1], item[2]))[2]
    own = [s for s in passage_sentences(passage) if len(key_of(s)) >= LINE_MIN]  # not a bare "Prices" heading
    while own and first > 0 and _marks(sections[first - 1], own)[1]:
        first -= 1
    while own and last + 1 < len(sections) and _marks(sections[last + 1], own)[1]:
        last += 1
    shown = _Section(sections[first].title, [b for s in sections[first:last + 1] for b in s.blocks])
    marks, located = _marks(shown, wanted, loose)
    return SectionView(shown.title, _section_html(shown.blocks, marks), located > 0, located, len(wanted))
