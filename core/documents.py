"""Read a PDF or Word (.docx) file into text segments plus triage facts.

``read_document`` is the only way bytes become text in Groundwork. It never
lets a parser's exception escape: anything it cannot read becomes a
``BadFileError`` whose message is one calm sentence saying what happened and
what to do. Limits (file size, page count, unzipped size) are checked before
any heavy parsing, so a huge or hostile file is refused quickly.

PDF
    One ``Segment`` per page (``page`` is the 1-based page number). Pages with
    no text are listed in ``Triage.empty_pages``; when such a page holds a
    picture it is probably a scan, which Groundwork cannot read (no OCR).

DOCX
    Paragraphs and tables in body order. A heading (style "Heading n" or
    "Title") starts a new segment and becomes its ``section``; the heading text
    is also kept in the segment text. Tables become one line per row, each cell
    paired with its column header ("Product: Trail 500 | Price: $1,299").
    Word files carry no page numbers of their own; when the file stores page
    breaks (Word's own ``w:lastRenderedPageBreak`` marks, or else hard
    ``w:br w:type="page"`` breaks) pages are counted from them and segments are
    split at each break. Otherwise every segment has ``page=None`` and the
    section locates the text.
"""
from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Iterator, Optional, Union

from docx import Document as open_docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from core.errors import AppError, BadFileError
from core.settings import Settings
from core.types import ParsedDocument, Progress, Segment, Triage, no_progress

log = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_NAME_CHARS = 150
FALLBACK_NAME = "document.pdf"

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # old Office files, and password-protected new ones
# An entry that inflates more than this many times its stored size is not a real document part.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_BYTES = 10 * MB  # small parts may compress very well; only check big ones

SUPPORTED = "Groundwork can read PDF files and Word files (.docx)"


# ----------------------------------------------------------------- messages


MSG_EMPTY = "This file is empty (0 bytes). Check that you picked the right file and upload it again."
MSG_PDF_PASSWORD = "This PDF is password-protected. Remove the password and upload it again."
MSG_PDF_NO_PAGES = "This PDF has no pages. Check that you picked the right file and upload it again."
MSG_PDF_DAMAGED = (
    "This PDF seems to be damaged or incomplete, so Groundwork can't read it. "
    "Open it, save a fresh copy as PDF, and upload it again."
)
MSG_PDF_CRYPTO = (
    "This PDF uses a kind of encryption Groundwork can't open. "
    "Open it, save a copy without protection, and upload it again."
)
MSG_LEGACY_DOC = "This is an older Word file (.doc). Open it in Word and save it as .docx, then upload it again."
MSG_DOCX_PASSWORD = "This Word file is password-protected. Remove the password in Word, save it, and upload it again."
MSG_DOCX_DAMAGED = (
    "This Word file seems to be damaged, so Groundwork can't read it. "
    "Open it in Word, save it again as .docx, and upload it again."
)
MSG_ZIP_NOT_WORD = (
    "This file is a zip archive, not a Word document. "
    "Unzip it and upload the PDF or Word (.docx) files inside."
)
MSG_RTF = "This is a Rich Text (RTF) file, not a Word .docx file. Open it in Word and save it as .docx, then upload it again."
MSG_SUSPICIOUS_ZIP = (
    "This Word file is built in an unusual way that could be used to overload the computer, "
    "so Groundwork won't open it. Open it in Word, save it again as .docx, and upload it again."
)

# What some other Office zip formats look like inside (a part that only they have).
_OTHER_ZIP_FORMATS = {
    "xl/workbook.xml": "an Excel spreadsheet",
    "ppt/presentation.xml": "a PowerPoint presentation",
    "content.xml": "an OpenDocument file",
}


def _msg_too_big(limit_mb: int) -> str:
    return f"This file is larger than the {limit_mb} MB limit. Split it into smaller files and upload them again."


def _msg_too_many_pages(pages: int, limit: int) -> str:
    return (
        f"This PDF has {pages:,} pages, more than the {limit:,}-page limit. "
        "Split it into smaller files and upload them again."
    )


