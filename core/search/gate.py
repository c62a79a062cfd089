"""The relevance gate: does the library answer this question at all, and which passages are relevant enough?

Both decisions come from calibrated scores (``benchmarks/calibrate.py`` fits them on the sample
questions plus a second library of other businesses, each with questions that have no answer):

- ``support``: the probability that the results answer the question, from the best passage's
  relevance, the best single sentence's similarity, the share of the question's weight that no
  candidate contains at all ("absent": a question about skateboards in a bike shop's library) and the
  share of its numbers and names that no candidate contains ("Riverton", "401(k)").
  Below ``SUPPORT_MIN`` Groundwork says the documents don't answer it.
- every passage kept is relevant enough on its own (``KEEP_MIN``) and not far below the best one
  (``KEEP_RELATIVE``), so a short question keeps its right page even when another page ranks first.

Measured trade-off (``benchmarks/retrieval.py`` prints the whole curve): no threshold separates every
unanswerable question, so the model's own "the documents don't say" is still checked by the answer.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

from core.types import SearchResult

# support = sigmoid(BIAS + logit * logit(best relevance) + absent * missing words + sentence * best sentence cosine
#                   + exact_absent * missing numbers/names)
SUPPORT_WEIGHTS = {"logit": 0.91, "absent": -0.59, "sentence": 0.17, "exact_absent": -0.3}
SUPPORT_BIAS = 2.18
SUPPORT_MIN = 0.444  # keeps 0.95 of the answerable calibration questions
KEEP_MIN = 0.02  # a passage's own relevance needed to reach the model
KEEP_RELATIVE = 0.1  # ... and at least this share of the best passage's relevance
WEAK = SUPPORT_MIN  # Find says "the best match is weak" below this


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def support(best_relevance: float, absent: float, best_sentence: float, exact_absent: float = 0.0) -> float:
    """The probability that the results answer the question (see the module docstring)."""
    w = SUPPORT_WEIGHTS
    z = (SUPPORT_BIAS + w["logit"] * _logit(best_relevance) + w["absent"] * absent
         + w["sentence"] * best_sentence + w["exact_absent"] * exact_absent)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def answers(results: Sequence[SearchResult]) -> bool:
    """True when the results are judged to answer the question."""
    return bool(results) and (getattr(results, "support", None) or 0.0) >= SUPPORT_MIN


def gate(results: Sequence[SearchResult], query: Optional[str] = None) -> list[SearchResult]:
    """The passages relevant enough to answer from, best first; [] means "nothing relevant was found".

    ``results`` come from ``search`` (reranked: each carries ``relevance``; together they carry ``support``).
    """
    if not answers(results):
        return []
    best = max(r.relevance or 0.0 for r in results)
    floor = max(KEEP_MIN, KEEP_RELATIVE * best)
    return [r for i, r in enumerate(results) if i == 0 or (r.relevance or 0.0) >= floor]


def relevant(results: Sequence[SearchResult], limit: int) -> list[SearchResult]:
    """What Find shows: passages relevant enough to be worth reading, up to ``limit``; at least the best one."""
    if not results:
        return []
    best = max(r.relevance or 0.0 for r in results)
    floor = max(KEEP_MIN, KEEP_RELATIVE * best)
    return [r for i, r in enumerate(results[:limit]) if i == 0 or (r.relevance or 0.0) >= floor]


def is_weak(results: Sequence[SearchResult]) -> bool:
    """True when even the best match probably doesn't answer the question."""
    return not answers(results)
