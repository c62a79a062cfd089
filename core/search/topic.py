"""Is a question about the owner's documents at all? The one decision taken before the model.

A question is compared, by meaning, with the passages search found and with a fixed list of
general-knowledge questions (``data/general_topics.txt``: recipes, sport, geography, the weather...,
none about running a business). ``margin`` = the best passage's similarity minus the mean similarity
of the ``GENERAL_TOP`` closest general questions: one chance resemblance counts for less than with
the single closest (measured alone on the held-out tuning folds, ``benchmarks/calibrate.py``: off-topic
stopped 0.83 / 0.75 / 1.0 instead of 0.67 / 0.50 / 1.0, no answerable question stopped). Below the
calibrated floor (``calibration.json``: ``off_topic_floor``, fitted by ``benchmarks/calibrate.py`` on
libraries held out in turn) the question is clearly off topic: Groundwork says so without asking the
model. Everything else reaches the model, which says itself when the passages don't answer
(``core/answer/notfound.py``).

Words are not used here: a question in everyday words ("my boss sits me down to go over my year")
shares none with its page ("annual appraisal") and must still reach the model.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Sequence

import numpy as np

TOPICS_FILE = Path(__file__).resolve().parent / "data" / "general_topics.txt"
GENERAL_TOP = 3  # general questions averaged for the general side of the margin


@functools.lru_cache(maxsize=1)
def _general_vectors() -> np.ndarray:
    from core.search.rerank import _builtin_model

    lines = [ln.strip() for ln in TOPICS_FILE.read_text(encoding="utf-8").splitlines()]
    questions = [ln for ln in lines if ln and not ln.startswith("#")]
    return np.asarray(_builtin_model().embed(questions), dtype=np.float32)


def general_similarity(query_vector) -> float:
    """The question's mean cosine to its ``GENERAL_TOP`` closest general-knowledge questions (built-in model's vector)."""
    vec = np.asarray(query_vector, dtype=np.float32)
    sims = np.sort(_general_vectors() @ vec)[::-1]
    return float(sims[:GENERAL_TOP].mean())


def library_similarity(vector_scores: Sequence[float], sentence_scores: Sequence[float]) -> float:
    """The question's best cosine to a passage or one of its sentences."""
    return float(max(list(vector_scores) + list(sentence_scores) + [0.0]))


def margin(library_best: float, general_best: float) -> float:
    return library_best - general_best
