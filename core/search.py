"""Hybrid retrieval: vectors (meaning) + BM25 keywords (exact words), fused.

Measured (DESIGN section 7, and ``benchmarks/retrieval.py`` here): either
retriever alone misses passages the other finds; reciprocal-rank fusion of
both beats each. After fusing, repeat passages from the same page are dropped
so the top k covers more places.

``gate`` decides whether anything found is relevant enough to answer from. No
single score separates unanswerable questions, so the gate only removes the
obvious misses; the answer module also detects the model saying "the sources
do not say".
"""
from __future__ import annotations

import re
from typing import Optional

from core.types import SearchResult

RRF_K = 60  # the usual constant from the reciprocal-rank-fusion paper
CANDIDATES = 40  # per retriever, before fusion

# Relevance gate, tuned on sample_docs/questions.jsonl (benchmarks/retrieval.py prints the split)
MIN_VECTOR_SIMILARITY = 0.33
STRONG_VECTOR_SIMILARITY = 0.43
MIN_TERM_COVERAGE = 0.5

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves tell please know get us there's what's i'm can't don't doesn't isn't
    much many also ever""".split()
)

_WORD = re.compile(r"[\w][\w'\-]*", re.UNICODE)


def terms(query: str) -> list[str]:
    """Content words of a question, lower-cased, in order, without repeats."""
    out: list[str] = []
    for raw in _WORD.findall(query.lower()):
        word = raw.strip("'-")
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) < 2 and not word.isdigit():
            continue
        if word in STOPWORDS or word in out:
            continue
        out.append(word)
    return out


def highlight_terms(query: str) -> list[str]:
    """Words worth highlighting in a passage found for ``query``."""
    return terms(query)


def fts_query(query: str) -> str:
    """An FTS5 MATCH expression: any content word (OR), each quoted so punctuation is safe."""
    words = [w.replace('"', "") for w in terms(query)]
    return " OR ".join(f'"{w}"' for w in words if w)


def search(library, query: str, k: int = 5, files: Optional[list[str]] = None) -> list[SearchResult]:
    """The k best passages for ``query``, optionally only from ``files``; best first."""
    query = (query or "").strip()
    if not query:
        return []
    qvec = library.embedder.embed_query(query)
    vector_hits = library.vector_query(qvec, CANDIDATES, files)
    match = fts_query(query)
    keyword_hits = library.keyword_query(match, CANDIDATES, files) if match else []

    fused: dict[str, float] = {}
    similarity: dict[str, float] = {}
    keyword_rank: dict[str, int] = {}
    for rank, (cid, sim) in enumerate(vector_hits, start=1):
        fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank)
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
        place = (name, chunk.page, chunk.section if chunk.page is None else None)
        if place in seen_places:
            continue
        seen_places.add(place)
        results.append(
            SearchResult(
                chunk_id=cid,
                file=name,
                page=chunk.page,
                page_end=chunk.page_end,
                section=chunk.section,
                text=chunk.text,
                score=fused[cid],
                vector_score=similarity.get(cid, 0.0),
                keyword_rank=keyword_rank.get(cid),
            )
        )
        if len(results) >= k:
            break
    missing = [r.chunk_id for r in results if r.chunk_id not in similarity]
    if missing:  # keyword-only hits: measure their meaning too, for the relevance gate
        extra = library.similarities(qvec, missing)
        for r in results:
            if r.chunk_id in extra:
                r.vector_score = extra[r.chunk_id]
    return results


def term_coverage(query: str, text: str) -> float:
    """Share of the question's content words that appear in ``text`` (prefix match for plurals)."""
    words = terms(query)
    if not words:
        return 0.0
    lowered = text.lower()
    hits = 0
    for w in words:
        stem = w[:-1] if len(w) > 4 and w.endswith("s") else w
        if stem in lowered:
            hits += 1
    return hits / len(words)


def is_relevant(result: SearchResult, query: str) -> bool:
    """One passage passes when its meaning is close, or it is fairly close and shares the key words."""
    if result.vector_score >= STRONG_VECTOR_SIMILARITY:
        return True
    if result.vector_score >= MIN_VECTOR_SIMILARITY and term_coverage(query, result.text) >= MIN_TERM_COVERAGE:
        return True
    return False


def gate(results: list[SearchResult], query: str) -> list[SearchResult]:
    """The passages relevant enough to answer from; [] means "nothing relevant was found"."""
    return [r for r in results if is_relevant(r, query)]