def _msg_unzipped_too_big(limit_mb: int) -> str:
    return (
        f"This Word file would take up more than {limit_mb} MB once opened, which is over the limit. "
        "Split it into smaller files and upload them again."
    )


def _msg_wrong_format(ext: str, actual: str) -> str:
    """A file whose name says one format while its content is another."""
    fix = (
        "Open it and save it as a real PDF (for example with Print, then Save as PDF)"
        if ext == ".pdf"
        else "Open it in Word, save it as .docx"
    )
    return f"This file is named {ext} but is actually {actual}. {fix}, and upload it again."


def _msg_unsupported(ext: str) -> str:
    what = f"{ext} files" if ext else "files without a type at the end of their name"
    return f"{SUPPORTED}; {what} aren't supported. Save it as PDF or Word (.docx) and upload it again."


# -------------------------------------------------------------- file names


def safe_name(name: str) -> str:
    """A display name without folders or control characters; keeps unicode.

    ``"../secret/Price list.pdf"`` -> ``"Price list.pdf"``. Never empty; at most
    about 150 characters, keeping the extension.
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = "".join(_visible(ch) for ch in text)
    text = re.split(r"[\\/]", text)[-1]  # both kinds of folder separator
    text = re.sub(r"\s+", " ", text).strip().rstrip(" .")
    stem, ext = _split_extension(text)
    stem = stem.strip(" .")  # no hidden ".name" files, and ".." becomes ""
    if not stem:
        if not ext:
            return FALLBACK_NAME
        stem = "document"
    stem = stem[: MAX_NAME_CHARS - len(ext)].rstrip(" .") or "document"
    return stem + ext


def _visible(ch: str) -> str:
    """Control characters become a space (tabs, newlines) or vanish (invisible marks)."""
    category = unicodedata.category(ch)
    if category == "Cc":
        return " "
    if category in ("Cf", "Cs", "Co", "Cn"):
        return ""
    return ch


def _split_extension(name: str) -> tuple[str, str]:
    """("Price list", ".pdf"); the extension is "" when there is no plausible one."""
    match = re.fullmatch(r"(.*)(\.[^.\s]{1,10})", name)
    return (match.group(1), match.group(2)) if match else (name, "")


def _extension(name: str) -> str:
    """The lower-case extension with its dot (".pdf"), or "" when there is none."""
    return _split_extension(safe_name(name))[1].lower()


# --------------------------------------------------------- sniffing a file


def _looks_like_html(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in text[:512]


def _looks_like_text(head: bytes) -> bool:
    text = head.decode("utf-8", errors="replace")
    readable = sum((ch.isprintable() and ch != "\ufffd") or ch in "\r\n\t" for ch in text)
    return bool(text) and readable >= 0.95 * len(text)


def _describe_content(data: bytes) -> Optional[str]:
    """What a file that is neither PDF nor zip really is, in words; None when unknown."""
    head = data[:2048]
    if head.startswith(b"{\\rtf"):
        return "a Rich Text (RTF) file"
    if _looks_like_html(head):
        return "a web page (HTML)"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "a picture"
    if _looks_like_text(head):
        return "plain text"
    return None


def _zip_contents(data: bytes) -> Optional[str]:
    """What a zip file holds: "docx", a description of another format, "" for
    an ordinary zip, or None when the zip itself is damaged."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except Exception:  # BadZipFile, LargeZipFile, truncated data, ...
        return None
    if "word/document.xml" in names:
        return "docx"
    for part, what in _OTHER_ZIP_FORMATS.items():
        if part in names:
            return what
    return ""


