"""Re-scoring the fused candidates: how likely each passage answers the question (0..1, calibrated).

Why not a cross-encoder: none ships with its weights in a PyPI package we could pin (the package
lists were searched for MS MARCO / MiniLM / TinyBERT / BGE rerankers in ONNX or any other format:
flashrank, swiftrank, rerankers, mxbai-rerank and others download their models at run time;
small-hybrid-reranker ships a pickled LightGBM model over a static embedding fetched from a hub).
So the reranker is built from what is pinned and offline, and fitted on labelled questions:

- ``sentence``: the best match between the question and single sentences or table rows of the
  passage (the pinned MiniLM embedder on short pieces), so "Weekend call-out ... 52.00 per hour"
  is compared on its own, not diluted by the rest of a price table;
- ``vector``: the whole passage's similarity (from the library's search);
- ``coverage`` / ``proximity``: how much of the question's weight the passage (or two adjacent
  sentences of it) contains, each word weighted by how rare it is (``text.importance``);
- ``phrase``: word pairs of the question found side by side ("deep clean", "weekend call-out");
- ``exact``: numbers, codes and names of the question found as written.

Words on both sides go through ``core.text.normalize`` first (numbers in one form, accents folded,
"e-mail" meeting "email"), as in the keyword index and the page marks.

``relevance`` is a logistic model over these; its weights come from ``calibration.json``, written by
``benchmarks/calibrate.py`` (fitted on the tuning libraries, checked on each one held out in turn).
Cost is bounded: at most ``SENTENCE_CANDIDATES`` passages of the ``RERANK_CANDIDATES`` get
``UNITS_PER_PASSAGE`` pieces each embedded (cached by text), so a search embeds at most 12 short texts.
"""
from __future__ import annotations

import functools
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np

from core.search import calibration
from core.text.normalize import normalize
from core.search.text import importance, phrases, specifics, stem, stem_sequence, stems_of, terms, title_of, units
from core.types import SearchResult

RERANK_CANDIDATES = 10  # fused passages re-scored per search (cost: 2 short pieces each, see benchmarks/search.py)
SENTENCE_CANDIDATES = 6  # ... of which the most promising get their sentences compared with the question
UNITS_PER_PASSAGE = 2  # sentences/rows of each passage compared with the question (the most word-matched)
UNIT_CHARS = 240  # a longer sentence is compared by its start (about 50 tokens)

# The weights are fitted by benchmarks/calibrate.py (logistic regression, L2 1.0) and kept in calibration.json.
FEATURES = ("vector", "sentence", "coverage", "proximity", "phrase", "exact")


@dataclass(frozen=True)
class Evidence:
    """What one passage shows for a question (each 0..1, ``vector`` and ``sentence`` are cosines)."""

    vector: float
    sentence: float
    coverage: float
    proximity: float
    phrase: float
    exact: float

    def row(self) -> list[float]:
        return [getattr(self, name) for name in FEATURES]


def relevance(ev: Evidence, weights: Optional[Sequence[float]] = None, bias: Optional[float] = None) -> float:
    """The calibrated probability that this passage answers the question."""
    if weights is None or bias is None:
        fitted = calibration.current()["rerank"]
        weights, bias = fitted["weights"], fitted["bias"]
    z = bias + sum(w * x for w, x in zip(weights, ev.row()))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


# --------------------------------------------------------------------------- words


@dataclass(frozen=True)
class _Question:
    stems: tuple[str, ...]
    parts: dict  # stem -> stems of its hyphen parts (a passage with all parts matches too)
    weight: dict  # stem -> importance
    pairs: tuple
    exact: tuple[str, ...]

    @property
    def total(self) -> float:
        return sum(self.weight.values()) or 1.0

    def found(self, stems: set[str]) -> float:
        """Share of the question's weight whose words are in ``stems``."""
        hit = sum(w for s, w in self.weight.items() if s in stems or (self.parts[s] and self.parts[s] <= stems))
        return hit / self.total


def _question(query: str) -> _Question:
    weight, parts = {}, {}
    for t in terms(query):
        s = stem(t)
        if s in weight:
            continue
        weight[s] = importance(t)
        parts[s] = {stem(p) for p in t.split("-") if p} if "-" in t else set()
    return _Question(tuple(weight), parts, weight, tuple(phrases(query)), tuple(specifics(query)))


def passage_text(r: SearchResult) -> str:
    """The words a passage is matched on: its document's title and section, then its text."""
    return f"{title_of(r.file)} {r.section or ''}\n{r.text}"


def _exact_share(wanted: Sequence[str], text: str, stems: set[str]) -> float:
    if not wanted:
        return 1.0
    flat = normalize(text).lower().replace(",", "")
    ok = sum(1 for w in wanted if w.replace(",", "") in flat or (w.isalpha() and stem(w) in stems))
    return ok / len(wanted)


def _best_units(q: _Question, pieces: list[str], piece_stems: list[set[str]], n: int) -> list[int]:
    scored = [(q.found(st), -i) for i, st in enumerate(piece_stems)]
    return [-i for _, i in sorted(scored, reverse=True)[:n]]


# --------------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class Missing:
    """What the question asks about that none of the candidates contains."""

    words: float  # share of the question's weight (rare words weigh more) found in no candidate
    exact: float  # share of its numbers, codes and names found in no candidate


