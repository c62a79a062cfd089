"""Split a parsed document into chunks that remember where they came from.

Each segment (a PDF page, a Word section or page part) is split on its own
with LangChain's ``RecursiveCharacterTextSplitter``, so a chunk never mixes two
places in a document -- with one exception: a tiny segment (a heading with
nothing under it, a one-line part of a page) is joined to the segments after
it while they are on the same page (or, in a Word file without page numbers,
in the same section), so the library is not flooded with trivial chunks. Two
pages are never joined: a citation names one page. A joined chunk's
``section`` is the one that contributes most of its text.

Spreadsheet segments carry a row range and hold one line per row, so each
chunk gets the rows its own lines come from (``row_start``/``row_end``); a
chunk never mixes two sheets (their sections differ).

Chunk ids are content hashes: the same text at the same place in the same file
always gets the same id, and identical chunks within a document are kept once.

A file that would make more than ``max_passages`` chunks is refused with a
plain message (``BadFileError``), first by an estimate before any splitting,
then exactly while splitting.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Optional

from langchain_text_splitters import RecursiveCharacterTextSplitter

from core.documents.messages import msg_too_many_passages
from core.errors import BadFileError
from core.place import Place
from core.settings import Settings
from core.types import Chunk, ParsedDocument, Segment

# Segments shorter than this (in characters) are merged with the ones after them.
TINY_SEGMENT_CHARS = 200
# Paragraphs first, then lines (one table row per line), then sentences, words, characters.
SEPARATORS = ["\n\n", "\n", ". ", " ", ""]
JOINER = "\n\n"
DEFAULT_MAX_PASSAGES: int = Settings.max_passages  # the dataclass field's default


@dataclass
class _Span:
    """Where one segment's text sits inside a group's joined text."""

    start: int
    end: int
    page: Optional[int]
    section: Optional[str]
    rows: Optional[tuple[int, int]] = None  # one line per row, from the first to the last

    def rows_between(self, text: str, start: int, end: int) -> Optional[tuple[int, int]]:
        """The rows whose lines the text between ``start`` and ``end`` touches."""
        if self.rows is None:
            return None
        first, last = self.rows
        if text.count("\n", self.start, self.end) != last - first:
            return self.rows  # not one line per row: the whole range is the best we know
        lo = first + text.count("\n", self.start, max(start, self.start))
        hi = first + text.count("\n", self.start, max(min(end, self.end) - 1, self.start))
        return (lo, hi)


@dataclass
class _Group:
    """Consecutive segments that are split together."""

    text: str = ""
    spans: list[_Span] = field(default_factory=list)

    def add(self, segment: Segment) -> None:
        text = segment.text.strip()
        if self.text:
            self.text += JOINER
        start = len(self.text)
        self.text += text
        self.spans.append(_Span(start, len(self.text), segment.page, segment.section, segment.rows))

    def accepts(self, segment: Segment) -> bool:
        """A tiny group takes the next segment on the same page (same section when pages are unknown)."""
        if not self.spans:
            return True
        last = self.spans[-1]
        if len(self.text) >= TINY_SEGMENT_CHARS:
            return False
        if segment.page is not None or last.page is not None:
            return segment.page == last.page  # never join two pages: a citation names one page
        return segment.section == last.section


def _groups(segments: list[Segment]) -> list[_Group]:
    groups: list[_Group] = []
    for segment in segments:
        if not segment.text.strip():
            continue
        if not groups or not groups[-1].accepts(segment):
            groups.append(_Group())
        groups[-1].add(segment)
    return groups


def _locate(group: _Group, start: int, end: int) -> Place:
    """First page, last page, main section and rows of the text between ``start`` and ``end``."""
    covered = [s for s in group.spans if s.start < end and s.end > start] or group.spans[:1]
    pages = [s.page for s in covered if s.page is not None]
    share: dict[Optional[str], int] = {}
    for span in covered:
        share[span.section] = share.get(span.section, 0) + min(end, span.end) - max(start, span.start)
    section = max(share, key=lambda s: share[s])  # ties go to the earliest
    rows = [r for r in (s.rows_between(group.text, start, end) for s in covered) if r]
    return Place(
        min(pages) if pages else None,
        max(pages) if pages else None,
        section,
        min(r[0] for r in rows) if rows else None,
        max(r[1] for r in rows) if rows else None,
    )


def chunk_id(doc_sha256: str, page: Optional[int], section: Optional[str], text: str,
             rows: Optional[tuple[int, Optional[int]]] = None) -> str:
    """A stable id: same file, place and text -> same id (the rows are part of a spreadsheet's place)."""
    place = f"{doc_sha256}|{page}|{section}" + (f"|rows {rows[0]}-{rows[1]}" if rows else "")
    return hashlib.sha256(f"{place}|{text}".encode("utf-8")).hexdigest()[:32]


def chunk_document(doc: ParsedDocument, size: int, overlap: int, max_passages: int = DEFAULT_MAX_PASSAGES) -> list[Chunk]:
    """Split ``doc`` into chunks of at most ``size`` characters, overlapping by ``overlap``.

    ``overlap`` is clamped to half of ``size`` so a bad setting cannot stall
    the splitter. Whitespace-only pieces are skipped and repeats are kept once.
    Raises ``BadFileError`` when the file would make more than ``max_passages`` chunks.
    """
    if size <= 0:
        raise ValueError("chunk size must be positive")
    overlap = max(0, min(overlap, size // 2))
    groups = _groups(doc.segments)
    estimate = sum(len(g.text) for g in groups) // max(size - overlap, 1)
    if estimate > max_passages:  # clearly too many: refuse before splitting anything
        raise BadFileError(msg_too_many_passages(max_passages))
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size,
        chunk_overlap=overlap,
        separators=SEPARATORS,
        keep_separator="end",  # a sentence keeps its full stop
        strip_whitespace=True,
    )
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for group in groups:
        cursor = 0
        for piece in splitter.split_text(group.text):
            if not piece.strip():
                continue
            start = group.text.find(piece, cursor)
            if start < 0:  # not expected; fall back to the first occurrence
                start = max(group.text.find(piece), 0)
            end = start + len(piece)
            cursor = max(start + 1, end - overlap)
            place = _locate(group, start, end)
            rows = (place.row_start, place.row_end) if place.row_start is not None else None
            cid = chunk_id(doc.sha256, place.page, place.section, piece, rows)
            if cid in seen:
                continue
            seen.add(cid)
            if len(chunks) >= max_passages:
                raise BadFileError(msg_too_many_passages(max_passages))
            chunks.append(Chunk(cid, piece, doc.name, place.page, place.page_end, place.section, len(chunks),
                                row_start=place.row_start, row_end=place.row_end))
    return chunks