def file_kind(name: str, data: bytes) -> str:
    """``"pdf"`` or ``"docx"``, judged from the content first and the name second.

    Raises ``BadFileError`` with a plain reason for anything else (empty files,
    old .doc files, renamed web pages, spreadsheets, ...).
    """
    ext = _extension(name)
    if not data:
        raise BadFileError(MSG_EMPTY)
    if PDF_MAGIC in data[:1024]:  # the PDF header may sit a little after the start
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        contents = _zip_contents(data)
        if contents == "docx":
            return "docx"
        if contents is None:
            raise BadFileError(MSG_DOCX_DAMAGED if ext == ".docx" else _msg_unsupported(ext))
        if contents:
            raise BadFileError(f"This file is {contents}; {SUPPORTED}. Save it as PDF and upload it again.")
        raise BadFileError(MSG_ZIP_NOT_WORD)
    if data.startswith(OLE_MAGIC):
        if ext == ".docx" and "EncryptedPackage".encode("utf-16-le") in data:
            raise BadFileError(MSG_DOCX_PASSWORD)
        if ext in (".doc", ".docx", ".dot", ""):
            raise BadFileError(MSG_LEGACY_DOC)
        raise BadFileError(_msg_unsupported(ext))
    actual = _describe_content(data)
    if ext == ".doc":
        raise BadFileError(MSG_RTF if actual == "a Rich Text (RTF) file" else MSG_LEGACY_DOC)
    if ext == ".pdf":
        raise BadFileError(_msg_wrong_format(ext, actual) if actual else MSG_PDF_DAMAGED)
    if ext == ".docx":
        raise BadFileError(_msg_wrong_format(ext, actual) if actual else MSG_DOCX_DAMAGED)
    raise BadFileError(_msg_unsupported(ext))


# ------------------------------------------------------------ entry point


def read_document(name: str, data: bytes, settings: Settings, progress: Progress = no_progress) -> ParsedDocument:
    """Read one uploaded file into segments of text and triage facts.

    Raises ``BadFileError`` (one calm sentence) for anything unreadable. A file
    that opens but has no text (e.g. a scan) is returned with a warning; the
    library decides what to do with it.
    """
    display = safe_name(name)
    if len(data) > settings.max_file_mb * MB:
        raise BadFileError(_msg_too_big(settings.max_file_mb))
    kind = file_kind(name, data)
    try:
        if kind == "pdf":
            segments, triage = _read_pdf(data, settings, progress)
        else:
            segments, triage = _read_docx(data, settings, progress)
    except AppError:
        raise
    except Exception:  # a parser failed somewhere we did not foresee
        log.warning("could not parse %s", display, exc_info=True)
        raise BadFileError(MSG_PDF_DAMAGED if kind == "pdf" else MSG_DOCX_DAMAGED) from None
    progress(1.0, f"Finished reading {display}")
    return ParsedDocument(
        name=display,
        kind=kind,
        sha256=hashlib.sha256(data).hexdigest(),
        segments=segments,
        triage=triage,
    )


def _no_text_warning(kind: str, scanned: bool) -> str:
    what = "This PDF" if kind == "pdf" else "This Word file"
    looks = " (its pages look like scanned images)" if scanned else ""
    return (
        f"{what} has no text Groundwork can read{looks}, so it can't be searched; "
        "Groundwork can't read scanned pages or pictures of text yet (no OCR)."
    )


def _page_list(pages: list[int], limit: int = 8) -> str:
    """'Page 4', 'Pages 2 and 5', 'Pages 1, 2, 3 and 9 more'."""
    shown = [str(p) for p in pages[:limit]]
    rest = len(pages) - len(shown)
    if rest:
        return f"Pages {', '.join(shown)} and {rest:,} more"
    if len(shown) == 1:
        return f"Page {shown[0]}"
    return f"Pages {', '.join(shown[:-1])} and {shown[-1]}"


# -------------------------------------------------------------------- PDF


