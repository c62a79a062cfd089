"""Plain data passed between core modules (no behaviour, no I/O)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

# progress(fraction 0..1, message) -- pages pass a callback that moves a bar
Progress = Callable[[float, str], None]


def no_progress(fraction: float, message: str) -> None:  # pragma: no cover - trivial
    return None


@dataclass
class Segment:
    """A run of text from one place in a document.

    PDF: one segment per page (page set, section may be None).
    DOCX: one segment per heading section / page part (page None when Word
    stored no page breaks; section = the nearest heading above the text).
    """

    text: str
    page: Optional[int]  # 1-based, None when unknown
    section: Optional[str] = None


@dataclass
class Triage:
    """Facts about a file, shown to the user before and after ingesting."""

    pages: int = 0
    words: int = 0
    empty_pages: list[int] = field(default_factory=list)  # probably scanned
    tables: int = 0
    encrypted: bool = False
    warnings: list[str] = field(default_factory=list)  # plain-language sentences


@dataclass
class ParsedDocument:
    name: str  # safe display name (no path parts)
    kind: str  # "pdf" | "docx"
    sha256: str  # of the original bytes
    segments: list[Segment]
    triage: Triage


@dataclass
class Chunk:
    id: str  # content hash: same content -> same id
    text: str
    file: str
    page: Optional[int]
    page_end: Optional[int]
    section: Optional[str]
    ordinal: int  # position within the document


@dataclass
class SearchResult:
    chunk_id: str
    file: str
    page: Optional[int]
    page_end: Optional[int]
    section: Optional[str]
    text: str
    score: float  # fused score, higher is better
    vector_score: float = 0.0  # cosine similarity (0..1), 0 when not in vector hits
    keyword_rank: Optional[int] = None  # 1-based rank in BM25 hits, None if absent

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "page": self.page,
            "page_end": self.page_end,
            "section": self.section,
            "text": self.text,
            "score": round(self.score, 6),
        }
