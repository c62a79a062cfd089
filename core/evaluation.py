"""Retrieval evaluation: does search put a source page of each known question near the top, and does it reach the model?

Used by ``python -m core eval`` and ``benchmarks/retrieval.py``. A question file has one JSON
object per line: ``{"id", "question", "sources": [{"file", "page"}], "answerable"?}``.

- ``recall_at_k`` / ``mrr``: a right page among the k results, and how high (after reranking);
- ``context_recall``: a right page among the passages that pass the relevance gate, i.e. what the
  model is given; counted over answerable questions, so a question the gate turns away counts as a miss;
- ``gate_kept_answerable`` / ``gate_declined_unanswerable``: how the gate splits the two kinds (the gate
  stops only clearly off-topic questions; an unanswerable question in the library's field reaches the
  model, which says itself that the documents don't answer it)
  (``gate_rejected_unanswerable`` is the same figure under its earlier name);
- ``passages_per_answer``: how many passages pass the gate for a kept question (mean).
"""
from __future__ import annotations

import json
from pathlib import Path

from core.errors import UsageError


def is_hit(result: dict, sources: list[dict], tolerance: int) -> bool:
    for src in sources:
        if src.get("file") != result["file"]:
            continue
        page = src.get("page")
        if page is None:
            if src.get("section") and src.get("section") == result.get("section"):
                return True
            if not src.get("section"):
                return True
            continue
        if result.get("page") is None:
            continue
        lo = result["page"] - tolerance
        hi = (result.get("page_end") or result["page"]) + tolerance
        if lo <= page <= hi:
            return True
    return False


def is_answerable(q: dict) -> bool:
    return bool(q.get("answerable", True)) and bool(q.get("sources"))


def _ratio(part: float, whole: int):
    return round(part / whole, 4) if whole else None


def judge(library, q: dict, k: int, tolerance: int, rerank: bool = True) -> dict:
    """One question: its results, the rank of the first right page, and what passed the gate."""
    from core.search import gate, search

    results = search(library, q["question"], k=k, rerank_results=rerank)
    passed = gate(results) if rerank else []
    dicts = [r.as_dict() for r in results]
    topic = getattr(results, "topic", None)
    row = {"id": q.get("id"), "hit": None, "rank": None, "gate": bool(passed), "passed": len(passed),
           "context_hit": None, "topic": None if topic is None else round(topic, 4), "results": dicts}
    if is_answerable(q):
        rank = next((i for i, r in enumerate(dicts, 1) if is_hit(r, q["sources"], tolerance)), None)
        row.update(hit=rank is not None, rank=rank,
                   context_hit=any(is_hit(r.as_dict(), q["sources"], tolerance) for r in passed))
    return row


def run_eval(library, questions: list[dict], k: int, tolerance: int, rerank: bool = True) -> dict:
    """Recall@k and MRR over answerable questions, what passes the relevance gate, and how it splits the questions."""
    per_question = [judge(library, q, k, tolerance, rerank) for q in questions]
    answerable = [p for p in per_question if p["hit"] is not None]
    unanswerable = [p for p in per_question if p["hit"] is None]
    n_a, n_u = len(answerable), len(unanswerable)
    kept = [p for p in answerable if p["gate"]]
    declined = sum(1 for p in unanswerable if not p["gate"])
    report = {
        "questions": len(questions),
        "answerable": n_a,
        "unanswerable": n_u,
        "k": k,
        "reranked": rerank,
        "recall_at_k": _ratio(sum(1 for p in answerable if p["hit"]), n_a) or 0.0,
        "mrr": _ratio(sum(1.0 / p["rank"] for p in answerable if p["rank"]), n_a) or 0.0,
        "recall_at_1": _ratio(sum(1 for p in answerable if p["rank"] == 1), n_a),
        "recall_at_3": _ratio(sum(1 for p in answerable if p["rank"] and p["rank"] <= 3), n_a),
        "context_recall": _ratio(sum(1 for p in answerable if p["context_hit"]), n_a) if rerank else None,
        "gate_kept_answerable": _ratio(len(kept), n_a) if rerank else None,
        "gate_declined_unanswerable": _ratio(declined, n_u) if rerank else None,
        "passages_per_answer": round(sum(p["passed"] for p in kept) / len(kept), 2) if rerank and kept else None,
        "per_question": per_question,
    }
    report["gate_rejected_unanswerable"] = report["gate_declined_unanswerable"]  # the earlier name
    return report


def read_questions(path: str) -> list[dict]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"Groundwork couldn't open '{path}'; check the path and try again.") from exc
    questions = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            q = json.loads(line)
        except ValueError as exc:
            raise UsageError(f"Line {n} of {path} is not valid JSON; fix that line and try again.") from exc
        if not isinstance(q, dict) or not q.get("question"):
            raise UsageError(f"Line {n} of {path} has no question; each line needs a 'question'.")
        questions.append(q)
    return questions
