"""What a PDF page is made of, seen through PDFium (``pypdfium2``): text, pictures, ruled tables.

Used to decide, page by page, whether a page needs text recognition (no usable
text layer, or only a few stray characters over a page-sized picture), to
render such a page for OCR, and to count the tables a page really draws.

Tables are counted only where the page tells: a grid of ruling lines (at least
three horizontal and three vertical lines that meet, i.e. two rows by two
columns of cells). A table laid out with spaces or with horizontal rules alone
cannot be told from ordinary text and is not counted.
"""
from __future__ import annotations

import ctypes
import logging
import threading
from dataclasses import dataclass
from typing import Iterator, Optional

log = logging.getLogger(__name__)
# PDFium is not thread-safe: every call into it, from any thread of this process (two browser tabs adding
# files, the page viewer), holds this one lock.
PDFIUM_LOCK = threading.RLock()

# A page with fewer letters than this has no usable text layer (page numbers, a stamp).
MIN_TEXT_CHARS = 40
# ... when pictures cover at least this share of it (any picture, when it has no text at all).
SCAN_COVERAGE = 0.5
# Rendering for OCR: the longest side in pixels (A4 at about 120 dpi), within these scales (1.0 = 72 dpi).
# Measured on the sample handbook's pages: 100-150 dpi all read every word (8 pt footers included);
# 120 dpi took ~25% less CPU than 150 dpi.
RENDER_SIDE_PX = 1400
MIN_SCALE, MAX_SCALE = 1.0, 4.0
DEFAULT_SCALE = 2.0  # when the page's picture size can't be told
# Ruling lines: thinner than this, longer than that (PDF points); positions closer than SNAP are one line.
LINE_THICKNESS, LINE_MIN_LENGTH, SNAP = 2.0, 8.0, 2.0
MAX_PATHS = 5000  # a page drawing more than this is a picture or a map: tables are not counted
MAX_PAIRS = 500_000  # horizontal x vertical lines compared at most


@dataclass(frozen=True)
class PageFacts:
    chars: int  # letters and digits in the text layer
    image_coverage: float  # 0..1 of the page covered by pictures
    tables: int  # ruled tables drawn on the page

    @property
    def needs_ocr(self) -> bool:
        if self.chars == 0:
            return self.image_coverage > 0
        return self.chars < MIN_TEXT_CHARS and self.image_coverage >= SCAN_COVERAGE


def open_pdf(data: bytes):
    """A PDFium document, or None when PDFium can't open it (the text layer may still be read)."""
    try:
        import pypdfium2 as pdfium

        return pdfium.PdfDocument(data)
    except Exception:
        log.warning("PDFium could not open the file; no text recognition or table count", exc_info=True)
        return None


def page_facts(doc, index: int) -> PageFacts:
    import pypdfium2.raw as raw

    page = doc[index]
    try:
        textpage = page.get_textpage()
        try:
            chars = sum(ch.isalnum() for ch in textpage.get_text_range())
        finally:
            textpage.close()
        width, height = page.get_size()
        area = max(width * height, 1.0)
        covered = 0.0
        paths: list = []  # pypdfium2 page objects
        for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_PATH], max_depth=2):
            if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
                left, bottom, right, top = obj.get_bounds()
                w = max(0.0, min(right, width) - max(left, 0.0))
                h = max(0.0, min(top, height) - max(bottom, 0.0))
                covered += w * h
            elif len(paths) <= MAX_PATHS:
                paths.append(obj)
        tables = count_tables(_ruling_lines(paths)) if len(paths) <= MAX_PATHS else 0
        return PageFacts(chars, min(covered / area, 1.0), tables)
    finally:
        page.close()


def render(doc, index: int):
    """The page as a PIL image, at the resolution of its scan (never enlarged past it), at most
    ``RENDER_SIDE_PX`` on its longest side: enlarging a scan only blurs it, and costs time."""
    page = doc[index]
    try:
        width, height = page.get_size()
        scale = min(RENDER_SIDE_PX / max(width, height, 1.0), _scan_scale(page) or DEFAULT_SCALE)
        return page.render(scale=min(max(scale, MIN_SCALE), MAX_SCALE), grayscale=True).to_pil()
    finally:
        page.close()


