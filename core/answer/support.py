"""Does a passage back up a sentence? Shared words, with light stemming; no model, cheap and explainable.

- ``support_check``: the answer's cited sentences whose cited passages share fewer than
  25% of their content words (the list to flag).
- ``support_score``: how well one passage backs up one sentence (used to match uncited
  sentences to a passage, ``repair.py``).
- ``supporting_sentences``: the sentences of a passage that back up a claim (the quote
  shown on hover, and the marks on a page).
"""
from __future__ import annotations

import re
from typing import Mapping, NamedTuple

from core.answer.citations import MARKER, content_words

SUPPORT_THRESHOLD = 0.25  # share of a sentence's content words found in the passage(s) it cites
SUPPORT_MIN_WORDS = 3  # sentences with fewer content words are too short to judge
QUOTE_MAX_SENTENCES = 3

_WORDS = re.compile(r"[\w][\w'\-]*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\[\(\"'“‘*]?[A-Z0-9(])")
_LEADING_MARKERS = re.compile(r"^((?:\[\d+\]\s*)+)")
_SECTION_NUMBER = re.compile(r"\d+(?:\.\d+)*\.?")
_BULLET = re.compile(r"^\s*(?:[-*•>]+|\d+[.)])\s+")
GENERAL = re.compile(r"[(\[]\s*general\s+knowledge\s*[)\]]\s*:?|^\s*\**general\s+knowledge\**\s*:", re.IGNORECASE)


def sentences(text: str) -> list[str]:
    """An answer's sentences (and list items); citation markers right after a full stop stay with their sentence."""
    out: list[str] = []
    for line in (text or "").splitlines():
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        for part in _SENTENCE_END.split(line):
            part = part.strip()
            lead = _LEADING_MARKERS.match(part)
            if lead and out:
                out[-1] = f"{out[-1]} {lead.group(1).strip()}"
                part = part[lead.end():].strip()
            if part:
                out.append(part)
    return out


def passage_sentences(text: str) -> list[str]:
    """A passage's sentences: lines wrapped by the PDF reader are joined back, table rows stay apart."""
    units: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if units and line[:1].islower() and not units[-1].endswith((".", "!", "?", ":")):
            units[-1] = f"{units[-1]} {line}"  # "…$150 per" + "standard bike, …": one sentence
        else:
            units.append(line)
    out: list[str] = []
    for unit in units:
        for part in (p.strip() for p in _SENTENCE_END.split(unit)):
            if out and _SECTION_NUMBER.fullmatch(out[-1]):
                out[-1] = f"{out[-1]} {part}"  # "3." + "Security Deposit…": a numbered heading, not a sentence
            elif part:
                out.append(part)
    return out


def stem(word: str) -> str:
    w = word.lower().strip("'-")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith("ed"):
        w = w[:-2]
    return w


def word_stems(text: str) -> set[str]:
    return {stem(w) for w in _WORDS.findall((text or "").lower())}


def _hits(words: list[str], pool: set[str], lowered: str) -> int:
    """Content words found in a passage: same stem, or (for longer words) the stem inside its text."""
    return sum(1 for w in words if stem(w) in pool or (len(stem(w)) >= 5 and stem(w) in lowered))


def claim_words(sentence: str) -> list[str]:
    """The content words a sentence claims, without its markers or a "(General knowledge)" label."""
    return content_words(GENERAL.sub(" ", sentence or ""))


def support_check(answer_text: str, cited_texts: Mapping[int, str]) -> list[str]:
    """Sentences whose cited passages share fewer than 25% of their content words (the list to flag).

    ``answer_text`` uses the final ``[n]`` numbers; ``cited_texts`` maps those to passage text.
    """
    stems_of = {n: word_stems(t) for n, t in cited_texts.items()}
    lowered = {n: (t or "").lower() for n, t in cited_texts.items()}
    flagged: list[str] = []
    for sentence in sentences(answer_text):
        cited = [int(n) for n in MARKER.findall(sentence) if int(n) in cited_texts]
        if not cited:
            continue
        words = claim_words(sentence)
        if len(words) < SUPPORT_MIN_WORDS:
            continue
        pool: set[str] = set().union(*(stems_of[n] for n in cited))
        text = " ".join(lowered[n] for n in cited)
        if _hits(words, pool, text) / len(words) < SUPPORT_THRESHOLD:
            flagged.append(sentence)
    return flagged


class Support(NamedTuple):
    share: float  # of the sentence's content words found in the passage
    hits: int
    numbers_found: bool  # every number the sentence states is in the passage


def support_score(sentence: str, passage_text: str) -> Support:
    """How well ``passage_text`` backs up ``sentence`` (markers and labels ignored)."""
    words = claim_words(sentence)
    if not words:
        return Support(0.0, 0, True)
    lowered = (passage_text or "").lower()
    hits = _hits(words, word_stems(passage_text), lowered)
    in_passage = {n.replace(",", "") for n in _NUMBER.findall(lowered)}
    numbers = {n.replace(",", "") for n in _NUMBER.findall(MARKER.sub(" ", sentence))}
    return Support(hits / len(words), hits, numbers <= in_passage)


def supporting_sentences(claim: str, passage_text: str) -> list[str]:
    """The passage's sentences that share the most content words with ``claim``; the whole passage when none stands out.

    "Stands out": at least two shared words (one, when the claim has only one or two), and
    the sentences kept are those within a quarter of the best; at most three, in passage order.
    """
    parts = passage_sentences(passage_text)
    words = claim_words(claim)
    if not parts:
        return []
    if not words:
        return parts
    scored = [_hits(words, word_stems(p), p.lower()) for p in parts]
    best = max(scored)
    if best < min(2, len(words)):
        return parts
    keep = [i for i, s in enumerate(scored) if s >= best * 0.75 and s > 0]
    keep = sorted(sorted(keep, key=lambda i: -scored[i])[:QUOTE_MAX_SENTENCES])
    return [parts[i] for i in keep]
