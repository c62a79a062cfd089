"""Retrieval evaluation: does search put a source page of each known question near the top?

Used by ``python -m core eval`` and ``benchmarks/retrieval.py``. A question file has one JSON
object per line: ``{"id", "question", "sources": [{"file", "page"}], "answerable"?}``.
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


def run_eval(library, questions: list[dict], k: int, tolerance: int) -> dict:
    """Recall@k and MRR over answerable questions, plus how the relevance gate behaved."""
    from core.search import gate, search

    per_question = []
    hits = 0
    rr_total = 0.0
    answerable = 0
    gate_kept_answerable = 0
    gate_rejected_unanswerable = 0
    unanswerable = 0
    for q in questions:
        results = search(library, q["question"], k=k)
        dicts = [r.as_dict() for r in results]
        is_answerable = q.get("answerable", True) and bool(q.get("sources"))
        passed = bool(gate(results, q["question"]))
        if is_answerable:
            answerable += 1
            gate_kept_answerable += passed
            rank = next((i for i, r in enumerate(dicts, 1) if is_hit(r, q["sources"], tolerance)), None)
            hits += rank is not None
            rr_total += 1.0 / rank if rank else 0.0
            per_question.append({"id": q.get("id"), "hit": rank is not None, "rank": rank, "gate": passed, "results": dicts})
        else:
            unanswerable += 1
            gate_rejected_unanswerable += not passed
            per_question.append({"id": q.get("id"), "hit": None, "rank": None, "gate": passed, "results": dicts})
    return {
        "questions": len(questions),
        "answerable": answerable,
        "k": k,
        "recall_at_k": round(hits / answerable, 4) if answerable else 0.0,
        "mrr": round(rr_total / answerable, 4) if answerable else 0.0,
        "gate_kept_answerable": round(gate_kept_answerable / answerable, 4) if answerable else None,
        "gate_rejected_unanswerable": round(gate_rejected_unanswerable / unanswerable, 4) if unanswerable else None,
        "per_question": per_question,
    }


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


