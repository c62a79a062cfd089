"""PDF: one segment per page, from the text layer or, for scanned pages, from text recognition.

Each page is judged on its own (``pdf_pages.PageFacts.needs_ocr``): a page with
a real text layer is read by pypdf; a page with no usable text layer over a
picture is rendered by PDFium and read by OCR, and its segment carries the
OCR confidence. A mixed document keeps its text pages as they are.

Order of work, cheapest first: PDFium's page count (it reads a 200,000-page
file in a fraction of a second, where pypdf stops at its own parsing limits),
pypdf's page count (against ``max_pages``), then a quick look at every page (text, pictures,
ruling lines) which tells how many pages need OCR (against
``max_scanned_pages``), and only then the slow part.
"""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

from core.documents import messages as msg
from core.documents import ocr, pdf_pages
from core.documents.limits import TextBudget
from core.errors import AppError, BadFileError
from core.settings import Settings
from core.types import Progress, Segment, Triage

log = logging.getLogger(__name__)

# Progress: a scanned page takes about this many times as long as a text page.
OCR_WEIGHT = 25


@dataclass
class _Plan:
    """Which pages are read how, decided before any slow work."""

    pages: int
    ocr: list[int] = field(default_factory=list)  # 1-based
    tables: dict[int, int] = field(default_factory=dict)
    had_images: set[int] = field(default_factory=set)
    inspected: bool = False  # False when PDFium could not look at the pages


def _open(data: bytes, settings: Settings, pdfium_pages: Optional[int]) -> tuple[PdfReader, int]:
    if pdfium_pages is not None and pdfium_pages > settings.max_pages:
        raise BadFileError(msg.msg_too_many_pages(pdfium_pages, settings.max_pages))
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Owner-password-only files open with an empty password; decrypt()
            # returns 0 (it does not raise) when that is not enough.
            if not reader.decrypt(""):
                raise BadFileError(msg.MSG_PDF_PASSWORD)
        declared = _declared_pages(reader)
        if declared is not None and declared > settings.max_pages:
            raise BadFileError(msg.msg_too_many_pages(declared, settings.max_pages))
        n = len(reader.pages)  # walks the page tree, without reading any page's text
    except AppError:
        raise
    except FileNotDecryptedError:
        raise BadFileError(msg.MSG_PDF_PASSWORD) from None
    except (DependencyError, NotImplementedError):
        raise BadFileError(msg.MSG_PDF_CRYPTO) from None
    except LimitReachedError:  # pypdf's own guard against oversized structures
        raise BadFileError(msg.MSG_PDF_TOO_COMPLEX) from None
    except Exception:  # PdfStreamError, EmptyFileError, PdfReadError, and parser bugs
        raise BadFileError(msg.MSG_PDF_DAMAGED) from None
    if n > settings.max_pages:
        raise BadFileError(msg.msg_too_many_pages(n, settings.max_pages))
    if n == 0:
        raise BadFileError(msg.MSG_PDF_NO_PAGES)
    return reader, n


def _declared_pages(reader: PdfReader) -> Optional[int]:
    """The page count the file states for itself (cheap; a huge file is refused before its tree is walked)."""
    try:
        trailer: Any = reader.trailer  # a dictionary object; pypdf types it as any PDF object
        count = trailer["/Root"]["/Pages"]["/Count"]
        return int(count)
    except Exception:
        return None


def _plan(reader: PdfReader, pdfium_doc, n: int) -> _Plan:
    plan = _Plan(pages=n)
    if pdfium_doc is None or len(pdfium_doc) != n:
        return plan
    plan.inspected = True
    for index in range(n):
        try:
            facts = pdf_pages.page_facts(pdfium_doc, index)
        except Exception:
            log.warning("page %d could not be inspected", index + 1, exc_info=True)
            continue
        if facts.needs_ocr:
            plan.ocr.append(index + 1)
        if facts.image_coverage > 0:
            plan.had_images.add(index + 1)
        if facts.tables:
            plan.tables[index + 1] = facts.tables
    return plan


def read_pdf(data: bytes, settings: Settings, progress: Progress) -> tuple[list[Segment], Triage]:
    with pdf_pages.PDFIUM_LOCK:  # PDFium is not thread-safe; pypdf's share of the work is held by the GIL anyway
        return _read_pdf(data, settings, progress)


