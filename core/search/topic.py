"""Is a question about the owner's documents at all? The one decision taken before the model.

A question is compared, by meaning, with the passages search found and with a fixed list of
general-knowledge questions (``data/general_topics.txt``: recipes, sport, geography, the weather...,
none about running a business). ``margin`` = the best passage's similarity minus the best
general question's similarity. Below the calibrated floor (``calibration.json``: ``off_topic_floor``,
fitted by ``benchmarks/calibrate.py`` on libraries held out in turn) the question is clearly off
topic: Groundwork says so without asking the model. Everything else reaches the model, which says
itself when the passages don't answer (``core/answer/notfound.py``).

Words are not used here: a question in everyday words ("my boss sits me down to go over my year")
shares none with its page ("annual appraisal") and must still reach the model.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Sequence

import numpy as np

TOPICS_FILE = Path(__file__).resolve().parent / "data" / "general_topics.txt"


@functools.lru_cache(maxsize=1)
def _general_vectors() -> np.ndarray:
    from core.search.rerank import _builtin_model

    lines = [ln.strip() for ln in TOPICS_FILE.read_text(encoding="utf-8").splitlines()]
    questions = [ln for ln in lines if ln and not ln.startswith("#")]
    return np.asarray(_builtin_model().embed(questions), dtype=np.float32)


def general_similarity(query_vector) -> float:
    """The question's best cosine to a general-knowledge question (built-in model's vector)."""
    vec = np.asarray(query_vector, dtype=np.float32)
    return float((_general_vectors() @ vec).max())


def library_similarity(vector_scores: Sequence[float], sentence_scores: Sequence[float]) -> float:
    """The question's best cosine to a passage or one of its sentences."""
    return float(max(list(vector_scores) + list(sentence_scores) + [0.0]))


def margin(library_best: float, general_best: float) -> float:
    return library_best - general_best
