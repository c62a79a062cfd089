"""Questions written from the owner's own documents, each knowing the page that answers it.

Without a model: from headings ("Alarm call-outs" -> "What do the documents say about alarm
call-outs?"), table rows ("Item: Volt 625 Wh battery | ... | Price: $869" -> "How much is the Volt
625 Wh battery?") and key sentences (a sentence with a number or rare words -> a question from its
most telling words). With the model (Ollama running): the model reads the page and writes one
question an owner or customer might ask, in its own words; a reply that isn't a short question
falls back to the written-from-text kind.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Callable, Optional

from core.search.text import importance, terms, title_of, units

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
_PRICE = re.compile(r"(?:[$£€]\s?\d[\d,.]*|\b\d+[.,]\d{2}\b)")
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


def _heading_question(line: str) -> Optional[str]:
    words = line.split()
    if not 2 <= len(words) <= 7 or line.endswith((".", ":", "?", "!", ",")) or not line[0].isupper():
        return None
    if _NUMBER.fullmatch(line) or "|" in line:
        return None
    topic = re.sub(r"^\d+(\.\d+)*\.?\s*", "", line).strip()
    if len(topic.split()) < 2:
        return None
    return f"What do the documents say about {topic[0].lower() + topic[1:]}?"


def _sentence_question(sentence: str) -> Optional[str]:
    words = sentence.split()
    if len(words) < 8 or len(words) > 45:
        return None
    content = [w for w in terms(sentence) if not w.isdigit()]
    if len(content) < 4:
        return None
    ranked = sorted(content, key=lambda w: (-importance(w), content.index(w)))[:4]
    ranked.sort(key=content.index)  # back in the sentence's order, so it reads like a search
    return f"What about {' '.join(ranked)}?"


def candidates_for_place(text: str) -> list[tuple[str, str]]:
    """(kind, question) pairs a place's text offers, best kinds first."""
    rows, heads, sentences = [], [], []
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    row_qs = [_row_question(ln) for ln in lines]
    for i, q in enumerate(row_qs):  # a row has a neighbouring row: a table, not a stray line
        if q and ((i and row_qs[i - 1]) or (i + 1 < len(row_qs) and row_qs[i + 1])):
            rows.append(("row", q))
    for piece in units(text):
        q = _heading_question(piece)
        if q:
            heads.append(("heading", q))
            continue
        if not _row_question(piece):
            q = _sentence_question(piece)
            if q:
                sentences.append(("sentence", q))
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