def _lexical(q: _Question, text: str, stems: set[str], piece_stems: list[set[str]]) -> dict:
    windows = [piece_stems[i] | (piece_stems[i + 1] if i + 1 < len(piece_stems) else set())
               for i in range(len(piece_stems))]
    seq = stem_sequence(text)
    pairs = set(zip(seq, seq[1:]))
    return {"coverage": q.found(stems) if q.stems else 0.0,
            "proximity": max((q.found(w) for w in windows), default=0.0) if q.stems else 0.0,
            "phrase": (sum(1 for p in q.pairs if p in pairs) / len(q.pairs)) if q.pairs else 0.0,
            "exact": _exact_share(q.exact, text, stems)}


def evidence(query: str, results: Sequence[SearchResult], unit_similarity: Callable[[list[str]], Sequence[float]],
             library_vectors: bool = True) -> tuple[list[Evidence], Missing]:
    """Each passage's evidence, and what no candidate contains (``Missing``).

    Sentences are compared only for the ``SENTENCE_CANDIDATES`` passages that look best on everything
    else (their own vector standing in for their best sentence); the others keep that stand-in.
    ``library_vectors`` False: the library's vectors come from another model (Ollama), whose cosines
    are on another scale than the fitted weights; then every passage's sentences are compared and the
    best sentence stands in for the passage's vector.
    """
    q = _question(query)
    texts = [passage_text(r) for r in results]
    all_stems = [stems_of(t) for t in texts]
    union = set().union(*all_stems) if all_stems else set()
    missing = Missing(1.0 - q.found(union) if q.stems else 0.0, 1.0 - _exact_share(q.exact, "\n".join(texts), union))
    piece_lists = [units(r.text) for r in results]
    piece_stems = [[stems_of(p) for p in pieces] for pieces in piece_lists]
    lexical = [_lexical(q, t, st, ps) for t, st, ps in zip(texts, all_stems, piece_stems)]
    first = [Evidence(vector=float(r.vector_score), sentence=float(r.vector_score), **lx) for r, lx in zip(results, lexical)]
    order = sorted(range(len(results)), key=lambda i: relevance(first[i]), reverse=True)
    scored = set(order if not library_vectors else order[:SENTENCE_CANDIDATES])
    chosen = {i: [piece_lists[i][j][:UNIT_CHARS] for j in _best_units(q, piece_lists[i], piece_stems[i], UNITS_PER_PASSAGE)]
              for i in scored}
    flat = list(dict.fromkeys(p for picked in chosen.values() for p in picked))
    sims = dict(zip(flat, unit_similarity(flat))) if flat else {}
    out = []
    for i, (r, lx) in enumerate(zip(results, lexical)):
        sentence = max((float(sims[p]) for p in chosen.get(i, [])), default=float(r.vector_score))
        out.append(Evidence(vector=float(r.vector_score) if library_vectors else sentence, sentence=sentence, **lx))
    return out, missing


# --------------------------------------------------------------------------- the sentence model


class UnitScorer:
    """Cosine similarity of the question to short pieces of text, with the pinned built-in model.

    Piece vectors are cached by text (bounded), so a passage seen before costs nothing.
    """

    CACHE_SIZE = 20000
    _cache: "OrderedDict[str, np.ndarray]" = OrderedDict()
    _lock = threading.Lock()

    def __init__(self, query: str, query_vector=None):
        self.model = _builtin_model()
        vec = query_vector if query_vector is not None else self.model.embed_query(query)
        self.query_vector = np.asarray(vec, dtype=np.float32)

    def __call__(self, pieces: list[str]) -> list[float]:
        with self._lock:
            known = {p: self._cache[p] for p in pieces if p in self._cache}
            for p in known:
                self._cache.move_to_end(p)
        missing = [p for p in dict.fromkeys(pieces) if p not in known]
        if missing:
            vectors = np.asarray(self.model.embed(missing), dtype=np.float32)
            with self._lock:
                for p, v in zip(missing, vectors):
                    known[p] = v
                    self._cache[p] = v
                while len(self._cache) > self.CACHE_SIZE:
                    self._cache.popitem(last=False)
        return [float(known[p] @ self.query_vector) for p in pieces]


@functools.lru_cache(maxsize=1)
def _builtin_model():
    from core.embeddings import MiniLMEmbedder

    return MiniLMEmbedder()


def uses_builtin_model(embedder) -> bool:
    """True when the library's own vectors come from the built-in model (its question vector can be reused)."""
    from core.embeddings import MiniLMEmbedder

    return getattr(embedder, "name", None) == MiniLMEmbedder.name


def rescore(query: str, results: list[SearchResult], scorer: Callable[[list[str]], Sequence[float]],
            library_vectors: bool = True) -> tuple[list[SearchResult], list[Evidence], Missing]:
    """``results`` re-ordered by relevance (each gets ``relevance`` and ``score`` set), their evidence, what's missing."""
    evs, missing = evidence(query, results, scorer, library_vectors)
    for r, ev in zip(results, evs):
        r.relevance = relevance(ev)
        r.score = r.relevance
        r.sentence_score = ev.sentence
    order = sorted(range(len(results)), key=lambda i: results[i].relevance or 0.0, reverse=True)
    return [results[i] for i in order], [evs[i] for i in order], missing
