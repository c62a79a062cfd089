"""Questions written from the owner's own documents, each knowing the page that answers it.

Without a model: from headings ("Alarm call-outs" -> "What do the documents say about alarm
call-outs?"), table rows ("Item: Volt 625 Wh battery | ... | Price: $869" -> "How much is the Volt
625 Wh battery?") and key sentences: a sentence that states a fact (an amount, a percentage, a
period, a time or a person's name) under a heading becomes the question a person would ask about
that heading ("A late collection charge of 15 pounds..." under "Late collection" -> "What does late
collection cost?"). A sentence that states no fact (a mission statement) makes no question. With the model (Ollama running): the model reads the page and writes one
question an owner or customer might ask, in its own words; a reply that isn't a short question
falls back to the written-from-text kind.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Callable, Optional

from core.search.text import title_of, units

MAX_QUESTIONS = 60  # a 300-page library is checked in well under two minutes (benchmarks/selftest.py)
SEED = 11  # the same library gets the same questions, so two runs compare


@dataclass(frozen=True)
class Probe:
    question: str
    file: str
    page: Optional[int]
    section: Optional[str]
    kind: str  # "heading" | "row" | "sentence" | "model"
    has_table: bool = False  # the place the question came from holds table rows


_NUMBER = re.compile(r"[$£€]?\d[\d,.:]*")
_PRICE = re.compile(r"(?:[$£€]\s?\d[\d,.]*|\b\d+[.,]\d{2}\b|\b\d[\d,.]*\s(?:pounds|dollars|euros|GBP|USD|EUR)\b)")
_CELL = re.compile(r"^\s*([^:|]{2,40}):\s*(.+?)\s*$")


def _row_question(line: str) -> Optional[str]:
    """A question for one table row, or None when the line isn't one."""
    cells = [c.strip() for c in line.split("|")] if "|" in line else []
    if len(cells) >= 2:
        values = [(m.group(1).lower(), m.group(2)) if (m := _CELL.match(c)) else ("", c) for c in cells]
        label = values[0][1]
        priced = any(h.startswith(("price", "cost", "fee")) or _PRICE.search(v) for h, v in values[1:])
    else:  # a PDF table row: words, then a price ("52.00", "$40") at the end
        m = re.match(r"^(?P<label>[A-Za-z][^\d$£€]{3,80}?)\s+(?P<price>[$£€]\d[\d,.]*|\d[\d,]*\.\d{2})(?:\s|$)", line)
        if not m or len(line.split()) > 16 or line.rstrip().endswith("."):
            return None
        label, priced = m.group("label").strip(" ,:-"), True
    if re.search(r"\b(page|version|rev)\b", label, re.I):  # a running header or footer, not a row
        return None
    label = re.sub(r"\s*\([^)]*\)", "", label).strip(" ,:-")
    if len(label.split()) < 1 or len(label) < 3:
        return None
    return f"How much is the {label}?" if priced else f"What does it say about the {label}?"


_GENERIC = {"about us", "introduction", "welcome", "overview", "contents", "summary", "notes", "general"}
_DANGLING = {"a", "an", "the", "our", "your", "their", "to", "of", "and", "or", "in", "on", "for", "with", "by", "at"}
_ASKING = ("when ", "who ", "what ", "how ", "why ", "where ", "which ", "can ", "do ", "does ", "is ", "are ")


def _is_heading(line: str) -> bool:
    """A short title-like line: not a sentence, a row, a running header ("... - Handbook 2026") or a page number."""
    words = line.split()
    if not 1 <= len(words) <= 7 or line.endswith((".", ":", ",", ";")) or not line[0].isupper():
        return False
    body = re.sub(r"^\d+(\.\d+)*\.?\s*", "", line)
    if words[-1].lower() in _DANGLING:  # a line of a wrapped paragraph, not a title
        return False
    return bool(body) and not re.search(r"[\d|·:()$£€]|\s[-–]\s|\bpage\b", body, re.I)


def _plain_case(topic: str) -> str:
    """Title Case written as a person would type it: lower case, acronyms kept ("PPE")."""
    out = []
    for w in topic.split():
        bare = w.strip(",;:!?")
        out.append(w if bare.isupper() and len(bare) > 1 else w.lower())
    return " ".join(out)


def _heading_question(line: str) -> Optional[str]:
    if not _is_heading(line):
        return None
    topic = _plain_case(re.sub(r"^\d+(\.\d+)*\.?\s*", "", line).strip())
    if topic.endswith("?") or topic.startswith(_ASKING):  # the heading is already a question
        return topic[0].upper() + topic[1:].rstrip("?") + "?"
    if topic.startswith("if "):  # "If you are ill" -> "What if you are ill?"
        return f"What {topic}?"
    if len(topic.split()) < 2 or topic in _GENERIC:
        return None
    return f"What do the documents say about {topic}?"


