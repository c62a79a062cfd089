"""Check my library: how findable are the owner's own documents?

Groundwork writes questions from the documents (``questions.write``), searches each one the way
the chat does, and notes where the page that the question came from ranked. The result, in plain
words: how often the right page came first and in the top three, which documents are hard to find
and probably why, and one "findability" figure (a point when the right page comes first, half a
point when it is second or third). The advisor reads the last result as a measured fact:
retrieval misses are fixed by better documents, not by training.

The last result is kept in ``<data_dir>/selftest.json`` with exactly the fields of
``core.types.SelfTestSummary``; the per-document detail for the page sits beside it in
``selftest_details.json``.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from core.labels import page_list
from core.selftest.questions import MAX_QUESTIONS, Probe, write
from core.types import Progress, SelfTestSummary, no_progress

SUMMARY_FILE = "selftest.json"
DETAILS_FILE = "selftest_details.json"
TOP = 3  # "in the top 3"
MODEL_SECONDS = 60.0  # at most this long asking the model for questions; then written from the text
LONG_PAGE_WORDS = 700  # a page this long holds many topics
HARD_SHARE = 0.67  # a document whose right page is in the top 3 for less than this share is hard to find


@dataclass
class DocumentResult:
    file: str
    questions: int = 0
    top1: int = 0
    top3: int = 0
    reasons: list[str] = field(default_factory=list)  # plain sentences: why it is probably hard to find

    scanned_pages: list[int] = field(default_factory=list)  # pages with no text: they can never be found
    hard_to_read_pages: list[int] = field(default_factory=list)  # scanned pages text recognition barely read

    @property
    def hard(self) -> bool:
        return (bool(self.scanned_pages) or bool(self.hard_to_read_pages)
                or (self.questions > 0 and self.top3 / self.questions < HARD_SHARE))


@dataclass
class SelfTestReport:
    summary: SelfTestSummary
    documents: list[DocumentResult]
    asked: list[dict]  # per question: question, file, place, kind, rank
    seconds: float
    model_written: int = 0

    def as_dict(self) -> dict:
        return {**asdict(self.summary), "documents": [{**asdict(d), "hard": d.hard} for d in self.documents],
                "asked": self.asked, "seconds": round(self.seconds, 1), "model_written": self.model_written}

    def sentence(self) -> str:
        """The result in one or two plain sentences."""
        s = self.summary
        if not s.questions:
            return "Groundwork couldn't write questions from your documents; add documents with some text first."
        return (f"Groundwork asked {s.questions} questions written from your own documents. The right page came "
                f"first for {round(s.top1 * s.questions)} ({s.top1:.0%}) and in the top {TOP} for "
                f"{round(s.top3 * s.questions)} ({s.top3:.0%}).")


def _rank(results, probe: Probe) -> Optional[int]:
    for i, r in enumerate(results, 1):
        if r.file != probe.file:
            continue
        if probe.page is not None and r.page is not None and r.page <= probe.page <= (r.page_end or r.page):
            return i
        if probe.page is None and r.section == probe.section:
            return i
    return None


def _reasons(doc, probes: list[tuple[Probe, Optional[int]]]) -> list[str]:
    missed = [p for p, rank in probes if not rank or rank > TOP]
    out = []
    empty = doc.triage.get("empty_pages") or []
    if len(empty) == 1:
        out.append(f"Page {empty[0]} is a scanned image with no text, so it can't be searched.")
    elif empty:
        out.append(f"{len(empty)} of its pages are scanned images with no text, so they can't be searched.")
    blurred = doc.triage.get("low_confidence_pages") or []
    scanned = set(doc.triage.get("ocr_pages") or [])
    if blurred:
        out.append(f"{page_list(blurred).capitalize()} {'was' if len(blurred) == 1 else 'were'} scanned and hard to "
                   "read, so some words may have been misread; a sharper scan would help.")
    elif any(p.page in scanned for p in missed):
        out.append("Some of its pages were scanned and read with text recognition; a misread word makes a page "
                   "harder to find.")
    if any(p.has_table for p in missed) or (doc.triage.get("tables") and missed):
        out.append("Much of it is in tables; rows are found more easily when a question uses the row's own words.")
    if doc.pages and doc.words / doc.pages > LONG_PAGE_WORDS:
        out.append("Its pages are very long, so one page mixes many topics.")
    if missed and not out:
        out.append("Other documents talk about the same things, so its pages are easily outranked.")
    return out


def run(library, llm=None, model: Optional[str] = None, limit: int = MAX_QUESTIONS,
        progress: Progress = no_progress) -> SelfTestReport:
    """Write questions from the library's documents, search each, and report how findable the documents are."""
    from core.search import search

    started = time.perf_counter()
    ask = _model_writer(llm, model) if llm is not None and model else None
    probes = write(library, limit, ask, lambda f, m: progress(0.3 * f, m))
    asked: list[dict] = []
    by_file: dict[str, list[tuple[Probe, Optional[int]]]] = {}
    for i, probe in enumerate(probes, 1):
        progress(0.3 + 0.7 * i / max(1, len(probes)), f"Searching question {i} of {len(probes)}")
        rank = _rank(search(library, probe.question, k=TOP), probe)
        by_file.setdefault(probe.file, []).append((probe, rank))
        asked.append({"question": probe.question, "file": probe.file, "page": probe.page, "section": probe.section,
                      "kind": probe.kind, "rank": rank})
    docs = {d.file: d for d in library.documents()}
    documents = []
    unreadable = {n for n, d in docs.items() if d.triage.get("empty_pages") or d.triage.get("low_confidence_pages")}
    for name in sorted(set(by_file) | unreadable):
        pairs = by_file.get(name, [])
        d = DocumentResult(name, len(pairs), sum(1 for _, r in pairs if r == 1), sum(1 for _, r in pairs if r),
                           scanned_pages=list(docs[name].triage.get("empty_pages") or []) if name in docs else [],
                           hard_to_read_pages=list(docs[name].triage.get("low_confidence_pages") or [])
                           if name in docs else [])
        if d.hard and name in docs:
            d.reasons = _reasons(docs[name], pairs)
        documents.append(d)
    n = len(asked)
    top1 = sum(1 for a in asked if a["rank"] == 1)
    top3 = sum(1 for a in asked if a["rank"])
    summary = SelfTestSummary(
        run_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), questions=n,
        top1=round(top1 / n, 4) if n else 0.0, top3=round(top3 / n, 4) if n else 0.0,
        findability=round((top1 + 0.5 * (top3 - top1)) / n, 4) if n else 0.0,
        hard_documents=[d.file for d in documents if d.hard])
    progress(1.0, "Done")
    return SelfTestReport(summary, documents, asked, time.perf_counter() - started,
                          sum(1 for p in probes if p.kind == "model"))


