"""Plain data passed between core modules (no behaviour, no I/O)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Callable, Iterable, Optional, Protocol

from core.place import Place

# progress(fraction 0..1, message) -- pages pass a callback that moves a bar
Progress = Callable[[float, str], None]


def no_progress(fraction: float, message: str) -> None:  # pragma: no cover - trivial
    return None


@dataclass
class Segment:
    """A run of text from one place in a document.

    PDF: one segment per page (page set, section may be None); a scanned page
    read by text recognition carries ``ocr_confidence``.
    DOCX: one segment per heading section / page part (page None when Word
    stored no page breaks; section = the nearest heading above the text).
    TXT/MD: one segment per heading section (page None).
    XLSX/CSV: one segment per block of consecutive rows, one line per row;
    ``section`` = the sheet name (None for a CSV), ``rows`` = (first, last)
    row number as the spreadsheet program shows them.
    PNG/JPG: one segment, page 1, with ``ocr_confidence``.
    """

    text: str
    page: Optional[int]  # 1-based, None when unknown
    section: Optional[str] = None
    ocr_confidence: Optional[float] = None  # 0..1 when the text was read by OCR, else None
    rows: Optional[tuple[int, int]] = None  # spreadsheet rows (first, last), 1-based

    @property
    def place(self) -> Place:
        first, last = self.rows if self.rows else (None, None)
        return Place(self.page, None, self.section, first, last)


@dataclass
class Triage:
    """Facts about a file, shown to the user before and after ingesting."""

    pages: int = 0
    words: int = 0
    empty_pages: list[int] = field(default_factory=list)  # probably scanned
    tables: int = 0  # Word tables; PDF tables drawn with ruling lines (others can't be told)
    encrypted: bool = False
    warnings: list[str] = field(default_factory=list)  # plain-language sentences
    ocr_pages: list[int] = field(default_factory=list)  # pages read by text recognition
    low_confidence_pages: list[int] = field(default_factory=list)  # ... that were hard to read
    ocr_confidence: Optional[float] = None  # mean over the OCR'd pages, None when none
    table_pages: list[int] = field(default_factory=list)  # PDF pages with a ruled table
    sheets: int = 0  # spreadsheets: sheets with data
    rows: int = 0  # spreadsheets: rows read (all sheets)


@dataclass
class ParsedDocument:
    name: str  # safe display name (no path parts)
    kind: str  # "pdf" | "docx" | "xlsx" | "csv" | "txt" | "md" | "png" | "jpg"
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
    row_start: Optional[int] = None  # spreadsheets: the rows this passage covers
    row_end: Optional[int] = None

    @property
    def place(self) -> Place:
        return Place.of(self)


@dataclass
class SearchResult:
    chunk_id: str
    file: str
    page: Optional[int]
    page_end: Optional[int]
    section: Optional[str]
    text: str
    score: float  # higher is better: the reranked relevance (or the fused score when not reranked)
    vector_score: float = 0.0  # cosine similarity (0..1), 0 when not in vector hits
    keyword_rank: Optional[int] = None  # 1-based rank in BM25 hits, None if absent
    row_start: Optional[int] = None  # spreadsheets: the rows this passage covers
    row_end: Optional[int] = None
    relevance: Optional[float] = None  # reranker: probability (0..1) that this passage answers the question
    sentence_score: float = 0.0  # reranker: best cosine of the question to one sentence/row of the passage

    @property
    def place(self) -> Place:
        return Place.of(self)

    def passage(self, n: int = 0) -> "Passage":
        """This result as a numbered passage (for the screen and the prompt)."""
        return Passage(n, self.file, self.page, self.page_end, self.section, self.text, self.chunk_id,
                       self.row_start, self.row_end)

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "page": self.page,
            "page_end": self.page_end,
            "section": self.section,
            "text": self.text,
            "score": round(self.score, 6),
        } | ({"row_start": self.row_start, "row_end": self.row_end} if self.row_start is not None else {})


class Found(list):
    """What ``search`` found for one question: its results, best first (a list), and ``topic``, the
    question's meaning margin over general-knowledge questions (``core.search.topic``; None when not
    reranked), which ``gate.off_topic`` reads. The margin belongs to the question, so it is said once
    here, not on each result; a slice is a plain list without it."""

    def __init__(self, results: Iterable[SearchResult] = (), topic: Optional[float] = None):
        super().__init__(results)
        self.topic = topic


# --------------------------------------------------------------------------- measured facts


@dataclass(frozen=True)
class LibraryStats:
    """What the library holds (``Library.stats()``); the advisor's measured facts read these fields."""

    documents: int = 0
    pages: int = 0
    chunks: int = 0
    words: int = 0
    replacements: int = 0  # documents replaced with a newer version, ever
    replacements_30d: int = 0  # ... in the last 30 days
    scanned_pages: int = 0  # pages read with text recognition (OCR)

    @property
    def tokens_estimate(self) -> int:
        """~1.33 tokens per English word, the usual rule of thumb for these tokenizers."""
        return int(self.words * 4 / 3)


@dataclass(frozen=True)
class UsageStats:
    """How the chat has been used (``History.usage_stats()``).

    ``approved`` counts answers rated thumbs up that cite a source (training examples the
    app collected itself), never examples an owner typed into the advisor.
    """

    days: int = 30  # the window for questions and unanswered
    questions: int = 0  # questions asked in the window
    unanswered: int = 0  # answers in the window where nothing relevant was found
    approved: int = 0  # ever: thumbs up, citing at least one source
    disliked: int = 0  # ever: thumbs down
    # the answer style (instructions for tone and format), when one is set
    style_set: bool = False
    style_since: Optional[str] = None  # UTC ISO time it was last changed
    liked_since_style: int = 0
    disliked_since_style: int = 0