def _read_pdf(data: bytes, settings: Settings, progress: Progress) -> tuple[list[Segment], Triage]:
    triage = Triage()
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            triage.encrypted = True
            # Owner-password-only files open with an empty password; decrypt()
            # returns 0 (it does not raise) when that is not enough.
            if not reader.decrypt(""):
                raise BadFileError(MSG_PDF_PASSWORD)
        n = len(reader.pages)  # cheap: counts pages without reading their text
    except AppError:
        raise
    except FileNotDecryptedError:
        raise BadFileError(MSG_PDF_PASSWORD) from None
    except (DependencyError, NotImplementedError):
        raise BadFileError(MSG_PDF_CRYPTO) from None
    except Exception:  # PdfStreamError, EmptyFileError, PdfReadError, and parser bugs
        raise BadFileError(MSG_PDF_DAMAGED) from None
    if n > settings.max_pages:
        raise BadFileError(_msg_too_many_pages(n, settings.max_pages))
    if n == 0:
        raise BadFileError(MSG_PDF_NO_PAGES)

    segments: list[Segment] = []
    scanned: list[int] = []
    failed: list[int] = []
    for i in range(1, n + 1):
        progress((i - 1) / n, f"Reading page {i} of {n}")
        try:
            page = reader.pages[i - 1]
            text = _clean_pdf_text(page.extract_text() or "")
        except Exception:  # one broken page must not lose the others
            log.warning("page %d could not be read", i, exc_info=True)
            failed.append(i)
            continue
        if text.strip():
            segments.append(Segment(text=text, page=i))
            triage.words += len(text.split())
        else:
            triage.empty_pages.append(i)
            if _has_images(page):
                scanned.append(i)

    triage.pages = n
    if failed and len(failed) == n:
        raise BadFileError(MSG_PDF_DAMAGED)
    if failed:
        triage.warnings.append(
            f"{_page_list(failed)} couldn't be read (the file may be partly damaged), "
            "so only the other pages are searchable."
        )
    if triage.words == 0:
        triage.warnings.append(_no_text_warning("pdf", scanned=bool(scanned)))
    elif scanned:
        they = "it" if len(scanned) == 1 else "they"
        has = "has" if len(scanned) == 1 else "have"
        triage.warnings.append(
            f"{_page_list(scanned)} {has} no text (probably scanned images); Groundwork can't "
            f"read scanned pages yet (no OCR), so {they} won't be searchable."
        )
    return segments, triage


def _clean_pdf_text(text: str) -> str:
    """Tidy extracted text: no NULs, no trailing spaces, at most one blank line."""
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _has_images(page) -> bool:
    """True when a page draws a picture (pypdf lists them without decoding them)."""
    try:
        return len(page.images) > 0
    except Exception:
        return False


# ------------------------------------------------------------------- DOCX


def _check_zip_limits(data: bytes, settings: Settings) -> None:
    """Refuse zip bombs by the sizes the zip declares, before anything is inflated.

    Python's zipfile never inflates an entry beyond its declared size, so the
    declared sizes bound what the Word parser can be made to read.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            entries = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise BadFileError(MSG_DOCX_DAMAGED) from None
    total = sum(info.file_size for info in entries)
    if total > settings.max_unzipped_mb * MB:
        raise BadFileError(_msg_unzipped_too_big(settings.max_unzipped_mb))
    for info in entries:
        if info.file_size >= RATIO_CHECK_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise BadFileError(MSG_SUSPICIOUS_ZIP)


def _read_docx(data: bytes, settings: Settings, progress: Progress) -> tuple[list[Segment], Triage]:
    _check_zip_limits(data, settings)
    progress(0.0, "Reading the Word document")
    try:
        document = open_docx(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        if isinstance(exc, ValueError) and "content type" in str(exc).lower():
            raise BadFileError(MSG_ZIP_NOT_WORD) from None
        raise BadFileError(MSG_DOCX_DAMAGED) from None
    body = document.element.body
    paged = _page_break_mode(body)
    builder = _SegmentBuilder(paged=paged is not None)
    tables = 0
    for block in _iter_blocks(body, document):
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
        triage.warnings.append(_no_text_warning("docx", scanned=False))
    progress(0.95, "Read the Word document")
    return builder.segments, triage


def _iter_blocks(body, parent) -> Iterator:
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
                yield from _iter_blocks(content, parent)


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


def _is_heading(paragraph) -> bool:
    try:
        style = paragraph.style.name or ""
    except Exception:  # a style the file refers to but does not define
        return False
    return style.startswith(("Heading", "Title"))


def _tidy(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).strip()


@dataclass
class _SegmentBuilder:
    """Collects blocks of text into segments, split at headings and page breaks."""

    paged: bool
    page: int = 1
    section: Optional[str] = None
    blocks: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)

    def add(self, text: str) -> None:
        if text.strip():
            self.blocks.append(text.strip())

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
    if _is_heading(paragraph):
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
        else:
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
