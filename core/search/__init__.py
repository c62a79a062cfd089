"""Finding the passages that answer a question.

question ─► hybrid candidates (vectors + keywords, fused) ─► reranker (calibrated relevance per
passage) ─► gate (clearly off topic? which passages the model reads; each passage's strength label).

The library is used only through ``embedder``, ``vector_query``, ``keyword_query``,
``chunks_by_id`` and ``similarities``.
"""
from __future__ import annotations

from typing import Optional

from core.search.gate import gate, is_weak, off_topic, relevant, strength
from core.search.hybrid import candidates
from core.search import topic
from core.search.rerank import RERANK_CANDIDATES, UnitScorer, rescore, uses_builtin_model
from core.search.text import fts_query, specifics, terms
from core.types import Found

__all__ = ["search", "gate", "off_topic", "relevant", "is_weak", "strength", "terms", "highlight_terms",
           "fts_query"]


def highlight_terms(query: str) -> list[str]:
    """Words worth highlighting in a passage found for ``query``."""
    return list(dict.fromkeys(terms(query) + [s for s in specifics(query) if " " not in s]))


def search(library, query: str, k: int = 5, files: Optional[list[str]] = None,
           rerank_results: bool = True) -> Found:
    """The k best passages for ``query``, optionally only from ``files``; best first.

    Reranked results carry ``relevance`` (per passage), and what is found carries ``topic`` (the
    question's meaning margin over general-knowledge questions, ``Found.topic``); ``gate`` reads both. ``rerank_results=False`` gives the fused order only (benchmarks compare both).
    """
    query = (query or "").strip()
    if not query:
        return Found()
    qvec = library.embedder.embed_query(query)
    if not rerank_results:
        return Found(candidates(library, query, qvec, k, files))
    pool = candidates(library, query, qvec, max(k, RERANK_CANDIDATES), files)
    if not pool:
        return Found()
    builtin = uses_builtin_model(library.embedder)
    scorer = UnitScorer(query, qvec if builtin else None)
    ranked, evs, _ = rescore(query, pool, scorer, library_vectors=builtin)
    best = topic.library_similarity([e.vector for e in evs], [e.sentence for e in evs])
    margin = topic.margin(best, topic.general_similarity(scorer.query_vector))
    return Found(ranked[:k], margin)