@dataclass(frozen=True)
class SelfTestSummary:
    """The owner's last "check my library" run: how findable their own documents are."""

    run_at: str  # UTC ISO time
    questions: int
    top1: float  # share whose right page came first
    top3: float  # ... in the first three
    findability: float  # the single 0..1 figure shown to the owner
    hard_documents: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- answers


@dataclass
class Passage:
    """A numbered passage shown with an answer (cited, consulted or closest)."""

    n: int
    file: str
    page: Optional[int] = None
    page_end: Optional[int] = None
    section: Optional[str] = None
    text: str = ""
    chunk_id: str = ""
    row_start: Optional[int] = None  # spreadsheets: the rows this passage covers
    row_end: Optional[int] = None
    # for a cited passage: its sentences that back up the claim citing it (shown on hover)
    quote: str = ""
    # listed because Groundwork matched an uncited sentence to it, not because the model cited it
    matched_by_groundwork: bool = False
    # how well it matches the question when no written answer is shown: "close match", "possible match", "weak match"
    strength: str = ""

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def place(self) -> Place:
        """Where it is (``place.label()``: 'page 4', 'Sheet Prices, rows 12–30', 'section “Returns”')."""
        return Place.of(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Passage":
        """Tolerant of stored data from older releases: unknown keys ignored, missing ones defaulted."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in (d or {}).items() if k in known}
        values.setdefault("n", 0)
        values.setdefault("file", "")
        return cls(**values)


@dataclass
class MatchedSentence:
    """A sentence of an answer that Groundwork attributed to a passage after the model had finished.

    ``n`` is the citation (``AnswerResult.citations`` numbering) whose passage supports it best;
    ``model_cited`` the numbers the model itself gave the sentence ([] when it cited nothing,
    otherwise numbers whose passages don't back it up).
    """

    sentence: str
    n: int
    model_cited: list[int] = field(default_factory=list)
    matched_by_groundwork: bool = True

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: dict) -> "MatchedSentence":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in (d or {}).items() if k in known}
        values.setdefault("sentence", "")
        values.setdefault("n", 0)
        return cls(**values)


@dataclass
class AnswerResult:
    """Everything about one finished answer; the chat page, the history and the CLI read this."""

    answer: str = ""
    found: bool = False
    mode: str = "llm"  # "llm" | "search_only"
    citations: list[Passage] = field(default_factory=list)  # cited, renumbered 1..n in order of use
    consulted: list[Passage] = field(default_factory=list)  # given to the model but not cited
    closest: list[Passage] = field(default_factory=list)  # shown when nothing relevant was found
    unsupported: list[str] = field(default_factory=list)  # sentences their cited passage doesn't back up
    says_nothing: list[str] = field(default_factory=list)  # cited sentences with nothing a passage could confirm
    no_citations: bool = False
    notice: Optional[str] = None  # one sentence about how the answer went (stopped, trimmed, Ollama down)
    error_kind: Optional[str] = None
    general_knowledge: bool = False
    query: str = ""  # what was searched (a follow-up carries the earlier topic)
    num_ctx: Optional[int] = None
    trimmed_sources: int = 0
    # uncited (or wrongly cited) sentences Groundwork matched to a passage after the answer finished
    matched: list[MatchedSentence] = field(default_factory=list)
    dropped_citations: int = 0  # citations to a source number the model wasn't given, removed from the text

    _PASSAGE_LISTS = ("citations", "consulted", "closest")

    def as_dict(self) -> dict:
        """JSON-ready; the CLI's ``ask --json`` shape (answer, found, mode, citations, then the rest)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in self._PASSAGE_LISTS or f.name == "matched":
                value = [item.as_dict() for item in value]
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "AnswerResult":
        """Tolerant of stored data from older releases: unknown keys ignored, missing ones defaulted."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in (d or {}).items() if k in known}
        for name in cls._PASSAGE_LISTS:
            values[name] = [Passage.from_dict(p) for p in values.get(name) or [] if isinstance(p, dict)]
        for name in ("unsupported", "says_nothing"):
            values[name] = [str(s) for s in values.get(name) or []]
        values["matched"] = [MatchedSentence.from_dict(m) for m in values.get("matched") or [] if isinstance(m, dict)]
        return cls(**values)


@dataclass(frozen=True)
class Feedback:
    """The owner's rating of an answer: thumbs up (+1) or down (-1), with an optional note."""

    rating: int
    comment: str = ""

    @property
    def helpful(self) -> bool:
        return self.rating > 0


@dataclass(frozen=True)
class StoredMessage:
    """One message of a saved conversation, as ``History.messages()`` returns it.

    ``content`` is what was said (a question, or an answer's text); an answer also carries its
    ``result`` (the typed ``AnswerResult``: text, citations and the rest) and the ``question`` it
    answered. A question has ``result`` None and ``question`` "".
    """

    id: int
    conversation_id: int
    role: str  # "user" | "assistant" | "system"
    content: str
    created_at: str
    feedback: Optional[Feedback] = None
    result: Optional[AnswerResult] = None
    question: str = ""


class SearchIndex(Protocol):
    """What search needs from the library (``core.library.Library`` provides it)."""

    embedder: Any

    def vector_query(self, embedding: list[float], limit: int,
                     files: Optional[list[str]] = None) -> list[tuple[str, float]]: ...

    def keyword_query(self, match: str, limit: int, files: Optional[list[str]] = None) -> list[str]: ...

    def chunks_by_id(self, ids: Iterable[str]) -> dict[str, tuple[Chunk, str]]: ...

    def similarities(self, embedding: list[float], ids: list[str]) -> dict[str, float]: ...
