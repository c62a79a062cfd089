"""What reaches the model, and how strong a match is: decided by meaning, not by shared words.

- ``off_topic``: the one decision taken before the model. A question whose meaning is closer to
  general-knowledge questions than to anything in the library by more than the calibrated floor
  (``core/search/topic.py``) is clearly off topic; Groundwork says so without asking the model.
  No other question is declined here: when the passages don't hold the answer, the model says so
  and ``core/answer/notfound.py`` turns that reply into "not in your documents".
- ``gate``: the passages the model reads, best first: at most ``keep.max_passages``; the top
  ``keep.always`` always (a right page ranked 3rd or 4th with a low score still reaches the model);
  after those, each either scores at least ``keep.relative`` of the best passage's relevance or is within
  ``keep.meaning_delta`` of the best passage's meaning (so a page found by meaning is kept even
  when it shares no word with the question).
- ``strength``: the honest label Find and search-only answers show: "close match", "possible match"
  or "weak match", from the passage's calibrated relevance (``strength`` thresholds).

All numbers live in ``calibration.json`` (``benchmarks/calibrate.py`` fits them on libraries held
out in turn, and prints every figure on the library left out).
"""
from __future__ import annotations

from typing import Optional, Sequence

from core.search import calibration
from core.types import SearchResult

CLOSE, POSSIBLE, WEAK = "close match", "possible match", "weak match"


def _meaning(r: SearchResult) -> float:
    return max(float(r.vector_score or 0.0), float(r.sentence_score or 0.0))


def off_topic(results: Sequence[SearchResult]) -> bool:
    """True when the question is clearly not about the library (or nothing was found at all)."""
    if not results:
        return True
    margin = getattr(results, "topic", None)  # a Found from search; a plain list has no margin
    return margin is not None and margin < calibration.current()["off_topic_floor"]


def keep(results: Sequence[SearchResult], params: Optional[dict] = None) -> list[SearchResult]:
    """The passages worth reading, best first (the top ``always``, at least the first, whatever their score)."""
    if not results:
        return []
    rule = params or calibration.current()["keep"]
    best_rel = max(r.relevance or 0.0 for r in results)
    best_meaning = max(_meaning(r) for r in results)
    out = []
    for i, r in enumerate(results[: rule["max_passages"]]):
        if i < rule.get("always", 1) or (r.relevance or 0.0) >= rule["relative"] * best_rel or \
                _meaning(r) >= best_meaning - rule["meaning_delta"]:
            out.append(r)
    return out


def gate(results: Sequence[SearchResult]) -> list[SearchResult]:
    """The passages the model reads, best first; [] only when the question is clearly off topic."""
    return [] if off_topic(results) else keep(results)


def relevant(results: Sequence[SearchResult], limit: int) -> list[SearchResult]:
    """What Find shows: the passages the model would read (the same calibrated rule, so Find and an answer
    agree on what is worth reading), at most ``limit``; at least the top ``keep.always``."""
    rule = calibration.current()["keep"]
    return keep(results, dict(rule, max_passages=min(limit, rule["max_passages"])))


def strength(r: SearchResult) -> str:
    """"close match", "possible match" or "weak match", from the passage's calibrated relevance."""
    t = calibration.current()["strength"]
    rel = r.relevance if r.relevance is not None else 0.0
    return CLOSE if rel >= t["close"] else POSSIBLE if rel >= t["possible"] else WEAK


def is_weak(results: Sequence[SearchResult]) -> bool:
    """True when even the best match is weak, or the question is clearly off topic."""
    return off_topic(results) or strength(results[0]) == WEAK