def _read_pdf(data: bytes, settings: Settings, progress: Progress) -> tuple[list[Segment], Triage]:
    pdfium_doc = pdf_pages.open_pdf(data)
    try:
        reader, n = _open(data, settings, len(pdfium_doc) if pdfium_doc is not None else None)
        triage = Triage(pages=n, encrypted=bool(reader.is_encrypted))
        plan = _plan(reader, pdfium_doc, n)
        if len(plan.ocr) > settings.max_scanned_pages:
            raise BadFileError(msg.msg_too_many_scanned_pages(len(plan.ocr), settings.max_scanned_pages))
        budget = TextBudget(settings)
        total_work = (n - len(plan.ocr)) + OCR_WEIGHT * len(plan.ocr)
        state = _Reading(triage, budget, progress, total_work, settings.ocr_low_confidence)
        _read_text_pages(reader, plan, state)
        _read_scanned_pages(pdfium_doc, plan, state)
    finally:
        if pdfium_doc is not None:
            pdfium_doc.close()
    triage.tables = sum(plan.tables.values())
    triage.table_pages = sorted(plan.tables)
    _finish(triage, state)
    return sorted(state.segments, key=lambda s: s.page or 0), triage


@dataclass
class _Reading:
    triage: Triage
    budget: TextBudget
    progress: Progress
    total_work: int
    low_confidence: float
    done: int = 0
    segments: list[Segment] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    scanned_no_words: list[int] = field(default_factory=list)

    def step(self, weight: int, message: str) -> None:
        self.progress(min(self.done / max(self.total_work, 1), 0.99), message)
        self.done += weight

    def keep(self, text: str, page: int, confidence: Optional[float] = None) -> None:
        self.segments.append(Segment(self.budget.take(text), page, ocr_confidence=confidence))
        self.triage.words += len(text.split())


def _read_text_pages(reader: PdfReader, plan: _Plan, state: _Reading) -> None:
    scanned = set(plan.ocr)
    for i in range(1, plan.pages + 1):
        if i in scanned:
            continue
        state.step(1, f"Reading page {i} of {plan.pages}")
        try:
            page = reader.pages[i - 1]
            text = _clean_pdf_text(page.extract_text() or "")
        except Exception:  # one broken page must not lose the others
            log.warning("page %d could not be read", i, exc_info=True)
            state.failed.append(i)
            continue
        if text.strip():
            state.keep(text, i)
        else:
            state.triage.empty_pages.append(i)
            if i in plan.had_images if plan.inspected else _has_images(page):
                state.scanned_no_words.append(i)  # a picture PDFium could not help with


def _read_scanned_pages(pdfium_doc, plan: _Plan, state: _Reading) -> None:
    for k, i in enumerate(plan.ocr, start=1):
        state.step(OCR_WEIGHT, f"Reading scanned page {k} of {len(plan.ocr)}")
        try:
            found = ocr.recognise(pdf_pages.render(pdfium_doc, i - 1), state.low_confidence)
        except AppError:
            raise
        except Exception:
            log.warning("scanned page %d could not be recognised", i, exc_info=True)
            state.failed.append(i)
            continue
        if found.text.strip():
            state.keep(found.text, i, found.confidence)
            state.triage.ocr_pages.append(i)
            if found.below(state.low_confidence):
                state.triage.low_confidence_pages.append(i)
        else:
            state.triage.empty_pages.append(i)
            state.scanned_no_words.append(i)


def _finish(triage: Triage, state: _Reading) -> None:
    """Confidence, and the warnings, in the order a person should read them."""
    triage.empty_pages.sort()
    scores = [s.ocr_confidence for s in state.segments if s.ocr_confidence is not None]
    triage.ocr_confidence = round(sum(scores) / len(scores), 4) if scores else None
    if state.failed and len(state.failed) == triage.pages:
        raise BadFileError(msg.MSG_PDF_DAMAGED)
    if state.failed:
        triage.warnings.append(msg.warn_pages_failed(sorted(state.failed)))
    if triage.words == 0:
        triage.warnings.append(msg.warn_no_text("pdf", scanned=bool(state.scanned_no_words)))
        return
    if triage.ocr_pages:
        triage.warnings.append(msg.warn_ocr_pages(triage.ocr_pages))
    if triage.low_confidence_pages:
        triage.warnings.append(msg.warn_low_confidence(triage.low_confidence_pages))
    if state.scanned_no_words:
        triage.warnings.append(msg.warn_scanned_no_words(sorted(state.scanned_no_words)))


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
