"""Split a parsed document into chunks that remember where they came from.

Each segment (a PDF page, a Word section or page part) is split on its own
with LangChain's ``RecursiveCharacterTextSplitter``, so a chunk never mixes two
places in a document -- with one exception: a tiny segment (a heading with
nothing under it, a one-line part of a page) is joined to the segments after
it while they are on the same page (or, in a Word file without page numbers,
in the same section), so the library is not flooded with trivial chunks. Two
pages are never joined: a citation names one page. A joined chunk's
``section`` is the one that contributes most of its text.

Chunk ids are content hashes: the same text at the same place in the same file
always gets the same id, and identical chunks within a document are kept once.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Optional

from langchain_text_splitters import RecursiveCharacterTextSplitter

from core.types import Chunk, ParsedDocument, Segment

# Segments shorter than this (in characters) are merged with the ones after them.
TINY_SEGMENT_CHARS = 200
# Paragraphs first, then lines (one table row per line), then sentences, words, characters.
SEPARATORS = ["\n\n", "\n", ". ", " ", ""]
JOINER = "\n\n"


@dataclass
class _Span:
    """Where one segment's text sits inside a group's joined text."""

    start: int
    end: int
    page: Optional[int]
    section: Optional[str]


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
        self.spans.append(_Span(start, len(self.text), segment.page, segment.section))

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


def _locate(group: _Group, start: int, end: int) -> tuple[Optional[int], Optional[int], Optional[str]]:
    """First page, last page and main section of the text between ``start`` and ``end``."""
    covered = [s for s in group.spans if s.start < end and s.end > start] or group.spans[:1]
    pages = [s.page for s in covered if s.page is not None]
    share: dict[Optional[str], int] = {}
    for span in covered:
        share[span.section] = share.get(span.section, 0) + min(end, span.end) - max(start, span.start)
    section = max(share, key=share.get)  # ties go to the earliest
    return (min(pages) if pages else None, max(pages) if pages else None, section)


def chunk_id(doc_sha256: str, page: Optional[int], section: Optional[str], text: str) -> str:
    """A stable id: same file, place and text -> same id."""
    return hashlib.sha256(f"{doc_sha256}|{page}|{section}|{text}".encode("utf-8")).hexdigest()[:32]


def chunk_document(doc: ParsedDocument, size: int, overlap: int) -> list[Chunk]:
    """Split ``doc`` into chunks of at most ``size`` characters, overlapping by ``overlap``.

    ``overlap`` is clamped to half of ``size`` so a bad setting cannot stall
    the splitter. Whitespace-only pieces are skipped and repeats are kept once.
    """
    if size <= 0:
        raise ValueError("chunk size must be positive")
    overlap = max(0, min(overlap, size // 2))
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size,
        chunk_overlap=overlap,
        separators=SEPARATORS,
        keep_separator="end",  # a sentence keeps its full stop
        strip_whitespace=True,
    )
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for group in _groups(doc.segments):
        cursor = 0
        for piece in splitter.split_text(group.text):
            if not piece.strip():
                continue
            start = group.text.find(piece, cursor)
            if start < 0:  # not expected; fall back to the first occurrence
                start = max(group.text.find(piece), 0)
            end = start + len(piece)
            cursor = max(start + 1, end - overlap)
            page, page_end, section = _locate(group, start, end)
            cid = chunk_id(doc.sha256, page, section, piece)
            if cid in seen:
                continue
            seen.add(cid)
            chunks.append(Chunk(cid, piece, doc.name, page, page_end, section, len(chunks)))
    return chunks