# --------------------------------------------------------------------------- the model writes questions

PROMPT = ("Here is one page from a business document called '{title}'. Write ONE short question that a customer "
          "or an employee might ask and that this page answers. Use everyday words, not the page's exact wording. "
          "Reply with the question only.\n\nPage:\n{text}")


def _model_writer(llm, model: str):
    """A question writer that asks the model while time allows; None replies fall back to text-written questions."""
    deadline = time.perf_counter() + MODEL_SECONDS

    def ask(title: str, text: str) -> Optional[str]:
        if time.perf_counter() > deadline:
            return None
        try:
            reply = llm.chat(model, [{"role": "user", "content": PROMPT.format(title=title, text=text[:1500])}],
                             options={"temperature": 0.2, "num_predict": 60, "num_ctx": 2048})
        except Exception:  # Ollama stopped, model missing, ...: the rest is written from the text
            return None
        line = next((ln.strip().strip('"') for ln in (reply or "").splitlines() if ln.strip()), "")
        return line if line.endswith("?") and 3 <= len(line.split()) <= 25 else None

    return ask


# --------------------------------------------------------------------------- the last result


def save(report: SelfTestReport, data_dir: Path) -> None:
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    _write_json(data_dir / SUMMARY_FILE, asdict(report.summary))
    details = report.as_dict()
    details["sentence"] = report.sentence()
    _write_json(data_dir / DETAILS_FILE, details)


def _write_json(path: Path, payload: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def load_summary(data_dir: Path) -> Optional[SelfTestSummary]:
    """The last result, or None when the self-test never ran or its file can't be read (a broken file
    is treated as "not run", never as an error). The one reader of ``SUMMARY_FILE``; the advisor uses it.

    The file holds ``SelfTestSummary``'s fields as one JSON object: ``run_at`` (UTC ISO time),
    ``questions`` (int), ``top1``, ``top3``, ``findability`` (0..1) and ``hard_documents`` (names).
    """
    try:
        raw = json.loads((Path(data_dir) / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return summary_from_dict(raw)


def summary_from_dict(raw: object) -> Optional[SelfTestSummary]:
    """A ``SelfTestSummary`` from its stored fields (unknown ones ignored), or None when they don't make one."""
    if not isinstance(raw, dict):
        return None
    known = {f.name for f in fields(SelfTestSummary)}
    values = {k: v for k, v in raw.items() if k in known}
    try:
        summary = SelfTestSummary(**values)
        shares = [float(summary.top1), float(summary.top3), float(summary.findability)]
        ok = (isinstance(summary.run_at, str) and summary.run_at and int(summary.questions) > 0
              and all(0.0 <= s <= 1.0 for s in shares))
    except (TypeError, ValueError):
        return None
    if not ok:
        return None
    hard = [str(d) for d in summary.hard_documents or [] if isinstance(d, str)]
    return SelfTestSummary(summary.run_at, int(summary.questions), shares[0], shares[1], shares[2], hard)


def load_details(data_dir: Path) -> Optional[dict]:
    try:
        return json.loads((Path(data_dir) / DETAILS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def forget_document(data_dir: Path, name: str) -> bool:
    """Drop a removed or replaced document from the last result: its entry, its questions and its name
    (the figures stay as measured). True when a file changed."""
    changed = False
    details = load_details(data_dir)
    if details is not None:
        before = json.dumps(details, ensure_ascii=False)
        details["documents"] = [d for d in details.get("documents") or [] if d.get("file") != name]
        details["asked"] = [a for a in details.get("asked") or [] if a.get("file") != name]
        details["hard_documents"] = [f for f in details.get("hard_documents") or [] if f != name]
        if json.dumps(details, ensure_ascii=False) != before:
            _write_json(Path(data_dir) / DETAILS_FILE, details)
            changed = True
    summary = load_summary(data_dir)
    if summary is not None and name in summary.hard_documents:
        _write_json(Path(data_dir) / SUMMARY_FILE,
                    asdict(replace(summary, hard_documents=[f for f in summary.hard_documents if f != name])))
        changed = True
    return changed