_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?(?:am|pm)\b", re.I)
_SPAN = re.compile(r"\b\d+\s+(?:working\s+|business\s+|calendar\s+)?(days?|weeks?|months?|years?|hours?|minutes?)\b", re.I)
_PERCENT = re.compile(r"\d\s?%|\bper\s?cent\b", re.I)
_NAME = re.compile(r"(?<=[a-z,]\s)[A-Z][a-z]+\s[A-Z][a-z]+")  # "... is Aisha Rahman", not a sentence's first word


def _topic(heading: Optional[str]) -> Optional[str]:
    """A heading as the topic of a question: numbering dropped, first letter lowered unless it's a name."""
    if not heading:
        return None
    topic = _plain_case(re.sub(r"^\d+(\.\d+)*\.?\s*", "", heading).strip(" :.-?"))
    if not 1 <= len(topic.split()) <= 7 or topic in _GENERIC or topic.startswith(_ASKING + ("if ",)):
        return None
    return topic


def _sentence_question(sentence: str, heading: Optional[str] = None) -> Optional[str]:
    """A question a person would ask about a sentence that states a fact (an amount, a time, a period, a
    name), on the topic of its heading: "What does late collection cost?"; None for a sentence that
    states no fact or has no heading to name its topic (a mission statement makes no question)."""
    topic = _topic(heading)
    words = sentence.split()
    if not topic or len(words) < 5 or len(words) > 60:
        return None
    span = _SPAN.search(sentence)
    if _PRICE.search(sentence):
        return f"What does {topic} cost?"
    if _PERCENT.search(sentence):
        return f"What percentage applies to {topic}?"
    if span:
        unit = span.group(1).lower()
        return f"How many {unit if unit.endswith('s') else unit + 's'} are allowed for {topic}?"
    if _TIME.search(sentence):
        return f"What are the times for {topic}?"
    if _NAME.search(sentence):
        return f"Who is responsible for {topic}?"
    return None


def candidates_for_place(text: str) -> list[tuple[str, str]]:
    """(kind, question) pairs a place's text offers, best kinds first."""
    rows, heads, sentences = [], [], []
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    row_qs = [_row_question(ln) for ln in lines]
    for i, q in enumerate(row_qs):  # a row has a neighbouring row: a table, not a stray line
        if q and ((i and row_qs[i - 1]) or (i + 1 < len(row_qs) and row_qs[i + 1])):
            rows.append(("row", q))
    heading = None
    for piece in units(text):
        if _is_heading(piece):
            q = _heading_question(piece)
            if q:
                heads.append(("heading", q))
            heading = piece
            continue
        if not _row_question(piece):
            q = _sentence_question(piece, heading)
            if q:
                sentences.append(("sentence", q))
    if not (rows or heads or sentences):  # nothing better: what its first sentence is about
        first = re.split(r"[,;:.!?]", units(text)[0] if units(text) else "")[0].strip()
        if 3 <= len(first.split()) <= 9:
            sentences.append(("sentence", f"What do the documents say about {_plain_case(first)}?"))
    return rows + heads + sentences


def places(library) -> list[tuple[str, Optional[int], Optional[str], str]]:
    """(file, page, section, text) for every page (or Word section) with text, document by document."""
    out = []
    for doc in library.documents():
        merged: dict[tuple, list[str]] = {}
        for seg in library.segments(doc.file):
            key = (seg["page"], seg["section"] if seg["page"] is None else None)
            merged.setdefault(key, []).append(seg["text"] or "")
        for (page, section), texts in merged.items():
            text = "\n".join(texts).strip()
            if len(text.split()) >= 8:
                out.append((doc.file, page, section, text))
    return out


def write(library, limit: int = MAX_QUESTIONS, ask_model: Optional[Callable[[str, str], Optional[str]]] = None,
          progress: Callable[[float, str], None] = lambda f, m: None) -> list[Probe]:
    """Up to ``limit`` questions spread over the documents and their pages (model-written when ``ask_model`` is given)."""
    rng = random.Random(SEED)
    by_doc: dict[str, list] = {}
    for place in places(library):
        by_doc.setdefault(place[0], []).append(place)
    chosen = _spread(by_doc, limit, rng)
    probes: list[Probe] = []
    for i, (file, page, section, text) in enumerate(chosen, 1):
        progress(i / max(1, len(chosen)), f"Writing question {i} of {len(chosen)}")
        offered = candidates_for_place(text)
        has_table = any(kind == "row" for kind, _ in offered)
        question = ask_model(title_of(file), text) if ask_model else None
        if question:
            probes.append(Probe(question, file, page, section, "model", has_table))
        elif offered:
            kind, q = offered[rng.randrange(len(offered))] if len(offered) > 1 else offered[0]
            probes.append(Probe(q, file, page, section, kind, has_table))
    return probes


def _spread(by_doc: dict[str, list], limit: int, rng: random.Random) -> list:
    """Every document gets questions, at most one per place, in proportion to its places (round robin)."""
    queues = {name: rng.sample(items, len(items)) for name, items in sorted(by_doc.items())}
    chosen: list = []
    while len(chosen) < limit and any(queues.values()):
        for name in list(queues):
            if queues[name] and len(chosen) < limit:
                chosen.append(queues[name].pop())
    return chosen
