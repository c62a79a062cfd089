"""Candidates: vectors (meaning) + BM25 keywords (exact words), fused by reciprocal rank.

Measured (DESIGN section 7, and ``benchmarks/retrieval.py``): either retriever alone misses
passages the other finds; reciprocal-rank fusion of both beats each. After fusing, repeat
passages from the same page are dropped so the candidates cover more places.

The library is used only through ``embedder.embed_query``, ``vector_query``, ``keyword_query``,
``chunks_by_id`` and ``similarities``.
"""
from __future__ import annotations

from typing import Optional

from core.search import calibration
from core.search.text import fts_query
from core.types import SearchResult

RRF_K = 60  # the usual constant from the reciprocal-rank-fusion paper
CANDIDATES = 40  # per retriever, before fusion


def candidates(library, query: str, qvec: list[float], limit: int,
               files: Optional[list[str]] = None, vector_weight: Optional[float] = None) -> list[SearchResult]:
    """Up to ``limit`` passages from different places, best fused rank first (``score`` = the fused score).

    ``vector_weight`` scales the meaning side's reciprocal ranks against the keyword side's (1 = equal;
    default: ``calibration.json``'s ``fusion.vector_weight``, chosen on held-out libraries).
    """
    if vector_weight is None:
        vector_weight = calibration.current()["fusion"]["vector_weight"]
    vector_hits = library.vector_query(qvec, CANDIDATES, files)
    match = fts_query(query)
    keyword_hits = library.keyword_query(match, CANDIDATES, files) if match else []

    fused: dict[str, float] = {}
    similarity: dict[str, float] = {}
    keyword_rank: dict[str, int] = {}
    for rank, (cid, sim) in enumerate(vector_hits, start=1):
        fused[cid] = fused.get(cid, 0.0) + vector_weight / (RRF_K + rank)
        similarity[cid] = sim
    for rank, cid in enumerate(keyword_hits, start=1):
        fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank)
        keyword_rank[cid] = rank

    chunks = library.chunks_by_id(fused)
    ordered = sorted((cid for cid in fused if cid in chunks), key=lambda c: fused[c], reverse=True)
    results: list[SearchResult] = []
    seen_places: set[tuple] = set()
    for cid in ordered:
        chunk, name = chunks[cid]
        # one passage per page (or Word section); spreadsheet rows are places of their own
        place = (name, chunk.page, chunk.section if chunk.page is None else None, chunk.row_start)
        if place in seen_places:
            continue
        seen_places.add(place)
        results.append(SearchResult(
            chunk_id=cid, file=name, page=chunk.page, page_end=chunk.page_end, section=chunk.section,
            text=chunk.text, score=fused[cid], vector_score=similarity.get(cid, 0.0),
            keyword_rank=keyword_rank.get(cid), row_start=chunk.row_start, row_end=chunk.row_end,
        ))
        if len(results) >= limit:
            break
    missing = [r.chunk_id for r in results if r.chunk_id not in similarity]
    if missing:  # keyword-only hits: measure their meaning too
        extra = library.similarities(qvec, missing)
        for r in results:
            if r.chunk_id in extra:
                r.vector_score = extra[r.chunk_id]
    return results
