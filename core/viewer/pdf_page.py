"""A PDF page as printed, with the lines that back up a claim marked like a highlighter pen.

PDFium (through ``pypdfium2``) renders the page and its text page gives each character's index and box;
``core.viewer.textmatch`` finds the stored text among those characters. pypdf stays the reader that
ingest uses: PDFium is used here only to show pages.

Coordinates: ``boxes`` are in PDF points (1/72 inch) measured from the top-left corner of the page as
printed (the page's rotation and crop box applied), so a box times the render scale is a pixel box in the
rendered image. PDFium is not thread-safe and Streamlit runs each browser session in its own thread:
every PDFium call in this module holds one process-wide lock.
"""
from __future__ import annotations

import ctypes
import hashlib
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence, Union

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageChops, ImageDraw

from core.documents import ocr, pdf_pages
from core.errors import AppError, UsageError
from core.viewer.textmatch import Keyed, Match, locate_all, merged

SCREEN_SCALE = 1.5  # pixels per point at 100% zoom: an A4 page is 893 pixels wide
MAX_SCALE = 4.0
HIGHLIGHT = (255, 222, 89)  # multiplied into the page: white turns yellow, ink stays ink
EDGE = (234, 144, 16)
PAD = 1.5  # points around each marked line
_PRECISION = 64  # sub-point precision when PDFium maps page space to the printed page
_LOCK = pdf_pages.PDFIUM_LOCK  # one lock for every PDFium call in this process
# Scanned pages read again by text recognition to place the marks (seconds a page): the last few kept.
_SCANS: "OrderedDict[tuple[bytes, int], Optional[_Scan]]" = OrderedDict()
_SCANS_KEPT = 24
_SCANS_LOCK = threading.Lock()

Box = tuple[float, float, float, float]

MSG_DAMAGED = "Groundwork couldn't open this PDF to show its pages; download the original to see it."


@dataclass
class PageMarks:
    """Where the wanted text is on one page."""

    page: int  # 1-based
    size: tuple[float, float]  # width, height in points, as printed
    boxes: list[Box] = field(default_factory=list)  # points from the top-left corner, one per marked line
    matches: list[Match] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.boxes)

    @property
    def located(self) -> int:
        """How many of the wanted texts were found (wholly or in part) on this page."""
        return sum(m.found for m in self.matches)


@dataclass
class PageImage:
    marks: PageMarks
    scale: float
    image: Image.Image

    def png(self, compress_level: int = 1) -> bytes:
        buf = io.BytesIO()
        self.image.save(buf, format="PNG", compress_level=compress_level)
        return buf.getvalue()


@dataclass(frozen=True)
class _Scan:
    """A page with no usable text layer, as text recognition reads it: characters and their boxes (points)."""

    size: tuple[float, float]
    chars: list[str]
    boxes: list[Optional[Box]]


class PdfPages:
    """An open PDF: render its pages and mark text on them. Use as a context manager (or ``close()``).

    A scanned page (no usable text layer, as ingest decides it) is read by text recognition to find
    where the marked lines are: the same reading that put its text in the library."""

    def __init__(self, source: Union[str, Path, bytes]):
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        self._key = hashlib.blake2b(data, digest_size=16).digest()
        with _LOCK:
            try:
                self._pdf = pdfium.PdfDocument(data)
                self.page_count = len(self._pdf)
            except pdfium.PdfiumError as exc:
                raise AppError(MSG_DAMAGED) from exc

    def __enter__(self) -> "PdfPages":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        with _LOCK:
            self._pdf.close()

    def _page(self, number: int):
        if not 1 <= number <= self.page_count:
            raise UsageError(f"Page {number} doesn't exist; this document has "
                             f"{self.page_count} page{'s' if self.page_count != 1 else ''}.")
        return self._pdf[number - 1]

    def locate(self, number: int, targets: Sequence[str], loose: bool = False) -> PageMarks:
        """Boxes (points, top-left origin) around every line of ``targets`` found on page ``number``
        (``loose``: text someone typed, found even as part of a line; see ``textmatch.locate``)."""
        if any(t and t.strip() for t in targets) and (scan := self._scan(number)) is not None:
            matches = locate_all(Keyed.of(scan.chars), targets, loose=loose)
            spans = merged(s for m in matches for s in m.spans)
            rects = [box for a, b in spans for i in range(a, b + 1) if (box := scan.boxes[i]) is not None]
            return PageMarks(number, scan.size, _lines(rects), matches)
        with _LOCK:
            page = self._page(number)
            try:
                size = page.get_size()
                if not any(t and t.strip() for t in targets):
                    return PageMarks(number, size)
                textpage = page.get_textpage()
                try:
                    chars = _page_chars(textpage)
                    matches = locate_all(Keyed.of(chars), targets, loose=loose)
                    spans = merged(s for m in matches for s in m.spans)
                    rects = [textpage.get_charbox(i, loose=True) for a, b in spans for i in range(a, b + 1)
                             if chars[i].strip()]
                finally:
                    textpage.close()
                boxes = _lines([_to_printed(page, r, size) for r in rects], page.get_rotation() in (90, 270))
            finally:
                page.close()
        return PageMarks(number, size, boxes, matches)

    def _scan(self, number: int) -> Optional[_Scan]:
        """Page ``number`` read by text recognition when it is a scan (None for a page with text)."""
        key = (self._key, number)
        with _SCANS_LOCK:
            if key in _SCANS:
                _SCANS.move_to_end(key)
                return _SCANS[key]
        with _LOCK:
            page = self._page(number)
            try:
                textpage = page.get_textpage()
                try:
                    letters = sum(ch.isalnum() for ch in _page_chars(textpage))
                finally:
                    textpage.close()
                width, height = page.get_size()
            finally:
                page.close()
            scanned = letters < pdf_pages.MIN_TEXT_CHARS and pdf_pages.page_facts(self._pdf, number - 1).needs_ocr
            image = pdf_pages.render(self._pdf, number - 1) if scanned else None
        scan = None
        if image is not None:
            if (image.width > image.height) != (width > height):  # the picture is the page as printed
                width, height = height, width
            chars, rects = ocr.located_chars(image)
            sx, sy = width / image.width, height / image.height
            scan = _Scan((width, height), chars,
                         [None if r is None else (r[0] * sx, r[1] * sy, r[2] * sx, r[3] * sy) for r in rects])
        with _SCANS_LOCK:
            _SCANS[key] = scan
            while len(_SCANS) > _SCANS_KEPT:
                _SCANS.popitem(last=False)
        return scan

    def first_marked(self, pages: Sequence[int], targets: Sequence[str]) -> Optional[int]:
        """The first of ``pages`` on which any of ``targets`` is found (None: on none of them)."""
        for number in pages:
            if 1 <= number <= self.page_count and self.locate(number, targets).found:
                return number
        return None

    def render(self, number: int, targets: Sequence[str] = (), scale: float = SCREEN_SCALE,
               loose: bool = False) -> PageImage:
        """Page ``number`` rendered at ``scale`` pixels per point, the ``targets`` found on it marked."""
        scale = max(0.25, min(float(scale), MAX_SCALE))
        marks = self.locate(number, targets, loose)
        with _LOCK:
            page = self._page(number)
            try:
                bitmap = page.render(scale=scale, may_draw_forms=True)
                image = bitmap.to_pil().convert("RGB")
                bitmap.close()
            finally:
                page.close()
        return PageImage(marks, scale, draw_marks(image, marks.boxes, scale))