def _scan_scale(page) -> Optional[float]:
    """Pixels per PDF point of the largest picture on the page (None when it has none)."""
    import pypdfium2.raw as raw

    best, scale = 0.0, None
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        area = (right - left) * (top - bottom)
        try:
            px_width, px_height = obj.get_px_size()
        except Exception:
            continue
        if area > best and right > left and top > bottom:
            best, scale = area, max(px_width / (right - left), px_height / (top - bottom))
    return scale


# ------------------------------------------------------------------ ruled tables


def _points(obj) -> Iterator[tuple[int, float, float, bool]]:
    """(segment type, x, y, closes) for each point of a path, in page coordinates."""
    import pypdfium2.raw as raw

    m = obj.get_matrix()
    for k in range(raw.FPDFPath_CountSegments(obj.raw)):
        seg = raw.FPDFPath_GetPathSegment(obj.raw, k)
        x, y = ctypes.c_float(), ctypes.c_float()
        if not raw.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        px = m.a * x.value + m.c * y.value + m.e
        py = m.b * x.value + m.d * y.value + m.f
        yield raw.FPDFPathSegment_GetType(seg), px, py, bool(raw.FPDFPathSegment_GetClose(seg))


def _ruling_lines(paths) -> list[tuple[str, float, float, float]]:
    """Straight horizontal ("h", y, x0, x1) and vertical ("v", x, y0, y1) strokes and thin bars."""
    import pypdfium2.raw as raw

    lines = []
    for obj in paths:
        left, bottom, right, top = obj.get_bounds()
        if right - left <= LINE_THICKNESS and top - bottom >= LINE_MIN_LENGTH:
            lines.append(("v", (left + right) / 2, bottom, top))  # a thin filled bar
            continue
        if top - bottom <= LINE_THICKNESS and right - left >= LINE_MIN_LENGTH:
            lines.append(("h", (top + bottom) / 2, left, right))
            continue
        start: Optional[tuple[float, float]] = None
        prev: Optional[tuple[float, float]] = None
        for kind, x, y, closes in _points(obj):
            if kind == raw.FPDF_SEGMENT_MOVETO:
                start = prev = (x, y)
                continue
            if prev is not None and kind == raw.FPDF_SEGMENT_LINETO:
                lines.extend(_axis_line(prev, (x, y)))
                if closes and start is not None:
                    lines.extend(_axis_line((x, y), start))
            prev = (x, y)
    return lines


def _axis_line(a: tuple[float, float], b: tuple[float, float]) -> list[tuple[str, float, float, float]]:
    (x0, y0), (x1, y1) = a, b
    if abs(y0 - y1) < 0.5 and abs(x1 - x0) >= LINE_MIN_LENGTH:
        return [("h", y0, min(x0, x1), max(x0, x1))]
    if abs(x0 - x1) < 0.5 and abs(y1 - y0) >= LINE_MIN_LENGTH:
        return [("v", x0, min(y0, y1), max(y0, y1))]
    return []


def count_tables(lines: list[tuple[str, float, float, float]]) -> int:
    """Grids of meeting lines with at least 3 distinct rows of rules and 3 distinct columns."""
    lines = list({(k, round(p / SNAP), round(a), round(b)): (k, p, a, b) for k, p, a, b in lines}.values())
    horizontal = [i for i, ln in enumerate(lines) if ln[0] == "h"]
    vertical = [i for i, ln in enumerate(lines) if ln[0] == "v"]
    if len(horizontal) * len(vertical) > MAX_PAIRS:
        return 0  # a drawing, not a table; too costly to untangle
    parent = list(range(len(lines)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in horizontal:
        _, y, x0, x1 = lines[i]
        for j in vertical:
            _, x, y0, y1 = lines[j]
            if x0 - SNAP <= x <= x1 + SNAP and y0 - SNAP <= y <= y1 + SNAP:
                parent[find(i)] = find(j)
    groups: dict[int, list] = {}
    for i, ln in enumerate(lines):
        groups.setdefault(find(i), []).append(ln)
    return sum(1 for group in groups.values() if _is_grid(group))


def _distinct(values: list[float]) -> int:
    count, last = 0, None
    for v in sorted(values):
        if last is None or v - last > SNAP:
            count += 1
        last = v
    return count


def _is_grid(group: list[tuple[str, float, float, float]]) -> bool:
    rows = _distinct([ln[1] for ln in group if ln[0] == "h"])
    cols = _distinct([ln[1] for ln in group if ln[0] == "v"])
    return rows >= 3 and cols >= 3