def _page_chars(textpage) -> list[str]:
    """One string per character index (PDFium counts each character, including the spaces and line
    breaks it generates, once; a character it can't decode is an empty string)."""
    out = []
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        out.append(chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else "")
    return out


def _to_printed(page, rect: Box, size: tuple[float, float]) -> Box:
    """A (left, bottom, right, top) rectangle in page space as (x0, y0, x1, y1) points on the printed page."""
    left, bottom, right, top = rect
    w, h = round(size[0] * _PRECISION), round(size[1] * _PRECISION)
    xs, ys = [], []
    for x, y in ((left, bottom), (right, top)):
        dx, dy = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, w, h, 0, ctypes.c_double(x), ctypes.c_double(y), dx, dy)
        xs.append(dx.value / _PRECISION)
        ys.append(dy.value / _PRECISION)
    return min(xs), min(ys), max(xs), max(ys)


def _lines(boxes: list[Box], turned: bool = False) -> list[Box]:
    """Boxes on the same printed line (mostly overlapping heights, close together) joined into one; on a
    page turned a quarter (``turned``) lines run up or down the printed page, so x and y swap roles."""
    if turned:
        return [(b[1], b[0], b[3], b[2]) for b in _lines([(y0, x0, y1, x1) for x0, y0, x1, y1 in boxes])]
    out: list[list[float]] = []
    for x0, y0, x1, y1 in sorted(boxes, key=lambda b: (round(b[1]), b[0])):
        for line in out:
            overlap = min(line[3], y1) - max(line[1], y0)
            height = min(line[3] - line[1], y1 - y0)
            gap = max(x0 - line[2], line[0] - x1)
            if height > 0 and overlap >= 0.5 * height and gap <= max(12.0, 1.5 * height):
                line[:] = [min(line[0], x0), min(line[1], y0), max(line[2], x1), max(line[3], y1)]
                break
        else:
            out.append([x0, y0, x1, y1])
    return [(round(a, 2), round(b, 2), round(c, 2), round(d, 2)) for a, b, c, d in out]


def draw_marks(image: Image.Image, boxes: Sequence[Box], scale: float) -> Image.Image:
    """``boxes`` (points) painted over ``image`` (rendered at ``scale``) like a highlighter: multiplied in,
    so the words under a mark stay as dark as printed, with a thin orange edge so a mark shows in print too."""
    if not boxes:
        return image
    layer = Image.new("RGB", image.size, (255, 255, 255))
    draw = ImageDraw.Draw(layer)
    edge = max(1, round(scale * 0.6))
    for x0, y0, x1, y1 in boxes:
        rect = [(x0 - PAD) * scale, (y0 - PAD) * scale, (x1 + PAD) * scale, (y1 + PAD) * scale]
        draw.rectangle(rect, fill=HIGHLIGHT)
        draw.line([(rect[0], rect[3]), (rect[2], rect[3])], fill=EDGE, width=edge)
    return ImageChops.multiply(image, layer)
